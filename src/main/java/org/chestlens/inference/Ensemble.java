package org.chestlens.inference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chestlens.imaging.Resampler;

/**
 * The ensemble maths of MANIFEST.md: per finding, the weighted mean of the probabilities of the members that
 * output it with a positive weight (probability averaging); the CAMs combined with the same weights after each
 * is bilinearly upsampled to the largest member map size; positive when {@code probability >= threshold}, and
 * then made consistent: a sub-type ({@code subtypeOf}) is positive only while its parent is, and the normal
 * finding ({@code normal}) only while no other reported finding is (a study is not both normal and abnormal).
 */
final class Ensemble {

    private Ensemble() {
    }

    static List<Prediction.FindingScore> findings(ModelManifest manifest, Map<String, Prediction.MemberResult> members) {
        List<Prediction.FindingScore> out = new ArrayList<>();
        for (ModelManifest.FindingSpec f : manifest.findings()) {
            double num = 0;
            double den = 0;
            Map<String, Double> perMember = new LinkedHashMap<>();
            for (ModelManifest.MemberSpec m : manifest.members()) {
                double w = m.weight(f.code());
                if (w > 0) {
                    double p = members.get(m.name()).probabilities()[m.findings().indexOf(f.code())];
                    num += w * p;
                    den += w;
                    perMember.put(m.name(), p);
                }
            }
            double probability = den > 0 ? num / den : Double.NaN;
            out.add(new Prediction.FindingScore(f.code(), f.label(), probability, f.threshold(),
                    probability >= f.threshold(), f.reported(), perMember));
        }
        return consistent(manifest, out);
    }

    /** Applies the manifest's relations to the threshold decisions (parents have no parents: ModelChecks). */
    static List<Prediction.FindingScore> consistent(ModelManifest manifest, List<Prediction.FindingScore> raw) {
        Map<String, Boolean> positive = new LinkedHashMap<>();
        raw.forEach(s -> positive.put(s.code(), s.positive()));
        for (ModelManifest.FindingSpec f : manifest.findings()) {
            if (f.subtypeOf() != null && positive.get(f.code()) && !positive.getOrDefault(f.subtypeOf(), false)) {
                positive.put(f.code(), false);
            }
        }
        Map<String, Boolean> reported = new LinkedHashMap<>();
        manifest.findings().forEach(f -> reported.put(f.code(), f.reported()));
        for (ModelManifest.FindingSpec f : manifest.findings()) {
            if (f.isNormal() && positive.get(f.code())) {
                boolean anyOther = positive.entrySet().stream()
                        .anyMatch(e -> !e.getKey().equals(f.code()) && e.getValue() && reported.get(e.getKey()));
                positive.put(f.code(), !anyOther);
            }
        }
        List<Prediction.FindingScore> out = new ArrayList<>(raw.size());
        for (Prediction.FindingScore s : raw) {
            out.add(s.positive() == positive.get(s.code()) ? s : new Prediction.FindingScore(s.code(), s.label(),
                    s.probability(), s.threshold(), positive.get(s.code()), s.reported(), s.memberProbabilities()));
        }
        return out;
    }

    static Prediction.CamMaps cams(ModelManifest manifest, Map<String, Prediction.MemberResult> members) {
        int h = 0;
        int w = 0;
        for (Prediction.MemberResult r : members.values()) {
            h = Math.max(h, r.camHeight());
            w = Math.max(w, r.camWidth());
        }
        Map<String, float[]> maps = new LinkedHashMap<>();
        for (ModelManifest.FindingSpec f : manifest.findings()) {
            double[] acc = new double[w * h];
            double den = 0;
            for (ModelManifest.MemberSpec m : manifest.members()) {
                double weight = m.weight(f.code());
                if (weight <= 0) {
                    continue;
                }
                Prediction.MemberResult r = members.get(m.name());
                float[] map = channel(r.cam(), m.findings().indexOf(f.code()), r.camHeight() * r.camWidth());
                if (r.camHeight() != h || r.camWidth() != w) {
                    map = Resampler.bilinear(map, r.camWidth(), r.camHeight(), w, h);
                }
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += weight * map[i];
                }
                den += weight;
            }
            float[] out = new float[w * h];
            if (den > 0) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) (acc[i] / den);
                }
            }
            maps.put(f.code(), out);
        }
        return new Prediction.CamMaps(w, h, maps);
    }

    private static float[] channel(float[] cam, int channel, int plane) {
        float[] out = new float[plane];
        System.arraycopy(cam, channel * plane, out, 0, plane);
        return out;
    }
}
