package org.chestlens.inference;

import java.util.List;
import java.util.Map;

/**
 * The "cannot analyse" gate of MANIFEST.md: the manifest's rules in order (the first that fires gives the
 * reason), then a built-in check for blank images, then the uncertainty rule (every reported finding within
 * {@code margin} of its threshold).
 */
final class AnalysisGate {

    /** Below this grey spread an image is blank whatever the manifest says: nothing to analyse at all. */
    static final double BLANK_GREY_STD = 0.004;

    static final String BLANK_REASON = "The image is blank or nearly uniform: there is nothing to analyse.";
    static final String BLANK_SUGGESTION = "Upload the X-ray image itself, not an empty or fully washed-out export.";

    private AnalysisGate() {
    }

    static Prediction.GateDecision decide(ModelManifest manifest, Map<String, Double> features,
                                          List<Prediction.FindingScore> findings) {
        ModelManifest.GateSpec gate = manifest.gate();
        if (gate != null && gate.rules() != null) {
            for (ModelManifest.GateRule rule : gate.rules()) {
                double v = features.get(rule.feature());
                if ((rule.max() != null && v > rule.max()) || (rule.min() != null && v < rule.min()) || Double.isNaN(v)) {
                    return new Prediction.GateDecision(true, rule.feature(), rule.reason(), rule.suggestion());
                }
            }
        }
        if (features.get(GateFeatures.GREY_STD) < BLANK_GREY_STD) {
            return new Prediction.GateDecision(true, "blank", BLANK_REASON, BLANK_SUGGESTION);
        }
        if (gate != null && gate.uncertainty() != null) {
            ModelManifest.Uncertainty u = gate.uncertainty();
            // A reported finding without a probability (NaN) never counts as "unsure", as in the reference code.
            List<Prediction.FindingScore> reported = findings.stream().filter(Prediction.FindingScore::reported).toList();
            if (!reported.isEmpty() && reported.stream()
                    .allMatch(f -> Math.abs(f.probability() - f.threshold()) <= u.margin())) {
                return new Prediction.GateDecision(true, "uncertainty", u.reason(), u.suggestion());
            }
        }
        return Prediction.GateDecision.ACCEPTED;
    }
}
