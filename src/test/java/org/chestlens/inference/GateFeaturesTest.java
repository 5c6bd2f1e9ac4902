package org.chestlens.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GateFeaturesTest {

    private static final ModelManifest.InputSpec SPEC = new ModelManifest.InputSpec("image", 2, 3, 1, "stretch",
            new double[] {-1, 1}, null, null);

    @Test
    void greyStdIsThePopulationStdOfChannelZeroOverTheRangeWidth() {
        float[] t = {-1, 1, -1, 1, -1, 1};
        assertThat(GateFeatures.greyStd(t, SPEC)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void edgeMeanAveragesRightAndLowerDifferencesInUnitScale() {
        // 3 wide, 2 high; scaled to [0, 1]: [0, 1, 0 / 0, 0, 1]; pixels with both neighbours: (0,0), (1,0).
        float[] t = {-1, 1, -1, -1, -1, 1};
        double expected = ((1 + 0) + (1 + 1)) / 2.0;
        assertThat(GateFeatures.edgeStatistics(t, SPEC)[0]).isCloseTo(expected, within(1e-12));
    }

    @Test
    void flatFractionCountsNeighbourhoodsThatChangeByLessThanOneGreyLevel() {
        // scaled: [0, 0.001, 0.5 / 0, 0.002, 0.5]: (0,0) changes by 0.001 + 0 (flat), (1,0) by 0.499 + 0.001 (not).
        float[] t = {-1, -0.998f, 0, -1, -0.996f, 0};
        assertThat(GateFeatures.edgeStatistics(t, SPEC)[1]).isCloseTo(0.5, within(1e-12));
    }
}
