package org.chestlens.worklist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The urgency rule on its own. */
class UrgencyTest {

    private static Urgency.Call positive(double p, double threshold) {
        return new Urgency.Call(p, threshold, true, false, true);
    }

    private static Urgency.Call negative(double p, double threshold) {
        return new Urgency.Call(p, threshold, false, false, true);
    }

    @Test
    void positiveFindingsFirstByProbabilityRelativeToThresholdThenAnomaly() {
        Urgency twiceThreshold = Urgency.of(List.of(positive(0.4, 0.2), negative(0.1, 0.5)), 10);
        Urgency justAbove = Urgency.of(List.of(positive(0.9, 0.85)), 99);
        Urgency justAboveLessUnusual = Urgency.of(List.of(positive(0.9, 0.85)), 50);
        Urgency unusualNegative = Urgency.of(List.of(negative(0.49, 0.5)), 100);
        Urgency plainNegative = Urgency.of(List.of(negative(0.49, 0.5)), 20);
        List<Urgency> shuffled = new ArrayList<>(List.of(plainNegative, justAboveLessUnusual, unusualNegative,
                twiceThreshold, justAbove));
        shuffled.sort(Urgency.MOST_URGENT_FIRST);
        assertThat(shuffled).containsExactly(twiceThreshold, justAbove, justAboveLessUnusual, unusualNegative, plainNegative);
        assertThat(twiceThreshold.topRelativeProbability()).isEqualTo(2.0);
        assertThat(unusualNegative.positive()).isFalse();
        assertThat(unusualNegative.topRelativeProbability()).isZero();
    }

    @Test
    void theNormalStudyFindingAndUnreportedFindingsNeverRaiseUrgency() {
        Urgency normal = Urgency.of(List.of(new Urgency.Call(0.99, 0.5, true, true, true)), 30);
        Urgency unreported = Urgency.of(List.of(new Urgency.Call(0.99, 0.5, true, false, false)), 30);
        assertThat(normal.positive()).isFalse();
        assertThat(unreported.positive()).isFalse();
        assertThat(Urgency.MOST_URGENT_FIRST.compare(normal, unreported)).isZero();
        // An unknown anomaly score ranks as the least unusual.
        assertThat(Urgency.of(List.of(), Double.NaN).anomalyPercentile()).isZero();
    }
}
