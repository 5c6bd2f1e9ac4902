package org.chestlens.analysis;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The summary banner (Karibu, component level, without a server): the positive findings in words, the normal
 * statement where none is positive, an uncertainty chip for disagreement, borderline and unusual images, and that it
 * is not a diagnosis. The models' No Finding is a statement about the study, never contradicted by a finding.
 */
class SummaryBannerTest {

    static final ValidationAccuracy GOOD = new ValidationAccuracy(0.95, 0.98, 0.96, 0.98, 536, 1421, "all");
    static final ValidationAccuracy POOR = new ValidationAccuracy(0.81, 0.76, 0.07, 0.99, 27, 1246, "adults");

    @BeforeEach
    void vaadin() {
        MockVaadin.setup();
    }

    @AfterEach
    void tearDown() {
        MockVaadin.tearDown();
    }

    @Test
    void positiveFindingsAreNamedAndLowPpvOnesAreOnlyPossible() {
        Section banner = banner(result(10, normal(0.2), f("pneumonia", "Pneumonia", 0.91, 0.14, GOOD, 0.9, 0.92),
                f("cardiomegaly", "Cardiomegaly", 0.30, 0.09, POOR, 0.31, 0.29), f("effusion", "Effusion", 0.1, 0.29, GOOD, 0.1, 0.1)));
        assertThat(text(banner, "summary-headline")).isEqualTo("The models find Pneumonia (91%).");
        assertThat(text(banner, "summary-possible")).isEqualTo("Also flagged for review as possible: Cardiomegaly (30%).");
        assertThat(text(banner, "summary-normal")).isEqualTo("Not normal by the models (No Finding 20%, threshold 58%).");
        assertThat(text(banner, "summary-disclaimer")).contains("not a diagnosis");
        assertThat(banner.getClassNames()).contains("cl-summary-positive");
        assertThat(_find(banner, Div.class, spec -> spec.withId("uncertainty-chips"))).isEmpty();
    }

    @Test
    void withoutPositivesTheNormalStatementLeads() {
        Section normal = banner(result(10, normal(0.70), f("pneumonia", "Pneumonia", 0.05, 0.14, GOOD, 0.05, 0.05)));
        assertThat(text(normal, "summary-headline"))
                .isEqualTo("Normal by the models: no finding reaches its threshold (No Finding 70%, threshold 58%).");
        assertThat(normal.getClassNames()).contains("cl-summary-none");

        // Nothing positive, but No Finding below its own threshold: not called normal either, and said so.
        Section neither = banner(result(10, normal(0.40), f("pneumonia", "Pneumonia", 0.05, 0.14, GOOD, 0.05, 0.05)));
        assertThat(text(neither, "summary-headline")).isEqualTo("No finding reaches its threshold, but the models do not "
                + "call the study normal either (No Finding 40%, threshold 58%).");

        // Only a low-PPV positive: it leads, as possible.
        Section possible = banner(result(10, normal(0.3), f("cardiomegaly", "Cardiomegaly", 0.30, 0.09, POOR, 0.3, 0.3)));
        assertThat(text(possible, "summary-headline")).isEqualTo("Possible Cardiomegaly (30%): flagged for review.");
    }

    @Test
    void anUncertainResultCarriesChipsThatSayWhy() {
        // Nodule positive at 16% because one member says 34% and two say <1%; Effusion 1 point from its threshold;
        // the image more unusual than 97% of normal X-rays; No Finding above its threshold beside a positive.
        Section banner = banner(result(97, normal(0.62), f("nodule", "Nodule", 0.16, 0.158, GOOD, 0.34, 0.004, 0.006),
                f("effusion", "Effusion", 0.30, 0.29, GOOD, 0.3, 0.3)));
        Div chips = _get(banner, Div.class, spec -> spec.withId("uncertainty-chips"));
        assertThat(_find(chips, Span.class, spec -> spec.withClasses("cl-chip")))
                .extracting(s -> s.getElement().getAttribute("data-kind"))
                .containsExactly("disagree", "borderline", "contradiction", "unusual");
        String all = banner.getElement().getTextRecursively();
        assertThat(all).contains("Uncertain:", "Models disagree", "disagree on Nodule", "Borderline",
                "Nodule 16% vs 16%", "Effusion 30% vs 29%", "Unusual image", "More unusual than 97% of normal X-rays",
                "although their No Finding score is also above its threshold");
    }

    @Test
    void studyCallsForSideBySideTables() {
        assertThat(ResultSummary.of(result(10, normal(0.7))).studyCall()).isEqualTo("Normal by the models (No Finding 70%)");
        assertThat(ResultSummary.of(result(10, normal(0.2), f("pneumonia", "Pneumonia", 0.91, 0.14, GOOD, 0.9, 0.92)))
                .studyCall()).isEqualTo("Not normal (1 finding positive)");
    }

    private static Section banner(AnalysisResult result) {
        return SummaryBanner.of(ResultSummary.of(result));
    }

    private static String text(Component root, String id) {
        return _get(root, Component.class, spec -> spec.withId(id)).getElement().getTextRecursively();
    }

    /** No Finding (threshold 58%), positive only while nothing else is, as the ensemble decides. */
    private static Finding normal(double p) {
        return new Finding("no_finding", "No Finding", p, 0.58, p >= 0.58, Map.of("a", p), null, true, true, GOOD);
    }

    private static Finding f(String code, String label, double p, double threshold, ValidationAccuracy accuracy,
                             double... members) {
        Map<String, Double> byMember = new java.util.LinkedHashMap<>();
        for (int i = 0; i < members.length; i++) {
            byMember.put("m" + i, members[i]);
        }
        return new Finding(code, label, p, threshold, p >= threshold, byMember, null, false, true, accuracy);
    }

    private static AnalysisResult result(double anomalyPercentile, Finding normal, Finding... others) {
        List<Finding> findings = new ArrayList<>(List.of(others));
        boolean anyPositive = findings.stream().anyMatch(Finding::positive);
        findings.add(anyPositive && normal.positive() ? new Finding(normal.code(), normal.label(), normal.probability(),
                normal.threshold(), false, normal.memberProbabilities(), null, true, true, normal.accuracy()) : normal);
        findings.sort((a, b) -> Double.compare(b.probability(), a.probability()));
        return new AnalysisResult("id", AnalysisStatus.COMPLETED, Optional.empty(), findings,
                new AnomalyScore(0, 0, 0, anomalyPercentile, anomalyPercentile, anomalyPercentile),
                findings.stream().map(Finding::code).toList(), new ImageInfo("PNG", 300, 260, 1000),
                new ModelInfo("test", "1", "Test models"), "x.png", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Set.of(), Instant.now(), Optional.empty(), new Timings(1, Map.of()));
    }
}
