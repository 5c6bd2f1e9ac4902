package org.chestlens.inference;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * {@code models/manifest.json} as records (the contract is models/MANIFEST.md). Unknown fields are ignored so
 * the training side can add information without breaking the server.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(String name, String version, String created, String disclaimer, List<FindingSpec> findings,
                            List<MemberSpec> members, Similarity similarity, AnomalySpec anomaly, GateSpec gate) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FindingSpec(String code, String label, double threshold, boolean reported, String reportRule,
                              ValStats val, String subtypeOf, Boolean normal, Boolean conditional,
                              HeatmapScale heatmap, Calibration calibration) {

        /** Test and tooling shorthand: a finding with no relation to others. */
        public FindingSpec(String code, String label, double threshold, boolean reported, String reportRule, ValStats val) {
            this(code, label, threshold, reported, reportRule, val, null, null, null);
        }

        /** A finding without heatmap scale or calibration numbers. */
        public FindingSpec(String code, String label, double threshold, boolean reported, String reportRule, ValStats val,
                           String subtypeOf, Boolean normal, Boolean conditional) {
            this(code, label, threshold, reported, reportRule, val, subtypeOf, normal, conditional, null, null);
        }

        /**
         * The fixed scale of this finding's heatmaps: the manifest's {@code heatmap}, or without one (or an unusable
         * one) the threshold's logit as {@code low} and four logits more as {@code high} (MANIFEST.md).
         */
        public HeatmapScale heatmapScale() {
            if (heatmap != null && Double.isFinite(heatmap.low()) && Double.isFinite(heatmap.high())
                    && heatmap.high() > heatmap.low()) {
                return heatmap;
            }
            return HeatmapScale.fromThreshold(threshold);
        }

        /** A sub-type whose probability is P(sub-type | parent): only meaningful where the parent is present. */
        public boolean isConditional() {
            return Boolean.TRUE.equals(conditional);
        }

        /** "No Finding": positive only while no other reported finding is. */
        public boolean isNormal() {
            return Boolean.TRUE.equals(normal);
        }
    }

    /** The model card's validation numbers for one finding. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ValStats(Double auc, Double aucLow, Double aucHigh, Integer positives, Integer negatives,
                           Double sensitivity, Double specificity, String population) {

        /**
         * Positive predictive value at the threshold on these validation images: of the images called positive, the
         * share that were positive, TP / (TP + FP) with TP = sensitivity x positives, FP = (1 - specificity) x
         * negatives. It holds for this population's prevalence ({@link #prevalence()}); where the finding is rarer,
         * fewer positive calls are right. Empty without the four numbers or without any positive call.
         */
        public OptionalDouble ppv() {
            if (!complete()) {
                return OptionalDouble.empty();
            }
            double truePositives = sensitivity * positives;
            double falsePositives = (1 - specificity) * negatives;
            return truePositives + falsePositives > 0
                    ? OptionalDouble.of(truePositives / (truePositives + falsePositives)) : OptionalDouble.empty();
        }

        /** Negative predictive value at the threshold on these images: TN / (TN + FN), as {@link #ppv()}. */
        public OptionalDouble npv() {
            if (!complete()) {
                return OptionalDouble.empty();
            }
            double trueNegatives = specificity * negatives;
            double falseNegatives = (1 - sensitivity) * positives;
            return trueNegatives + falseNegatives > 0
                    ? OptionalDouble.of(trueNegatives / (trueNegatives + falseNegatives)) : OptionalDouble.empty();
        }

        /** The share of positives among these validation images. */
        public OptionalDouble prevalence() {
            return positives != null && negatives != null && positives + negatives > 0
                    ? OptionalDouble.of(positives / (double) (positives + negatives)) : OptionalDouble.empty();
        }

        private boolean complete() {
            return positives != null && negatives != null && sensitivity != null && specificity != null;
        }
    }

    /**
     * How a finding's class activation map (logit units) becomes colour: transparent at or below {@code low}, full
     * colour at {@code high}. The training computes both on validation data (MANIFEST.md, "heatmap").
     *
     * @param negatives validation images without the finding that {@code low} was measured on (null: not measured)
     * @param positives validation images with it, for {@code high}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HeatmapScale(double low, double high, Integer negatives, Integer positives) {

        /** The fallback without validation numbers: coloured where the map exceeds the threshold's logit. */
        public static HeatmapScale fromThreshold(double threshold) {
            double t = Math.max(1e-6, Math.min(1 - 1e-6, threshold));
            double logit = Math.log(t / (1 - t));
            return new HeatmapScale(logit, logit + 4, null, null);
        }
    }

    /**
     * How well the finding's probability matches how often it is present, on validation data.
     *
     * @param ece             expected calibration error over {@code bins} equal-width bins
     * @param meanProbability the mean probability over the validation population
     * @param brier           Brier score
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Calibration(Double ece, Integer bins, Double meanProbability, Double brier) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MemberSpec(String name, String architecture, String file, List<String> findings,
                             Map<String, Double> weights, InputSpec input, MemberOutputs outputs) {

        /** The ensemble weight of this member for a finding (0 when it does not output it). */
        public double weight(String code) {
            if (!findings.contains(code) || weights == null) {
                return 0;
            }
            Double w = weights.get(code);
            return w == null || w <= 0 ? 0 : w;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MemberOutputs(String probabilities, String cam, String embedding, Map<String, String> scalars) {
    }

    /**
     * @param resize "stretch", "center-crop" or "letterbox"
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record InputSpec(String name, int height, int width, int channels, String resize, double[] valueRange,
                            double[] mean, double[] std) {

        public double low() {
            return valueRange == null ? 0.0 : valueRange[0];
        }

        public double high() {
            return valueRange == null ? 1.0 : valueRange[1];
        }

        public String resizeRule() {
            return resize == null ? "stretch" : resize;
        }

        /** Inputs with the same key share the grey geometry (steps 2-3 of the preprocessing). */
        String geometryKey() {
            return width + "x" + height + ":" + resizeRule();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Similarity(String member) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AnomalySpec(String name, String file, InputSpec input, AnomalyOutputs outputs, double negElboMseWeight,
                              Reference reference) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AnomalyOutputs(String reconstruction, String mu, String logvar) {
    }

    /** 101 percentiles (0..100) of each score over normal validation X-rays. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reference(int count, double[] mse, double[] kl, double[] negElbo) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GateSpec(List<GateRule> rules, Uncertainty uncertainty, JsonNode calibration) {
    }

    /** Rejects when {@code value > max} or {@code value < min} (either may be absent). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GateRule(String feature, Double min, Double max, String reason, String suggestion) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Uncertainty(double margin, String reason, String suggestion) {
    }

    public Optional<FindingSpec> finding(String code) {
        return findings.stream().filter(f -> f.code().equals(code)).findFirst();
    }

    /** The member whose embedding places cases for similarity search. */
    public MemberSpec similarityMember() {
        String wanted = similarity == null ? null : similarity.member();
        return members.stream().filter(m -> m.name().equals(wanted)).findFirst().orElse(members.get(0));
    }

    /** Reads and checks a manifest; problems name the file and the field. */
    public static ModelManifest read(Path file) throws IOException {
        ModelManifest manifest = JSON.readValue(Files.readAllBytes(file), ModelManifest.class);
        manifest.check(file);
        return manifest;
    }

    private void check(Path file) {
        String where = file.toString();
        require(name != null && version != null, where + ": name and version are required");
        require(findings != null && !findings.isEmpty(), where + ": no findings");
        require(members != null && !members.isEmpty(), where + ": no members");
        require(anomaly != null, where + ": no anomaly model");
        Set<String> codes = new HashSet<>();
        for (FindingSpec f : findings) {
            require(f.code() != null && codes.add(f.code()), where + ": finding code missing or repeated: " + f.code());
        }
        Set<String> names = new HashSet<>();
        for (MemberSpec m : members) {
            String at = where + ": member '" + m.name() + "'";
            require(m.name() != null && names.add(m.name()), where + ": member name missing or repeated: " + m.name());
            require(m.file() != null, at + " has no file");
            require(m.findings() != null && !m.findings().isEmpty(), at + " lists no findings");
            require(codes.containsAll(m.findings()), at + " outputs findings the manifest does not list: " + m.findings());
            require(m.outputs() != null && m.outputs().probabilities() != null && m.outputs().cam() != null
                    && m.outputs().embedding() != null, at + " must name its probabilities, cam and embedding outputs");
            checkInput(m.input(), at);
        }
        require(anomaly.file() != null && anomaly.outputs() != null, where + ": anomaly needs file and outputs");
        checkInput(anomaly.input(), where + ": anomaly");
        Reference ref = anomaly.reference();
        require(ref != null && ref.mse() != null && ref.kl() != null && ref.negElbo() != null
                && ref.mse().length == 101 && ref.kl().length == 101 && ref.negElbo().length == 101,
                where + ": anomaly.reference needs 101 percentiles of mse, kl and negElbo");
        if (similarity != null && similarity.member() != null) {
            require(names.contains(similarity.member()), where + ": similarity member '" + similarity.member() + "' is not a member");
        }
        if (gate != null && gate.rules() != null) {
            for (GateRule r : gate.rules()) {
                require(r.feature() != null && (r.min() != null || r.max() != null),
                        where + ": gate rule needs a feature and min or max: " + r);
            }
        }
    }

    private static void checkInput(InputSpec in, String at) {
        require(in != null, at + " has no input spec");
        require(in.width() > 0 && in.height() > 0, at + ": input size must be positive");
        require(in.channels() == 1 || in.channels() == 3, at + ": input channels must be 1 or 3");
        require(List.of("stretch", "center-crop", "letterbox").contains(in.resizeRule()), at + ": unknown resize " + in.resize());
        require(in.valueRange() == null || (in.valueRange().length == 2 && in.valueRange()[1] > in.valueRange()[0]),
                at + ": valueRange must be [lo, hi] with hi > lo");
        require((in.mean() == null) == (in.std() == null), at + ": mean and std go together");
        if (in.mean() != null) {
            require((in.mean().length == in.channels() || in.mean().length == 1) && in.std().length == in.mean().length,
                    at + ": mean/std need one value per channel");
            for (double s : in.std()) {
                require(s != 0, at + ": std must not be 0");
            }
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
