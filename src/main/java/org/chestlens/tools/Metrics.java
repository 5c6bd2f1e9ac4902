package org.chestlens.tools;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Classification metrics as models/training/metrics.py computes them, so {@code evaluate} can be compared with
 * the model card: AUC (Mann-Whitney, ties averaged) with a DeLong 95% confidence interval, sensitivity and
 * specificity at a threshold (positive when {@code score >= threshold}), Youden's J threshold.
 */
final class Metrics {

    static final double Z95 = 1.959964;

    record Auc(double auc, double low, double high, int positives, int negatives) {
    }

    record Youden(double threshold, double sensitivity, double specificity) {
    }

    private Metrics() {
    }

    static Auc auc(boolean[] positive, double[] score) {
        int m = 0;
        for (boolean p : positive) {
            if (p) {
                m++;
            }
        }
        int n = positive.length - m;
        if (m == 0 || n == 0) {
            return new Auc(Double.NaN, Double.NaN, Double.NaN, m, n);
        }
        double[] pos = new double[m];
        double[] neg = new double[n];
        for (int i = 0, a = 0, b = 0; i < positive.length; i++) {
            if (positive[i]) {
                pos[a++] = score[i];
            } else {
                neg[b++] = score[i];
            }
        }
        double[] all = new double[m + n];
        System.arraycopy(pos, 0, all, 0, m);
        System.arraycopy(neg, 0, all, m, n);
        double[] tx = ranks(pos);
        double[] ty = ranks(neg);
        double[] tz = ranks(all);
        double sumPos = 0;
        for (int i = 0; i < m; i++) {
            sumPos += tz[i];
        }
        double auc = (sumPos - m * (m + 1) / 2.0) / ((double) m * n);
        double[] v01 = new double[m];
        for (int i = 0; i < m; i++) {
            v01[i] = (tz[i] - tx[i]) / n;
        }
        double[] v10 = new double[n];
        for (int j = 0; j < n; j++) {
            v10[j] = 1.0 - (tz[m + j] - ty[j]) / m;
        }
        double sx = m > 1 ? variance(v01) : 0;
        double sy = n > 1 ? variance(v10) : 0;
        double se = Math.sqrt(sx / m + sy / n);
        return new Auc(auc, Math.max(0, auc - Z95 * se), Math.min(1, auc + Z95 * se), m, n);
    }

    /** [sensitivity, specificity] with positive = score >= threshold. */
    static double[] sensitivitySpecificity(boolean[] positive, double[] score, double threshold) {
        int tp = 0;
        int p = 0;
        int tn = 0;
        int n = 0;
        for (int i = 0; i < positive.length; i++) {
            boolean predicted = score[i] >= threshold;
            if (positive[i]) {
                p++;
                if (predicted) {
                    tp++;
                }
            } else {
                n++;
                if (!predicted) {
                    tn++;
                }
            }
        }
        return new double[] {(double) tp / Math.max(1, p), (double) tn / Math.max(1, n)};
    }

    /**
     * The threshold maximising sensitivity + specificity - 1: the midpoint between the chosen score and the next
     * lower distinct score (as the training code chooses the manifest's thresholds).
     */
    static Youden youden(boolean[] positive, double[] score) {
        double[] distinct = Arrays.stream(score).distinct().sorted().toArray();
        double bestJ = -2;
        Youden best = new Youden(0.5, 0, 0);
        for (int i = distinct.length - 1; i >= 0; i--) {
            double t = distinct[i];
            double[] ss = sensitivitySpecificity(positive, score, t);
            double j = ss[0] + ss[1] - 1;
            if (j > bestJ + 1e-12) {
                double lower = i > 0 ? distinct[i - 1] : t - 1e-6;
                bestJ = j;
                best = new Youden((t + lower) / 2.0, ss[0], ss[1]);
            }
        }
        return best;
    }

    /** Average ranks, 1-based, ties averaged (scipy's rankdata "average"). */
    static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] out = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                out[order[k]] = rank;
            }
            i = j + 1;
        }
        return out;
    }

    private static double variance(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return s / (v.length - 1);
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
