package org.chestlens.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Against models/training/metrics.py on the same data (values printed by the Python reference). */
class MetricsTest {

    private static final boolean[] Y = {true, false, true, true, false, false, true, false, false, false, true, false};
    private static final double[] S = {.9, .1, .8, .4, .4, .3, .7, .65, .2, .1, .35, .5};

    @Test
    void aucWithDeLongIntervalMatchesTheReference() {
        Metrics.Auc auc = Metrics.auc(Y, S);
        assertThat(auc.auc()).isCloseTo(0.8428571428571429, within(1e-12));
        assertThat(auc.low()).isCloseTo(0.6025395507292448, within(1e-9));
        assertThat(auc.high()).isEqualTo(1.0);
        assertThat(auc.positives()).isEqualTo(5);
        assertThat(auc.negatives()).isEqualTo(7);
        assertThat(Metrics.auc(new boolean[] {true, true}, new double[] {1, 2}).auc()).isNaN();
    }

    @Test
    void youdenThresholdMatchesTheReference() {
        Metrics.Youden y = Metrics.youden(Y, S);
        assertThat(y.threshold()).isCloseTo(0.675, within(1e-12));
        assertThat(y.sensitivity()).isCloseTo(0.6, within(1e-12));
        assertThat(y.specificity()).isEqualTo(1.0);
        // Applied as the server applies it: positive when score >= threshold.
        double[] ss = Metrics.sensitivitySpecificity(Y, S, y.threshold());
        assertThat(ss).containsExactly(0.6, 1.0);
    }

    @Test
    void ranksAverageTies() {
        assertThat(Metrics.ranks(new double[] {3, 1, 3, 2})).containsExactly(3.5, 1, 3.5, 2);
    }
}
