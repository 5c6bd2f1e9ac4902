package org.chestlens.references;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HtmlContainer;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.NativeButton;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.server.streams.DownloadHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.chestlens.analysis.AnalysisImages;
import org.chestlens.analysis.AnalysisService;

/**
 * Cases that look alike to the model: reference cases with their diagnosis, and the clinician's confirmed ones. A
 * click (or Enter) opens the case larger with its diagnosis, where it comes from and, for a reference, whom to credit.
 * The larger view is the browser's own modal {@code <dialog>}: focus stays inside, Escape closes it.
 */
final class SimilarCasesPanel {

    private SimilarCasesPanel() {
    }

    static Section of(AnalysisService analyses, ReferenceLibrary library, List<SimilarCase> cases,
                      Optional<Long> requester) {
        Section panel = new Section(new H2("Similar cases"));
        panel.setId("similar-cases");
        panel.addClassName("cl-card");
        if (cases.isEmpty()) {
            Paragraph none = new Paragraph(library.busy()
                    ? "No similar cases yet: the reference library is being loaded. Reload the page in a minute."
                    : "No similar cases are available: the reference library is empty on this server.");
            none.addClassName("cl-muted");
            panel.add(none);
            return panel;
        }
        Paragraph intro = new Paragraph("Images the model finds most alike (cosine similarity of its image features, "
                + "1.00 = identical). Their diagnoses are for comparison, not a verdict on this image. Select one to "
                + "see it larger.");
        intro.addClassName("cl-muted");
        Div list = new Div();
        list.addClassName("cl-similar-list");
        CaseDialog dialog = new CaseDialog();
        for (int i = 0; i < cases.size(); i++) {
            SimilarCase similar = cases.get(i);
            boolean own = similar.source() == SimilarCase.Source.OWN_ANALYSIS;
            Image thumb = new Image(own
                    ? AnalysisImages.thumbnail(analyses, similar.id(), requester)
                    : AnalysisImages.of("reference", () -> library.thumbnail(Long.parseLong(similar.id()))),
                    "Similar case: " + similar.diagnosis());
            thumb.addClassName("cl-similar-thumb");
            Span diagnosis = new Span(similar.diagnosis());
            diagnosis.addClassName("cl-similar-diagnosis");
            Span score = new Span(similarity(similar));
            score.addClassName("cl-muted");
            Span source = new Span(own ? "Your confirmed case" : "Reference library");
            source.addClassName("cl-similar-source");
            Div text = new Div(diagnosis, score, source);
            text.addClassName("cl-similar-text");
            NativeButton card = new NativeButton();
            card.add(thumb, text);
            card.addClassName("cl-similar");
            card.setId("similar-case-" + i);
            card.getElement().setAttribute("aria-haspopup", "dialog");
            card.getElement().setAttribute("aria-label", "Show larger: " + similar.diagnosis() + ", " + similarity(similar));
            card.addClickListener(e -> dialog.show(similar, own
                    ? AnalysisImages.image(analyses, similar.id(), requester)
                    : AnalysisImages.of("reference", () -> library.thumbnail(Long.parseLong(similar.id())))));
            list.add(card);
        }
        panel.add(intro, list, dialog);
        return panel;
    }

    private static String similarity(SimilarCase c) {
        return String.format(Locale.ROOT, "Similarity %.2f", c.similarity());
    }

    /** The browser's modal dialog, filled with the chosen case. */
    @Tag("dialog")
    static final class CaseDialog extends HtmlContainer {

        CaseDialog() {
            setId("similar-case-dialog");
            addClassName("cl-similar-dialog");
            getElement().setAttribute("aria-labelledby", "similar-case-dialog-title");
        }

        void show(SimilarCase similar, DownloadHandler image) {
            removeAll();
            boolean own = similar.source() == SimilarCase.Source.OWN_ANALYSIS;
            H3 title = new H3(similar.diagnosis());
            title.setId("similar-case-dialog-title");
            Image large = new Image(image, (own ? "Your confirmed case: " : "Reference case: ") + similar.diagnosis());
            large.addClassName("cl-similar-large");
            List<Component> facts = new ArrayList<>();
            facts.add(new Paragraph((own ? "Diagnosis you confirmed: " : "Diagnosis (the data set's labels): ")
                    + similar.diagnosis()));
            facts.add(new Paragraph(similarity(similar) + " to the analysed image (1.00 = identical)."));
            if (own) {
                facts.add(new Anchor("analysis/" + similar.id(), "Open this analysis"));
            } else {
                similar.dataset().ifPresent(d -> facts.add(new Paragraph("Data set: " + d)));
                String credit = similar.attribution().orElse("") + similar.license().map(l -> (similar.attribution()
                        .isPresent() ? ", " : "") + "licence " + l).orElse("");
                if (!credit.isEmpty()) {
                    Paragraph attribution = new Paragraph("Image: " + credit + ".");
                    attribution.addClassName("cl-muted");
                    facts.add(attribution);
                }
            }
            Div text = new Div(facts.toArray(Component[]::new));
            text.addClassName("cl-similar-dialog-text");
            NativeButton close = new NativeButton("Close", e -> getElement().executeJs("this.close()"));
            close.setId("similar-case-close");
            close.addClassName("cl-similar-close");
            add(title, large, text, close);
            getElement().executeJs("if (!this.open) this.showModal()");
        }
    }
}
