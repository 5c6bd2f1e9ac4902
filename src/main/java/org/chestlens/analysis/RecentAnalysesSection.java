package org.chestlens.analysis;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.router.RouterLink;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.chestlens.accounts.ProfileSection;
import org.springframework.data.domain.PageRequest;

/** The profile page's list of the clinician's latest analyses, each a link to its result. */
@org.springframework.stereotype.Component
class RecentAnalysesSection implements ProfileSection {

    static final int COUNT = 10;

    private final AnalysisService analysisService;

    RecentAnalysesSection(AnalysisService analysisService) {
        this.analysisService = analysisService;
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public Component create(long accountId) {
        Section section = new Section(new H2("Recent analyses"));
        section.setId("recent-analyses");
        section.addClassName("cl-card");
        var page = analysisService.listForOwner(accountId, PageRequest.of(0, COUNT));
        if (page.isEmpty()) {
            Paragraph none = new Paragraph("You have not analysed an X-ray while signed in yet.");
            none.addClassName("cl-muted");
            section.add(none, new RouterLink("Analyse an X-ray", UploadView.class));
            return section;
        }
        Map<String, String> labels = analysisService.findingCatalogue().stream()
                .collect(Collectors.toMap(FindingDescription::code, FindingDescription::label, (a, b) -> a));
        UnorderedList list = new UnorderedList();
        list.addClassName("cl-recent-list");
        Optional<Long> requester = Optional.of(accountId);
        for (AnalysisSummary summary : page) {
            String when = org.chestlens.ui.Dates.dateTime(summary.createdAt());
            Image thumb = new Image(AnalysisImages.thumbnail(analysisService, summary.publicId(), requester), "");
            thumb.addClassName("cl-recent-thumb");
            RouterLink link = new RouterLink(when, ResultView.class, ResultView.parameters(summary.publicId()));
            link.getElement().setAttribute("aria-label", "Open the analysis of " + when
                    + (summary.fileName().isBlank() ? "" : ", " + summary.fileName()));
            Span findings = new Span(summary.status() == AnalysisStatus.REJECTED ? "Could not be analysed"
                    : summary.positiveFindings().isEmpty() ? "No finding above threshold"
                    : "Positive: " + summary.positiveFindings().stream().map(c -> labels.getOrDefault(c, c))
                            .collect(Collectors.joining(", ")));
            Span detail = new Span((summary.fileName().isBlank() ? "" : summary.fileName() + " \u00b7 ")
                    + (summary.patientId().isPresent() ? "filed under a patient" : "no patient"));
            detail.addClassName("cl-muted");
            Div text = new Div(link, findings, detail);
            text.addClassName("cl-recent-text");
            ListItem item = new ListItem(thumb, text);
            item.addClassName("cl-recent-item");
            list.add(item);
        }
        Paragraph total = new Paragraph(page.getTotalElements() > COUNT
                ? "The latest " + COUNT + " of your " + page.getTotalElements() + " analyses."
                : page.getTotalElements() == 1 ? "Your only analysis." : "All your " + page.getTotalElements() + " analyses.");
        total.addClassName("cl-muted");
        section.add(list, total);
        return section;
    }
}
