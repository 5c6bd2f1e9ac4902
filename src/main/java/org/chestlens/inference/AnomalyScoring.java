package org.chestlens.inference;

/**
 * The VAE formulas of MANIFEST.md, accumulated in double: {@code mse = mean((x - x̂)^2)},
 * {@code kl = -0.5 * sum(1 + logvar - mu^2 - exp(logvar))}, {@code negElbo = w * sum((x - x̂)^2) + kl}, and the
 * percentile rank of a score among the 101 stored percentiles of normal X-rays.
 */
final class AnomalyScoring {

    record Scores(double mse, double kl, double negElbo) {
    }

    private AnomalyScoring() {
    }

    static Scores scores(float[] x, float[] reconstruction, float[] mu, float[] logvar, double mseWeight) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) x[i] - reconstruction[i];
            sum += d * d;
        }
        double kl = 0;
        for (int i = 0; i < mu.length; i++) {
            double lv = logvar[i];
            double m = mu[i];
            kl += 1 + lv - m * m - Math.exp(lv);
        }
        kl *= -0.5;
        return new Scores(sum / x.length, kl, mseWeight * sum + kl);
    }

    /** Percentile rank (0..100) against 101 percentiles, linear interpolation; ties resolved to the last equal entry. */
    static double percentileRank(double value, double[] p) {
        if (value <= p[0]) {
            return 0;
        }
        if (value >= p[p.length - 1]) {
            return 100;
        }
        int i = upperBound(p, value) - 1;
        while (i + 1 < p.length && p[i + 1] == p[i]) {
            i++;
        }
        if (i + 1 >= p.length || p[i + 1] == p[i]) {
            return i;
        }
        return i + (value - p[i]) / (p[i + 1] - p[i]);
    }

    /** numpy's searchsorted(side="right"): the first index whose value is greater than {@code value}. */
    private static int upperBound(double[] p, double value) {
        int lo = 0;
        int hi = p.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
