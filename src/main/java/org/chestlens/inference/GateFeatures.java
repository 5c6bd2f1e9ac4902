package org.chestlens.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The gate features the server computes (table in MANIFEST.md). */
final class GateFeatures {

    static final String SATURATION = "input.saturation";
    static final String GREY_STD = "input.greyStd";
    static final String EDGE_MEAN = "input.edgeMean";
    static final String FLAT_FRACTION = "input.flatFraction";
    /** A neighbourhood is flat when its |dx| + |dy| is under one 8-bit grey level. */
    private static final double FLAT_EPS = 1.0 / 255.0;

    private GateFeatures() {
    }

    static Map<String, Double> compute(double saturation, float[] vaeInput, ModelManifest.InputSpec vaeSpec,
                                       AnomalyScoring.Scores scores, Map<String, Prediction.MemberResult> members) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put(SATURATION, saturation);
        members.forEach((name, r) -> r.scalars().forEach((k, v) -> f.put("member." + name + "." + k, v)));
        f.put("anomaly.mse", scores.mse());
        f.put("anomaly.kl", scores.kl());
        f.put("anomaly.negElbo", scores.negElbo());
        f.put(GREY_STD, greyStd(vaeInput, vaeSpec));
        double[] edges = edgeStatistics(vaeInput, vaeSpec);
        f.put(EDGE_MEAN, edges[0]);
        f.put(FLAT_FRACTION, edges[1]);
        return f;
    }

    /** Names a manifest may use: fixed ones plus member.NAME.SCALAR for each declared scalar output. */
    static Set<String> known(ModelManifest manifest) {
        Set<String> names = new java.util.HashSet<>(Set.of(SATURATION, GREY_STD, EDGE_MEAN, FLAT_FRACTION, "anomaly.mse", "anomaly.kl",
                "anomaly.negElbo"));
        for (ModelManifest.MemberSpec m : manifest.members()) {
            if (m.outputs().scalars() != null) {
                m.outputs().scalars().keySet().forEach(k -> names.add("member." + m.name() + "." + k));
            }
        }
        return names;
    }

    /** Population standard deviation of channel 0 divided by the valueRange width. */
    static double greyStd(float[] tensor, ModelManifest.InputSpec spec) {
        int n = spec.width() * spec.height();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += tensor[i];
        }
        double mean = sum / n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double d = tensor[i] - mean;
            var += d * d;
        }
        return Math.sqrt(var / n) / (spec.high() - spec.low());
    }

    /**
     * Channel 0 scaled to [0, 1], over the pixels that have a right and a lower neighbour: the mean of
     * |right - x| + |below - x| (edgeMean) and the fraction where that sum is under 1/255 (flatFraction).
     */
    static double[] edgeStatistics(float[] tensor, ModelManifest.InputSpec spec) {
        int w = spec.width();
        int h = spec.height();
        double lo = spec.low();
        double range = spec.high() - spec.low();
        double sum = 0;
        long flat = 0;
        for (int y = 0; y < h - 1; y++) {
            for (int x = 0; x < w - 1; x++) {
                double v = (tensor[y * w + x] - lo) / range;
                double right = (tensor[y * w + x + 1] - lo) / range;
                double below = (tensor[(y + 1) * w + x] - lo) / range;
                double edge = Math.abs(right - v) + Math.abs(below - v);
                sum += edge;
                if (edge < FLAT_EPS) {
                    flat++;
                }
            }
        }
        double n = (double) (w - 1) * (h - 1);
        return new double[] {sum / n, flat / n};
    }
}
