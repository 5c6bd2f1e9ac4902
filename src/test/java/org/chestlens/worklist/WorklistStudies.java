package org.chestlens.worklist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Map;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.imaging.TestImages;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Real analyses (tiny test models, real PostgreSQL) whose stored calls are then set to chosen probabilities, so a
 * test knows which findings are positive and how urgent each study is. The tiny models' own outputs on phantoms are
 * near their thresholds and would make the expected order a guess.
 */
public final class WorklistStudies {

    private final AnalysisService analyses;
    private final JdbcTemplate jdbc;
    private int seed = 1;

    public WorklistStudies(AnalysisService analyses, JdbcTemplate jdbc) {
        this.analyses = analyses;
        this.jdbc = jdbc;
    }

    /**
     * An owned, completed study: the given reported findings at these probabilities (positive at or above their
     * threshold; the others set well below), and this anomaly percentile.
     */
    public String study(long ownerId, Long patientId, LocalDate studyDate, Map<String, Double> probabilities,
                        double anomalyPercentile) {
        AnalysisRequest request = AnalysisRequest.of(TestImages.png(TestImages.phantomChest(300, 260, seed++)), "study.png")
                .withOwner(ownerId);
        if (patientId != null) {
            request = request.withPatient(patientId);
        }
        if (studyDate != null) {
            request = request.withStudyDate(studyDate);
        }
        AnalysisResult result = analyses.analyse(request);
        assertThat(result.completed()).as("the phantom passes the gate").isTrue();
        jdbc.update("""
                update analysis_finding f set probability = least(0.05, f.threshold / 2), positive = false
                from analysis a where a.id = f.analysis_id and a.public_id = ?""", result.publicId());
        probabilities.forEach((code, p) -> assertThat(jdbc.update("""
                update analysis_finding f set probability = ?, positive = ? >= f.threshold
                from analysis a where a.id = f.analysis_id and a.public_id = ? and f.code = ?""",
                p, p, result.publicId(), code)).as(code).isEqualTo(1));
        jdbc.update("update analysis set anomaly_neg_elbo_pct = ? where public_id = ?", anomalyPercentile, result.publicId());
        return result.publicId();
    }
}
