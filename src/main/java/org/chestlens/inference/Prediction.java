package org.chestlens.inference;

import java.util.List;
import java.util.Map;

/**
 * Everything the models say about one image.
 *
 * @param findings   every manifest finding in manifest order (reported or not), with ensemble probability
 * @param cams       the ensemble's class activation map per finding (logit units), all at one size
 * @param embedding  the similarity member's pooled features (not normalised)
 * @param anomaly    the VAE's scores, percentiles and error map
 * @param features   every gate feature by name (input.saturation, input.greyStd, anomaly.mse, member.x.y, ...)
 * @param gate       accepted, or rejected with a reason
 * @param members    each member's own outputs (for transparency and parity checks)
 * @param stageNanos time per stage: preprocess, each graph ("member.NAME", "vae"), models (wall), combine
 */
public record Prediction(List<FindingScore> findings, CamMaps cams, float[] embedding, AnomalyResult anomaly,
                         Map<String, Double> features, GateDecision gate, Map<String, MemberResult> members,
                         Map<String, Long> stageNanos) {

    /**
     * @param memberProbabilities each member with a non-zero weight for this finding, by name
     */
    public record FindingScore(String code, String label, double probability, double threshold, boolean positive,
                               boolean reported, Map<String, Double> memberProbabilities) {
    }

    /** Maps of {@code width x height} values, row-major, by finding code. */
    public record CamMaps(int width, int height, Map<String, float[]> byFinding) {
    }

    /**
     * @param input          the VAE's input tensor (C x H x W)
     * @param reconstruction its output, same shape
     */
    public record AnomalyResult(double mse, double kl, double negElbo, double msePercentile, double klPercentile,
                                double negElboPercentile, float[] input, float[] reconstruction, int channels,
                                int width, int height, float[] mu, float[] logvar) {

        /** |x - x̂| per pixel, averaged over channels, in model units. */
        public float[] errorMap() {
            int plane = width * height;
            float[] out = new float[plane];
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < plane; i++) {
                    out[i] += Math.abs(input[c * plane + i] - reconstruction[c * plane + i]) / channels;
                }
            }
            return out;
        }
    }

    /**
     * @param rule the feature of the rule that fired, {@code uncertainty}, or {@code blank}; null when accepted
     */
    public record GateDecision(boolean rejected, String rule, String reason, String suggestion) {

        static final GateDecision ACCEPTED = new GateDecision(false, null, null, null);
    }

    /**
     * @param input the member's input tensor (C x H x W)
     */
    public record MemberResult(float[] input, float[] probabilities, float[] cam, int camHeight, int camWidth,
                               float[] embedding, Map<String, Double> scalars) {
    }

    public FindingScore finding(String code) {
        return findings.stream().filter(f -> f.code().equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown finding " + code));
    }
}
