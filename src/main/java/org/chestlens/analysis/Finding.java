package org.chestlens.analysis;

import java.util.Map;
import java.util.Optional;
import org.chestlens.ui.Numbers;

/**
 * One finding of an analysis.
 *
 * @param code                 stable code, e.g. {@code pneumonia}, {@code covid_19}
 * @param label                human label, e.g. "COVID-19"
 * @param probability          ensemble probability in [0, 1] (weighted mean of the members)
 * @param threshold            decision threshold from the model card (Youden's J on validation)
 * @param positive             {@code probability >= threshold}, and consistent with the other findings (see condition)
 * @param memberProbabilities  each contributing member's own probability, by member name in manifest order (transparency)
 * @param condition            when the finding counts beyond its threshold, in words (e.g. a sub-type only with its
 *                             parent finding); {@code null} for none
 * @param normal               the models' "normal study" finding (e.g. No Finding): positive is good news
 * @param applicable           {@code false} for a sub-type whose probability assumes its parent finding (the manifest's
 *                             {@code conditional}) while the parent is negative: its number then says nothing about
 *                             this study, so it is shown as "n/a" and listed last
 * @param accuracy             how often its calls were right on validation images; {@code null} when the model card
 *                             does not say
 */
public record Finding(String code, String label, double probability, double threshold, boolean positive,
                      Map<String, Double> memberProbabilities, String condition, boolean normal, boolean applicable,
                      ValidationAccuracy accuracy) {

    /**
     * Members "disagree" when at least one member's own probability is at or above the threshold and another's is
     * below it, and the highest and lowest are at least this far apart (models/MANIFEST.md, "How results are worded").
     */
    public static final double DISAGREEMENT_SPREAD = 0.25;

    /** A probability this close to its threshold (either side) is "borderline" (models/MANIFEST.md). */
    public static final double BORDERLINE_MARGIN = 0.02;

    /** A finding without validation numbers (tests, a manifest without them). */
    public Finding(String code, String label, double probability, double threshold, boolean positive,
                   Map<String, Double> memberProbabilities, String condition, boolean normal, boolean applicable) {
        this(code, label, probability, threshold, positive, memberProbabilities, condition, normal, applicable, null);
    }

    /** The probability in words, or "n/a" when it does not apply to this study. */
    public String probabilityText() {
        return applicable ? Numbers.percent(probability) : "n/a";
    }

    public Optional<ValidationAccuracy> validationAccuracy() {
        return Optional.ofNullable(accuracy);
    }

    /** The ensemble members fall on both sides of the threshold, far apart: the call rests on which model you ask. */
    public boolean membersDisagree() {
        if (!applicable || memberProbabilities.size() < 2) {
            return false;
        }
        double high = Double.NEGATIVE_INFINITY;
        double low = Double.POSITIVE_INFINITY;
        for (Double p : memberProbabilities.values()) {
            if (p != null && !p.isNaN()) {
                high = Math.max(high, p);
                low = Math.min(low, p);
            }
        }
        return high >= threshold && low < threshold && high - low >= DISAGREEMENT_SPREAD;
    }

    /** Within {@link #BORDERLINE_MARGIN} of the threshold: a small change in the image could flip the call. */
    public boolean borderline() {
        return applicable && Math.abs(probability - threshold) < BORDERLINE_MARGIN;
    }

    /**
     * A positive call that was right less often than not on validation images ({@link ValidationAccuracy#LOW_PPV}):
     * worded as "possible" and flagged for review rather than stated as a finding.
     */
    public boolean flaggedForReview() {
        return positive && !normal && accuracy != null && accuracy.lowPpv();
    }

    /** The call in one word: "Positive", "Possible" (flagged for review), "Negative" or "Not applicable". */
    public String callText() {
        if (!applicable) {
            return "Not applicable";
        }
        if (!positive) {
            return "Negative";
        }
        return flaggedForReview() ? "Possible" : "Positive";
    }
}
