package org.chestlens.worklist;

import java.util.Collection;
import java.util.Comparator;

/**
 * How urgent a study is, the one rule behind the worklist page, {@code GET /api/v1/worklist} and the
 * {@code triage-check} measurement (so the number measured is the order clinicians get):
 * <ol>
 *   <li>studies with a positive finding first (a reported finding at or above its threshold, not the normal-study
 *       finding such as No Finding, whose positive call is good news);</li>
 *   <li>among those, by the highest probability relative to its threshold ({@code probability / threshold}): a
 *       finding twice its threshold is further from a borderline call than one just above it, whatever the
 *       finding's own scale;</li>
 *   <li>then by the anomaly score (percentile among normal X-rays), which also orders the studies without a
 *       positive finding.</li>
 * </ol>
 *
 * @param positive               any reported, positive, non-normal finding
 * @param topRelativeProbability the highest {@code probability / threshold} among those; 0 when there is none
 * @param anomalyPercentile      "more unusual than N% of normal X-rays" (0..100; an unknown score counts as 0)
 */
public record Urgency(boolean positive, double topRelativeProbability, double anomalyPercentile) {

    /** Most urgent first. Equal urgencies compare equal: callers add their own tie-break (e.g. oldest first). */
    public static final Comparator<Urgency> MOST_URGENT_FIRST = Comparator.comparing(Urgency::positive)
            .thenComparingDouble(Urgency::topRelativeProbability)
            .thenComparingDouble(Urgency::anomalyPercentile)
            .reversed();

    /**
     * One finding's call, as stored with an analysis or produced by the models.
     *
     * @param reported whether users are shown the finding at all (unreported findings never raise urgency)
     * @param normal   the models' normal-study finding
     */
    public record Call(double probability, double threshold, boolean positive, boolean normal, boolean reported) {

        boolean counts() {
            return reported && positive && !normal && Double.isFinite(probability);
        }

        /** {@code probability / threshold}: 1 at the threshold, 2 at twice it. */
        public double relative() {
            // A threshold of 0 (never in a real manifest) would make every study infinitely urgent.
            return threshold > 0 ? probability / threshold : probability;
        }
    }

    /** The urgency of a study from its findings' calls and its anomaly percentile. */
    public static Urgency of(Collection<Call> calls, double anomalyPercentile) {
        double top = calls.stream().filter(Call::counts).mapToDouble(Call::relative).max().orElse(Double.NaN);
        boolean positive = !Double.isNaN(top);
        return new Urgency(positive, positive ? top : 0, Double.isFinite(anomalyPercentile) ? anomalyPercentile : 0);
    }
}
