package org.chestlens.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.chestlens.inference.ManifestMaths.finding;
import static org.chestlens.inference.ManifestMaths.member;
import static org.chestlens.inference.ManifestMaths.result;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ensemble of MANIFEST.md: weighted probability averaging, thresholds as applied, CAMs combined. */
class EnsembleTest {

    // a outputs [x, y]; b outputs [y, z] (another order); z has no positive weight anywhere.
    private final ModelManifest manifest = ManifestMaths.manifest(
            List.of(finding("x", 0.5, true), finding("y", 0.3, true), finding("z", 0.5, false)),
            List.of(member("a", List.of("x", "y"), Map.of("x", 2.0, "y", 1.0)),
                    member("b", List.of("y", "z"), Map.of("y", 3.0, "z", 0.0))),
            null);

    @Test
    void weightedMeanOverTheMembersThatOutputAFinding() {
        Map<String, Prediction.MemberResult> members = Map.of(
                "a", result(new float[] {0.8f, 0.2f}, new float[8], 2, 2),
                "b", result(new float[] {0.6f, 0.9f}, new float[8], 2, 2));
        List<Prediction.FindingScore> f = Ensemble.findings(manifest, members);
        assertThat(f).extracting(Prediction.FindingScore::code).containsExactly("x", "y", "z");
        assertThat(f.get(0).probability()).isCloseTo(0.8, within(1e-6)); // only a, weight 2
        assertThat(f.get(1).probability()).isCloseTo((1 * 0.2 + 3 * 0.6) / 4, within(1e-6));
        assertThat(f.get(1).memberProbabilities()).containsOnlyKeys("a", "b");
        assertThat(f.get(2).probability()).as("no member weighs z").isNaN();
        assertThat(f.get(2).positive()).isFalse();
        assertThat(f.get(2).reported()).isFalse();
    }

    @Test
    void thresholdsAreAppliedAsProbabilityAtLeastThreshold() {
        // Youden thresholds from the manifest: positive exactly when p >= threshold (the boundary counts).
        Map<String, Prediction.MemberResult> atThreshold = Map.of(
                "a", result(new float[] {0.5f, 0.3f}, new float[8], 2, 2),
                "b", result(new float[] {0.3f, 0.1f}, new float[8], 2, 2));
        List<Prediction.FindingScore> f = Ensemble.findings(manifest, atThreshold);
        assertThat(f.get(0).probability()).isEqualTo(0.5);
        assertThat(f.get(0).positive()).isTrue();
        Map<String, Prediction.MemberResult> below = Map.of(
                "a", result(new float[] {0.49999f, 0.3f}, new float[8], 2, 2),
                "b", result(new float[] {0.29f, 0.1f}, new float[8], 2, 2));
        List<Prediction.FindingScore> g = Ensemble.findings(manifest, below);
        assertThat(g.get(0).positive()).isFalse();
        assertThat(g.get(1).probability()).isLessThan(0.3);
        assertThat(g.get(1).positive()).isFalse();
    }

    @Test
    void camsAreUpsampledToTheLargestMapAndWeightedLikeProbabilities() {
        // a: 2x2 maps for x, y; b: 1x1 maps for y, z. y combines a's 2x2 map with b's constant upsampled.
        Map<String, Prediction.MemberResult> members = Map.of(
                "a", result(new float[] {0.5f, 0.5f}, new float[] {1, 2, 3, 4, 10, 10, 10, 10}, 2, 2),
                "b", result(new float[] {0.5f, 0.5f}, new float[] {6, 7}, 1, 1));
        Prediction.CamMaps cams = Ensemble.cams(manifest, members);
        assertThat(cams.width()).isEqualTo(2);
        assertThat(cams.height()).isEqualTo(2);
        assertThat(cams.byFinding().get("x")).containsExactly(1, 2, 3, 4);
        assertThat(cams.byFinding().get("y")).containsExactly((1 * 10 + 3 * 6) / 4f, (1 * 10 + 3 * 6) / 4f,
                (1 * 10 + 3 * 6) / 4f, (1 * 10 + 3 * 6) / 4f);
        assertThat(cams.byFinding().get("z")).containsExactly(0, 0, 0, 0);
    }

    @Test
    void aSubtypeIsPositiveOnlyWithItsParentAndNormalOnlyWithoutOtherPositives() {
        ModelManifest related = ManifestMaths.manifest(List.of(
                        new ModelManifest.FindingSpec("normal", "Normal", 0.5, true, "test", null, null, true, null),
                        finding("parent", 0.5, true),
                        new ModelManifest.FindingSpec("sub", "Sub", 0.3, true, "test", null, "parent", null, null),
                        finding("hidden", 0.5, false)),
                List.of(member("a", List.of("normal", "parent", "sub", "hidden"),
                        Map.of("normal", 1.0, "parent", 1.0, "sub", 1.0, "hidden", 1.0))), null);
        // sub passes its threshold but its parent does not; hidden is positive but not reported.
        List<Prediction.FindingScore> f = Ensemble.findings(related, Map.of("a",
                result(new float[] {0.9f, 0.4f, 0.8f, 0.9f}, new float[16], 2, 2)));
        assertThat(f).extracting(Prediction.FindingScore::positive).containsExactly(true, false, false, true);
        assertThat(f.get(2).probability()).as("the probability itself is kept").isCloseTo(0.8, within(1e-6));

        // parent positive: the sub-type counts, and the study is no longer "normal".
        f = Ensemble.findings(related, Map.of("a", result(new float[] {0.9f, 0.6f, 0.8f, 0.1f}, new float[16], 2, 2)));
        assertThat(f).extracting(Prediction.FindingScore::positive).containsExactly(false, true, true, false);
    }
}
