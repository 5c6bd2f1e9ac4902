package org.chestlens.patients;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.NativeDetails;
import com.vaadin.flow.component.html.Paragraph;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.chestlens.analysis.AnalysisStatus;
import org.chestlens.analysis.AnalysisSummary;
import org.chestlens.analysis.FindingDescription;
import org.chestlens.ui.Numbers;

/**
 * Each reported finding's probability over the patient's analysed studies, one small chart per
 * finding (small multiples read better than ten crossing lines). Findings that ever reached their
 * threshold come first; the others wait behind a disclosure.
 */
final class TrendsPanel {

    /** One chart's data, kept for tests and for the order of the panel. */
    record Trend(FindingDescription finding, List<TrendChart.Point> points) {
        boolean everPositive() {
            return points.stream().anyMatch(TrendChart.Point::positive);
        }

        double maxProbability() {
            return points.stream().mapToDouble(TrendChart.Point::probability).max().orElse(0);
        }
    }

    private TrendsPanel() {
    }

    static List<Trend> trends(List<AnalysisSummary> studies, List<FindingDescription> catalogue) {
        List<AnalysisSummary> analysed = studies.stream().filter(s -> s.status() == AnalysisStatus.COMPLETED)
                .sorted(Comparator.comparing(PatientService::studyDate).thenComparing(AnalysisSummary::createdAt)).toList();
        List<Trend> trends = new ArrayList<>();
        for (FindingDescription finding : catalogue) {
            if (!finding.reported()) {
                continue;
            }
            List<TrendChart.Point> points = new ArrayList<>();
            for (AnalysisSummary study : analysed) {
                Double p = study.probabilities().get(finding.code());
                if (p != null) {
                    LocalDate date = PatientService.studyDate(study);
                    // The study's decision, which also applies the manifest's relations between findings.
                    points.add(new TrendChart.Point(date, p, study.positiveFindings().contains(finding.code())));
                }
            }
            if (!points.isEmpty()) {
                trends.add(new Trend(finding, points));
            }
        }
        trends.sort(Comparator.comparing(Trend::everPositive).reversed()
                .thenComparing(Comparator.comparingDouble(Trend::maxProbability).reversed()));
        return trends;
    }

    static Component of(List<AnalysisSummary> studies, List<FindingDescription> catalogue) {
        Div panel = new Div();
        panel.setId("trends");
        panel.addClassName("cl-trends");
        List<Trend> trends = trends(studies, catalogue);
        if (trends.isEmpty()) {
            Paragraph none = new Paragraph("Trends appear here once a study of this patient has been analysed.");
            none.setId("trends-empty");
            none.addClassName("cl-muted");
            panel.add(none);
            return panel;
        }
        int studyCount = trends.get(0).points().size();
        Paragraph intro = new Paragraph((studyCount == 1 ? "One analysed study so far; a trend needs two or more. " : "")
                + "Each chart shows one finding's probability per study. Filled squares: at or above the threshold "
                + "(dashed line, positive); hollow circles: below it (negative).");
        intro.addClassName("cl-muted");
        panel.add(intro);

        Div positive = new Div();
        positive.addClassName("cl-trend-grid");
        Div negative = new Div();
        negative.addClassName("cl-trend-grid");
        int index = 0;
        for (Trend trend : trends) {
            (trend.everPositive() ? positive : negative).add(chart(trend, "trend-" + index++));
        }
        if (positive.getComponentCount() > 0) {
            panel.add(positive);
        } else {
            Paragraph allNegative = new Paragraph("No finding has reached its threshold in any study.");
            allNegative.setId("trends-all-negative");
            panel.add(allNegative);
        }
        if (negative.getComponentCount() > 0) {
            NativeDetails rest = new NativeDetails("Findings that stayed below their threshold ("
                    + negative.getComponentCount() + ")", negative);
            rest.setId("trends-negative");
            rest.addClassName("cl-details");
            rest.setOpen(positive.getComponentCount() == 0);
            panel.add(rest);
        }
        return panel;
    }

    private static Component chart(Trend trend, String id) {
        FindingDescription finding = trend.finding();
        TrendChart.Point latest = trend.points().get(trend.points().size() - 1);
        H3 title = new H3(finding.label());
        Paragraph summary = new Paragraph("Latest " + Numbers.percent(latest.probability())
                + (latest.positive() ? " (positive)" : " (negative)") + ", threshold " + Numbers.percent(finding.threshold()));
        summary.addClassName("cl-trend-summary");
        Div svg = new Div();
        svg.addClassName("cl-trend-chart");
        svg.getElement().setProperty("innerHTML", TrendChart.svg(id, finding.label(), finding.threshold(), trend.points()));
        Div card = new Div(title, summary, svg);
        card.addClassName("cl-trend");
        card.setId(id);
        card.getElement().setAttribute("data-code", finding.code());
        return card;
    }
}
