package org.chestlens.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which heatmaps a result shows without being asked: positive findings, most probable first, never No Finding. */
class DefaultHeatmapTest {

    @Test
    void theFirstHeatmapIsTheMostProbablePositiveFindingNotAMoreProbableNoFinding() {
        // As the page lists them: most probable first. No Finding leads but is negative (another finding is positive).
        AnalysisResult result = result(
                finding("no_finding", 0.70, 0.575, false, true, null, true),
                finding("pneumonia", 0.62, 0.14, true, false, null, true),
                finding("effusion", 0.40, 0.29, true, false, null, true),
                finding("cardiomegaly", 0.05, 0.09, false, false, null, true));
        assertThat(result.defaultHeatmapFindings()).extracting(Finding::code).containsExactly("pneumonia", "effusion");
    }

    @Test
    void aPositiveNoFindingIsAStatementAboutTheStudyNotAHeatmap() {
        AnalysisResult result = result(
                finding("no_finding", 0.93, 0.575, true, true, null, true),
                finding("pneumonia", 0.02, 0.14, false, false, null, true));
        assertThat(result.defaultHeatmapFindings()).isEmpty();
    }

    @Test
    void subTypesComeAfterTheFindingTheyAreATypeOfAndNonApplicableOnesNever() {
        String typeOf = "Type of Pneumonia; probability if Pneumonia is present.";
        AnalysisResult result = result(
                finding("bacterial_pneumonia", 0.95, 0.62, true, false, typeOf, true),
                finding("pneumonia", 0.90, 0.14, true, false, null, true),
                finding("effusion", 0.35, 0.29, true, false, null, true),
                finding("viral_pneumonia", 0.05, 0.43, false, false, typeOf, true));
        assertThat(result.defaultHeatmapFindings()).extracting(Finding::code)
                .containsExactly("pneumonia", "effusion", "bacterial_pneumonia");

        AnalysisResult notApplicable = result(
                finding("effusion", 0.35, 0.29, true, false, null, true),
                finding("viral_pneumonia", 0.80, 0.43, false, false, typeOf, false));
        assertThat(notApplicable.defaultHeatmapFindings()).extracting(Finding::code).containsExactly("effusion");
    }

    private static Finding finding(String code, double p, double threshold, boolean positive, boolean normal,
                                   String condition, boolean applicable) {
        return new Finding(code, code, p, threshold, positive, Map.of("a", p), condition, normal, applicable);
    }

    private static AnalysisResult result(Finding... findings) {
        List<Finding> list = List.of(findings);
        return new AnalysisResult("id", AnalysisStatus.COMPLETED, Optional.empty(), list,
                new AnomalyScore(0, 0, 0, 50, 50, 50), list.stream().map(Finding::code).toList(),
                new ImageInfo("PNG", 10, 10, 100), new ModelInfo("m", "1", ""), "x.png", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Set.of(), Instant.EPOCH, Optional.empty(), new Timings(1, Map.of()));
    }
}
