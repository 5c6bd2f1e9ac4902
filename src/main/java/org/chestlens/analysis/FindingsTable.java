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
import com.vaadin.flow.component.html.Span;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The findings of an analysis as a real table: probability as a bar with the threshold marked and as a
 * number, the threshold, and a positive/negative badge with words (colour only repeats what they say).
 * Only reported findings reach this table, most probable first.
 */
public final class FindingsTable {

    private FindingsTable() {
    }

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
            NativeTableHeaderCell name = new NativeTableHeaderCell(finding.label());
            name.getElement().setAttribute("scope", "row");
            if (finding.condition() != null) {
                // Explains a bar past its threshold mark next to a "Negative" badge.
                Span condition = new Span(finding.condition());
                condition.addClassName("cl-finding-condition");
                name.add(condition);
            }
            row.add(name, new NativeTableCell(finding.applicable() ? bar(finding.probability(), finding.threshold(),
                            finding.positive(), finding.normal()) : notApplicable()),
                    new NativeTableCell(percent(finding.threshold())), new NativeTableCell(badge(finding)));
            body.addRows(row);
        }
        return table;
    }

    /** Each ensemble member's own probability: how much the models agree. */
    public static NativeDetails members(List<Finding> findings) {
        TreeSet<String> memberNames = new TreeSet<>();
        findings.forEach(f -> memberNames.addAll(f.memberProbabilities().keySet()));
        NativeTable table = new NativeTable();
        table.addClassName("cl-members");
        NativeTableRow headRow = new NativeTableRow(header("Finding"));
        memberNames.forEach(m -> headRow.add(header(m)));
        headRow.add(header("Ensemble"));
        table.getHead().addRows(headRow);
        for (Finding finding : findings) {
            NativeTableHeaderCell name = new NativeTableHeaderCell(finding.label());
            name.getElement().setAttribute("scope", "row");
            NativeTableRow row = new NativeTableRow(name);
            for (String member : memberNames) {
                Double p = finding.memberProbabilities().get(member);
                row.add(new NativeTableCell(p == null ? "not used" : percent(p)));
            }
            row.add(new NativeTableCell(percent(finding.probability())));
            table.getBody().addRows(row);
        }
        NativeDetails details = new NativeDetails("How much the models agree", table);
        details.setId("member-probabilities");
        details.addClassName("cl-details");
        return details;
    }

    static Component bar(double probability, double threshold, boolean positive, boolean normal) {
        Div fill = new Div();
        fill.addClassName("cl-bar-fill");
        fill.getStyle().set("width", cssPercent(probability));
        Div tick = new Div();
        tick.addClassName("cl-bar-threshold");
        tick.getStyle().set("left", cssPercent(threshold));
        tick.getElement().setAttribute("title", "Threshold " + percent(threshold));
        Div track = new Div(fill, tick);
        track.addClassName("cl-bar");
        if (positive) {
            track.addClassName(normal ? "cl-bar-normal" : "cl-bar-positive");
        }
        track.getElement().setAttribute("aria-hidden", "true");
        Span value = new Span(percent(probability));
        value.addClassName("cl-bar-value");
        Div cell = new Div(track, value);
        cell.addClassName("cl-bar-cell");
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
     * "Positive" or "Negative" in words; the colour only repeats it, and is calm for the models' "normal study"
     * finding (the manifest's {@code normal}, e.g. No Finding): a normal-looking study is no alarm.
     */
    public static Span badge(Finding finding) {
        if (!finding.applicable()) {
            Span badge = new Span("Not applicable");
            badge.getElement().getThemeList().add("badge contrast");
            badge.addClassName("cl-not-applicable");
            return badge;
        }
        boolean positive = finding.positive();
        Span badge = new Span(positive ? "Positive" : "Negative");
        badge.getElement().getThemeList().add(!positive ? "badge contrast"
                : finding.normal() ? "badge success primary" : "badge error primary");
        badge.addClassName(positive ? "cl-positive" : "cl-negative");
        return badge;
    }

    /** Theme of a badge naming a positive finding in lists (timeline, patient list). */
    public static String positiveTheme(boolean normalFinding) {
        return normalFinding ? "badge success" : "badge error";
    }

    public static String percent(double p) {
        return percentNumber(p) + "%";
    }

    /** Whole percent, except that the ends stay honest: 0.3% is "<1%", 99.7% is ">99%". */
    static String percentNumber(double p) {
        double pct = Math.max(0, Math.min(1, p)) * 100;
        if (pct > 0 && pct < 1) {
            return "<1";
        }
        if (pct > 99 && pct < 100) {
            return ">99";
        }
        return String.format(Locale.ROOT, "%.0f", pct);
    }

    static String cssPercent(double p) {
        return String.format(Locale.ROOT, "%.1f%%", Math.max(0, Math.min(1, p)) * 100);
    }

    private static NativeTableHeaderCell header(String text) {
        NativeTableHeaderCell cell = new NativeTableHeaderCell(text);
        cell.getElement().setAttribute("scope", "col");
        return cell;
    }
}
