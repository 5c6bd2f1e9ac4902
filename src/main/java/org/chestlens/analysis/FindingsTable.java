package org.chestlens.analysis;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.NativeDetails;
import com.vaadin.flow.component.html.NativeTable;
import com.vaadin.flow.component.html.NativeTableBody;
import com.vaadin.flow.component.html.NativeTableCell;
import com.vaadin.flow.component.html.NativeTableHeader;
import com.vaadin.flow.component.html.NativeTableHeaderCell;
import com.vaadin.flow.component.html.NativeTableRow;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import java.util.List;
import java.util.Map;
import org.chestlens.ui.Numbers;

/**
 * The findings of an analysis as a real table: probability as a bar with the threshold marked and as a number, the
 * threshold, and the call in words (colour only repeats them). Chips on a row say when the models disagree or the
 * probability is borderline; each row's details give the members' own probabilities and how often the finding's
 * calls were right on validation images. The models' normal finding (No Finding) is no row: it is the study-level
 * statement above the table ({@link #statement}).
 */
public final class FindingsTable {

    private FindingsTable() {
    }

    /** Rows for these findings, in this order (pass {@link ResultSummary#findings()}: without the normal one). */
    public static NativeTable of(List<Finding> findings) {
        NativeTable table = new NativeTable();
        table.setId("findings");
        table.addClassName("cl-findings");
        table.setCaptionText("Findings, most probable first");
        NativeTableHeader head = table.getHead();
        head.addRows(new NativeTableRow(header("Finding"), header("Probability"), header("Threshold"), header("Result")));
        NativeTableBody body = table.getBody();
        for (Finding finding : findings) {
            NativeTableRow row = new NativeTableRow();
            row.getElement().setAttribute("data-code", finding.code());
            NativeTableHeaderCell name = new NativeTableHeaderCell(new Span(finding.label()));
            name.getElement().setAttribute("scope", "row");
            if (finding.condition() != null) {
                // Explains a bar past its threshold mark next to a "Negative" badge.
                Span condition = new Span(finding.condition());
                condition.addClassName("cl-finding-condition");
                name.add(condition);
            }
            Div chips = chips(finding);
            if (chips.getComponentCount() > 0) {
                name.add(chips);
            }
            // The details open in a row of their own, across the table, so the columns keep their width.
            NativeTableCell detailsCell = new NativeTableCell(details(finding));
            detailsCell.getElement().setAttribute("colspan", "4");
            NativeTableRow detailsRow = new NativeTableRow(detailsCell);
            detailsRow.addClassName("cl-finding-details-row");
            detailsRow.getElement().setAttribute("data-details-for", finding.code());
            detailsRow.setVisible(false);
            NativeDetails toggle = new NativeDetails("Details");
            toggle.addClassName("cl-finding-details");
            toggle.addToggleListener(e -> detailsRow.setVisible(e.isOpened()));
            name.add(toggle);
            row.add(name, new NativeTableCell(finding.applicable() ? bar(finding) : notApplicable()),
                    new NativeTableCell(Numbers.percent(finding.threshold())), result(finding));
            body.addRows(row, detailsRow);
        }
        return table;
    }

    /** The study-level statement of the models' normal finding (or its absence), worded by {@link ResultSummary}. */
    public static Paragraph statement(ResultSummary summary) {
        Paragraph statement = new Paragraph("Whole study: " + summary.studyCall() + ".");
        statement.setId("study-statement");
        statement.addClassName("cl-study-statement");
        return statement;
    }

    /** "Models disagree" and "Borderline" on the row, so neither hides in a collapsed section. */
    static Div chips(Finding finding) {
        Div chips = new Div();
        chips.addClassName("cl-chips");
        if (finding.membersDisagree()) {
            Span chip = chip("models disagree", "cl-chip-disagree");
            chip.getElement().setAttribute("title", "One model calls it positive and another negative, "
                    + Numbers.count(Math.round(Finding.DISAGREEMENT_SPREAD * 100), "point", "points") + " or more apart");
            chips.add(chip);
        }
        if (finding.borderline()) {
            Span chip = chip("borderline", "cl-chip-borderline");
            chip.getElement().setAttribute("title", "Within " + Numbers.count(Math.round(Finding.BORDERLINE_MARGIN * 100),
                    "point", "points") + " of the threshold");
            chips.add(chip);
        }
        return chips;
    }

    public static Span chip(String text, String className) {
        Span chip = new Span(text);
        chip.getElement().getThemeList().add("badge small pill");
        chip.addClassName("cl-chip");
        chip.addClassName(className);
        return chip;
    }

    /** Each member's own probability and how often the call was right on validation images. */
    static Div details(Finding finding) {
        Div content = new Div();
        content.addClassName("cl-finding-details-body");
        if (!finding.applicable()) {
            Paragraph line = new Paragraph("Not applicable to this study: its parent finding is negative, and its probability assumes the parent.");
            line.addClassName("cl-finding-members");
            content.add(line);
        } else if (!finding.memberProbabilities().isEmpty()) {
            StringBuilder members = new StringBuilder("Each model: ");
            int i = 0;
            for (Map.Entry<String, Double> e : finding.memberProbabilities().entrySet()) {
                members.append(i++ == 0 ? "" : ", ").append(e.getKey()).append(' ')
                        .append(e.getValue() == null ? "n/a" : Numbers.percent(e.getValue()));
            }
            Paragraph line = new Paragraph(members + "; together (weighted) " + finding.probabilityText() + ".");
            line.addClassName("cl-finding-members");
            content.add(line);
        }
        Paragraph accuracy = new Paragraph(accuracyText(finding));
        accuracy.addClassName("cl-finding-accuracy");
        content.add(accuracy);
        return content;
    }

    /** Sensitivity, specificity and PPV at the threshold, with the population they were measured on. */
    public static String accuracyText(Finding finding) {
        return finding.validationAccuracy().map(a -> "On " + Numbers.count(a.positives() + a.negatives(),
                        "validation X-ray", "validation X-rays")
                        + (a.population() == null ? "" : " (" + a.population() + ")") + ", " + a.positives() + " with "
                        + finding.label() + " (" + Numbers.percent(a.prevalence()) + "), at its threshold of "
                        + Numbers.percent(finding.threshold()) + ": sensitivity " + Numbers.percent(a.sensitivity())
                        + " (found that share of those with it), specificity " + Numbers.percent(a.specificity())
                        + " (called that share of the others negative), PPV " + Numbers.percent(a.ppv())
                        + " (a positive call was right that often"
                        + (a.lowPpv() ? "; below " + Numbers.percent(ValidationAccuracy.LOW_PPV)
                                        + ", so a positive reads \"possible\" and is flagged for review" : "")
                        + "). Where " + finding.label() + " is rarer than here, positive calls are right less often.")
                .orElse("The model card gives no validation numbers for this finding.");
    }

    /** The probability as a bar with the threshold marked, coloured as the call: alarm, amber (possible) or calm. */
    static Component bar(Finding finding) {
        double probability = finding.probability();
        double threshold = finding.threshold();
        Div fill = new Div();
        fill.addClassName("cl-bar-fill");
        fill.getStyle().set("width", Numbers.cssPercent(probability));
        Div tick = new Div();
        tick.addClassName("cl-bar-threshold");
        tick.getStyle().set("left", Numbers.cssPercent(threshold));
        tick.getElement().setAttribute("title", "Threshold " + Numbers.percent(threshold));
        Div track = new Div(fill, tick);
        track.addClassName("cl-bar");
        if (finding.positive()) {
            track.addClassName(finding.normal() ? "cl-bar-normal" : finding.flaggedForReview() ? "cl-bar-possible" : "cl-bar-positive");
        }
        track.getElement().setAttribute("aria-hidden", "true");
        Span value = new Span(Numbers.percent(probability));
        value.addClassName("cl-bar-value");
        Div cell = new Div(track, value);
        cell.addClassName("cl-bar-cell");
        return cell;
    }

    private static NativeTableCell result(Finding finding) {
        NativeTableCell cell = new NativeTableCell(badge(finding));
        if (finding.flaggedForReview()) {
            Span review = new Span("flagged for review");
            review.addClassName("cl-review-note");
            cell.add(review);
        }
        return cell;
    }

    /** In place of a bar whose number would say nothing about this study (see {@link Finding#applicable()}). */
    private static Component notApplicable() {
        Span text = new Span("n/a");
        text.addClassName("cl-muted");
        text.getElement().setAttribute("title", "Not applicable to this study: its parent finding is negative");
        return text;
    }

    /**
     * The call in words ({@link Finding#callText()}: Positive, Possible, Negative, Not applicable); the colour only
     * repeats it: an alarm for a positive, amber for a possible one (flagged for review), calm for the models'
     * "normal study" finding (the manifest's {@code normal}, e.g. No Finding): a normal-looking study is no alarm.
     */
    public static Span badge(Finding finding) {
        Span badge = new Span(finding.callText());
        if (!finding.applicable()) {
            badge.getElement().getThemeList().add("badge contrast");
            badge.addClassName("cl-not-applicable");
            return badge;
        }
        if (!finding.positive()) {
            badge.getElement().getThemeList().add("badge contrast");
            badge.addClassName("cl-negative");
        } else if (finding.flaggedForReview()) {
            badge.getElement().getThemeList().add("badge");
            badge.addClassName("cl-possible");
        } else {
            badge.getElement().getThemeList().add(finding.normal() ? "badge success primary" : "badge error primary");
            badge.addClassName("cl-positive");
        }
        return badge;
    }

    /** Theme of a badge naming a positive finding in lists (timeline, patient list). */
    public static String positiveTheme(boolean normalFinding) {
        return normalFinding ? "badge success" : "badge error";
    }

    private static NativeTableHeaderCell header(String text) {
        NativeTableHeaderCell cell = new NativeTableHeaderCell(text);
        cell.getElement().setAttribute("scope", "col");
        return cell;
    }
}
