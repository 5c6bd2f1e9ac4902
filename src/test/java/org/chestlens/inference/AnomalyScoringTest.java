package org.chestlens.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The VAE formulas and percentile ranks of MANIFEST.md. */
class AnomalyScoringTest {

    @Test
    void mseKlAndNegativeElbo() {
        float[] x = {0.0f, 0.5f, 1.0f, 0.25f};
        float[] r = {0.1f, 0.5f, 0.8f, 0.25f};
        float[] mu = {0.5f, -1.0f};
        float[] logvar = {0.0f, -0.5f};
        AnomalyScoring.Scores s = AnomalyScoring.scores(x, r, mu, logvar, 2048);
        double sq = (0.1 * 0.1) + (0.2 * 0.2);
        assertThat(s.mse()).isCloseTo(sq / 4, within(1e-7));
        double kl = -0.5 * ((1 + 0 - 0.25 - 1) + (1 - 0.5 - 1 - Math.exp(-0.5)));
        assertThat(s.kl()).isCloseTo(kl, within(1e-7));
        assertThat(s.negElbo()).isCloseTo(2048 * sq + kl, within(1e-4));
    }

    @Test
    void percentileRankInterpolatesBetweenTheStoredPercentiles() {
        double[] p = new double[101];
        for (int i = 0; i <= 100; i++) {
            p[i] = i * 2.0; // value v sits at percentile v / 2
        }
        assertThat(AnomalyScoring.percentileRank(-1, p)).isZero();
        assertThat(AnomalyScoring.percentileRank(0, p)).isZero();
        assertThat(AnomalyScoring.percentileRank(51, p)).isCloseTo(25.5, within(1e-12));
        assertThat(AnomalyScoring.percentileRank(200, p)).isEqualTo(100);
        assertThat(AnomalyScoring.percentileRank(1e9, p)).isEqualTo(100);
        // Ties: a run of equal percentiles resolves to its last entry, as the reference code does.
        double[] q = p.clone();
        for (int i = 10; i <= 20; i++) {
            q[i] = 20;
        }
        assertThat(AnomalyScoring.percentileRank(20, q)).isEqualTo(20);
        assertThat(AnomalyScoring.percentileRank(21, q)).isCloseTo(20 + 1.0 / 22, within(1e-12));
    }
}
