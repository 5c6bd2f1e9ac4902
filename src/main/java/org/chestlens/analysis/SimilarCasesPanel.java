package org.chestlens.analysis;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Cases that look alike to the model: reference cases with their diagnosis, and the clinician's confirmed ones. */
final class SimilarCasesPanel {

    private SimilarCasesPanel() {
    }

    static Section of(AnalysisService service, List<SimilarCase> cases, Optional<Long> requester) {
        Section panel = new Section(new H2("Similar cases"));
        panel.setId("similar-cases");
        panel.addClassName("cl-card");
        if (cases.isEmpty()) {
            Paragraph none = new Paragraph("No similar cases are available: the reference library is empty on this server.");
            none.addClassName("cl-muted");
            panel.add(none);
            return panel;
        }
        Paragraph intro = new Paragraph("Images the model finds most alike (cosine similarity of its image features, "
                + "1.00 = identical). Their diagnoses are for comparison, not a verdict on this image.");
        intro.addClassName("cl-muted");
        Div list = new Div();
        list.addClassName("cl-similar-list");
        for (SimilarCase similar : cases) {
            boolean own = similar.source() == SimilarCase.Source.OWN_ANALYSIS;
            Image thumb = new Image(own
                    ? AnalysisImages.thumbnail(service, similar.id(), requester)
                    : AnalysisImages.of("reference", () -> service.referenceThumbnail(Long.parseLong(similar.id()))),
                    "Similar case: " + similar.diagnosis());
            thumb.addClassName("cl-similar-thumb");
            Span diagnosis = new Span(similar.diagnosis());
            diagnosis.addClassName("cl-similar-diagnosis");
            Span score = new Span(String.format(Locale.ROOT, "Similarity %.2f", similar.similarity()));
            score.addClassName("cl-muted");
            Span source = new Span(own ? "Your confirmed case" : "Reference library");
            source.addClassName("cl-similar-source");
            Div text = new Div(diagnosis, score, source);
            text.addClassName("cl-similar-text");
            Div card = new Div(thumb, text);
            card.addClassName("cl-similar");
            if (own) {
                Anchor link = new Anchor("analysis/" + similar.id(), card);
                link.getElement().setAttribute("aria-label", "Open your case: " + similar.diagnosis());
                list.add(link);
            } else {
                list.add(card);
            }
        }
        panel.add(intro, list);
        return panel;
    }
}
