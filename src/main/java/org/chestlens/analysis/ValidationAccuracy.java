package org.chestlens.analysis;

import java.util.Optional;
import org.chestlens.inference.ModelManifest;

/**
 * How often a finding's call was right on the validation images, at its threshold (the model card's numbers; the
 * predictive values computed by {@link ModelManifest.ValStats#ppv()}).
 *
 * @param sensitivity of the images with the finding, the share called positive
 * @param specificity of the images without it, the share called negative
 * @param ppv         of the images called positive, the share that had it (at this population's prevalence)
 * @param npv         of the images called negative, the share that did not have it
 * @param positives   validation images with the finding
 * @param negatives   validation images without it
 * @param population  which validation images, in words (may be null)
 */
public record ValidationAccuracy(double sensitivity, double specificity, double ppv, double npv, int positives,
                                 int negatives, String population) {

    /**
     * Below this PPV a positive call is more often wrong than right: it is worded as "possible" and "flagged for
     * review", not as a finding (models/MANIFEST.md, "How results are worded").
     */
    public static final double LOW_PPV = 0.5;

    /** The numbers, if the model card gives all four (positives, negatives, sensitivity, specificity). */
    public static Optional<ValidationAccuracy> of(ModelManifest.ValStats val) {
        if (val == null || val.ppv().isEmpty() || val.npv().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ValidationAccuracy(val.sensitivity(), val.specificity(), val.ppv().getAsDouble(),
                val.npv().getAsDouble(), val.positives(), val.negatives(), val.population()));
    }

    public double prevalence() {
        return positives / (double) (positives + negatives);
    }

    /** A positive call is right less often than {@link #LOW_PPV}. */
    public boolean lowPpv() {
        return ppv < LOW_PPV;
    }
}
