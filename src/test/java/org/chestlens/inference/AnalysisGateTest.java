package org.chestlens.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chestlens.inference.ManifestMaths.finding;
import static org.chestlens.inference.ManifestMaths.member;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate: rules in order, min and max, the built-in blank check, the uncertainty rule. */
class AnalysisGateTest {

    private final ModelManifest manifest = ManifestMaths.manifest(
            List.of(finding("x", 0.5, true), finding("y", 0.3, true), finding("hidden", 0.5, false)),
            List.of(member("a", List.of("x", "y", "hidden"), Map.of("x", 1.0, "y", 1.0, "hidden", 1.0))),
            new ModelManifest.GateSpec(List.of(
                    new ModelManifest.GateRule("input.saturation", null, 0.04, "colour", "grey please"),
                    new ModelManifest.GateRule("input.greyStd", 0.05, 0.45, "contrast", "original please"),
                    new ModelManifest.GateRule("member.a.ood_distance", null, 40.0, "not an x-ray", "chest please")),
                    new ModelManifest.Uncertainty(0.02, "unsure", "ask"), null));

    private Map<String, Double> features(double saturation, double greyStd, double ood) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("input.saturation", saturation);
        f.put("input.greyStd", greyStd);
        f.put("member.a.ood_distance", ood);
        return f;
    }

    private static List<Prediction.FindingScore> scores(double x, double y, double hidden) {
        return List.of(new Prediction.FindingScore("x", "X", x, 0.5, x >= 0.5, true, Map.of()),
                new Prediction.FindingScore("y", "Y", y, 0.3, y >= 0.3, true, Map.of()),
                new Prediction.FindingScore("hidden", "H", hidden, 0.5, hidden >= 0.5, false, Map.of()));
    }

    @Test
    void acceptsAnImageWithinEveryBound() {
        assertThat(AnalysisGate.decide(manifest, features(0, 0.2, 10), scores(0.9, 0.1, 0.5)).rejected()).isFalse();
    }

    @Test
    void theFirstRuleThatFiresGivesTheReason() {
        Prediction.GateDecision d = AnalysisGate.decide(manifest, features(0.3, 0.01, 99), scores(0.9, 0.1, 0.5));
        assertThat(d.rejected()).isTrue();
        assertThat(d.rule()).isEqualTo("input.saturation");
        assertThat(d.reason()).isEqualTo("colour");
        assertThat(d.suggestion()).isEqualTo("grey please");
        assertThat(AnalysisGate.decide(manifest, features(0, 0.01, 99), scores(0.9, 0.1, 0.5)).rule()).isEqualTo("input.greyStd");
        assertThat(AnalysisGate.decide(manifest, features(0, 0.46, 10), scores(0.9, 0.1, 0.5)).rule()).isEqualTo("input.greyStd");
        assertThat(AnalysisGate.decide(manifest, features(0, 0.2, 40.01), scores(0.9, 0.1, 0.5)).rule())
                .isEqualTo("member.a.ood_distance");
        assertThat(AnalysisGate.decide(manifest, features(0, 0.2, 40.0), scores(0.9, 0.1, 0.5)).rejected())
                .as("a bound itself is allowed").isFalse();
    }

    @Test
    void blankImagesAreRejectedEvenWhenTheManifestAllowsThem() {
        ModelManifest lenient = ManifestMaths.manifest(manifest.findings(), manifest.members(), null);
        Prediction.GateDecision d = AnalysisGate.decide(lenient, features(0, 0.001, 0), scores(0.9, 0.1, 0.5));
        assertThat(d.rule()).isEqualTo("blank");
        assertThat(d.reason()).contains("blank");
    }

    @Test
    void uncertaintyRejectsOnlyWhenEveryReportedFindingSitsNearItsThreshold() {
        Prediction.GateDecision unsure = AnalysisGate.decide(manifest, features(0, 0.2, 10), scores(0.51, 0.29, 0.99));
        assertThat(unsure.rule()).isEqualTo("uncertainty");
        assertThat(unsure.reason()).isEqualTo("unsure");
        // One reported finding clear of its threshold is enough; unreported ones do not count.
        assertThat(AnalysisGate.decide(manifest, features(0, 0.2, 10), scores(0.51, 0.25, 0.5)).rejected()).isFalse();
    }
}
