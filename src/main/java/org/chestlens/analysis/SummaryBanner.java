package org.chestlens.analysis;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import java.util.List;

/**
 * The top of a completed result: what the models found in words (or the normal statement), the study-level normal
 * statement beside positives, chips for why the result may be uncertain, and that this is not a diagnosis.
 */
final class SummaryBanner {

    private SummaryBanner() {
    }

    static Section of(ResultSummary summary) {
        Section banner = new Section();
        banner.setId("summary-banner");
        banner.addClassName("cl-summary-banner");
        banner.addClassName(summary.positives().isEmpty() ? (summary.possible().isEmpty() ? "cl-summary-none"
                : "cl-summary-possible") : "cl-summary-positive");
        banner.getElement().setAttribute("aria-label", "Summary");

        Paragraph headline = new Paragraph(summary.headline());
        headline.setId("summary-headline");
        headline.addClassName("cl-summary-headline");
        banner.add(headline);
        summary.possibleLine().ifPresent(line -> {
            Paragraph possible = new Paragraph(line);
            possible.setId("summary-possible");
            banner.add(possible);
        });
        if (summary.anyPositive()) {
            Paragraph normal = new Paragraph(summary.normalStatement());
            normal.setId("summary-normal");
            normal.addClassName("cl-muted");
            banner.add(normal);
        }

        List<ResultSummary.Uncertainty> uncertainties = summary.uncertainties();
        if (!uncertainties.isEmpty()) {
            Div chips = new Div();
            chips.setId("uncertainty-chips");
            chips.addClassName("cl-chips");
            Span lead = new Span("Uncertain:");
            lead.addClassName("cl-uncertain-lead");
            chips.add(lead);
            Div reasons = new Div();
            reasons.addClassName("cl-uncertainty-reasons");
            for (ResultSummary.Uncertainty u : uncertainties) {
                Span chip = FindingsTable.chip(u.chip(), "cl-chip-" + u.kind());
                chip.getElement().setAttribute("data-kind", u.kind());
                chips.add(chip);
                Paragraph reason = new Paragraph(u.explanation());
                reason.addClassName("cl-caption");
                reasons.add(reason);
            }
            banner.add(chips, reasons);
        }

        Paragraph notADiagnosis = new Paragraph(ResultSummary.NOT_A_DIAGNOSIS);
        notADiagnosis.setId("summary-disclaimer");
        notADiagnosis.addClassName("cl-summary-disclaimer");
        banner.add(notADiagnosis);
        return banner;
    }
}
