package org.chestlens.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.chestlens.ui.Numbers;

/**
 * What a completed analysis says, in words, for the summary banner, the findings section and the PDF alike: the
 * positive findings, the study-level "normal" statement (the models' normal finding, e.g. No Finding, is a statement
 * about the whole study, not a row among the findings), and why the result may be uncertain.
 *
 * @param positives    positive findings whose positive calls are usually right, most probable first
 * @param possible     positive findings flagged for review (low PPV, see {@link Finding#flaggedForReview()})
 * @param normal       the models' normal finding, if the model has one
 * @param findings     the reported findings without the normal one, as in the findings table
 * @param unusualImage the anomaly percentile when the image is more unusual than {@link #UNUSUAL_PERCENTILE}% of
 *                     normal X-rays
 */
public record ResultSummary(List<Finding> positives, List<Finding> possible, Optional<Finding> normal,
                            List<Finding> findings, Optional<Double> unusualImage) {

    /** The line every summary ends with. */
    public static final String NOT_A_DIAGNOSIS = "Decision support, not a diagnosis: the models can be wrong, and a "
            + "clinician decides.";

    /** From this anomaly percentile on the image counts as unusual (as "Very unusual" in the anomaly panel). */
    public static final double UNUSUAL_PERCENTILE = 95;

    /** One reason the result may be uncertain: a short chip text and the sentence that explains it. */
    public record Uncertainty(String kind, String chip, String explanation) {
    }

    public static ResultSummary of(AnalysisResult result) {
        List<Finding> findings = result.findings().stream().filter(f -> !f.normal()).toList();
        List<Finding> positives = findings.stream().filter(f -> f.positive() && !f.flaggedForReview()).toList();
        List<Finding> possible = findings.stream().filter(Finding::flaggedForReview).toList();
        Optional<Finding> normal = result.findings().stream().filter(Finding::normal).findFirst();
        Optional<Double> unusual = result.completed() && result.anomaly() != null
                && result.anomaly().percentile() >= UNUSUAL_PERCENTILE
                ? Optional.of(result.anomaly().percentile()) : Optional.empty();
        return new ResultSummary(positives, possible, normal, findings, unusual);
    }

    public boolean anyPositive() {
        return !positives.isEmpty() || !possible.isEmpty();
    }

    /** The banner's first line: what the models found, or the normal statement. */
    public String headline() {
        if (!positives.isEmpty()) {
            return "The models find " + labels(positives) + ".";
        }
        if (!possible.isEmpty()) {
            return "Possible " + labels(possible) + ": flagged for review.";
        }
        return normalStatement();
    }

    /** Low-PPV positives beside confident ones: said after the headline, not in it. */
    public Optional<String> possibleLine() {
        return positives.isEmpty() || possible.isEmpty() ? Optional.empty()
                : Optional.of("Also flagged for review as possible: " + labels(possible) + ".");
    }

    /**
     * The study-level statement the normal finding makes, consistent with the findings: "Normal by the models" only
     * when no finding reaches its threshold and the normal finding reaches its own.
     */
    public String normalStatement() {
        if (normal.isEmpty()) {
            return anyPositive() ? "Not normal by the models: " + Numbers.count(positives.size() + possible.size(),
                    "finding reaches its threshold.", "findings reach their thresholds.")
                    : "No finding reaches its threshold.";
        }
        Finding n = normal.get();
        String score = n.label() + " " + Numbers.percent(n.probability()) + ", threshold " + Numbers.percent(n.threshold());
        boolean normalAbove = n.probability() >= n.threshold();
        if (!anyPositive()) {
            return normalAbove
                    ? "Normal by the models: no finding reaches its threshold (" + score + ")."
                    : "No finding reaches its threshold, but the models do not call the study normal either (" + score + ").";
        }
        return normalAbove
                ? "Not normal by the models, although their " + n.label() + " score is also above its threshold (" + score
                  + "): the models contradict themselves here."
                : "Not normal by the models (" + score + ").";
    }

    /** The study-level call in a few words, for tables that set studies side by side. */
    public String studyCall() {
        if (anyPositive()) {
            return "Not normal (" + Numbers.count(positives.size() + possible.size(), "finding", "findings") + " positive)";
        }
        return normal.map(n -> n.probability() >= n.threshold()
                        ? "Normal by the models (" + n.label() + " " + n.probabilityText() + ")"
                        : "No positive finding, not called normal (" + n.label() + " " + n.probabilityText() + ")")
                .orElse("No positive finding");
    }

    /** Why this result may be uncertain, most specific first; empty when nothing stands out. */
    public List<Uncertainty> uncertainties() {
        List<Uncertainty> out = new ArrayList<>();
        List<Finding> disagree = findings.stream().filter(Finding::membersDisagree).toList();
        if (!disagree.isEmpty()) {
            out.add(new Uncertainty("disagree", "Models disagree", "The ensemble's models disagree on "
                    + labels(disagree, false) + ": one calls it positive, another negative, far apart."));
        }
        List<Finding> borderline = allFindings().stream().filter(Finding::borderline).toList();
        if (!borderline.isEmpty()) {
            out.add(new Uncertainty("borderline", "Borderline", "Close to the threshold (within "
                    + Numbers.count(Math.round(Finding.BORDERLINE_MARGIN * 100), "point", "points") + "): "
                    + String.join(", ", borderline.stream().map(f -> f.label() + " " + f.probabilityText() + " vs "
                    + Numbers.percent(f.threshold())).toList()) + "."));
        }
        normal.filter(n -> anyPositive() && n.probability() >= n.threshold()).ifPresent(n ->
                out.add(new Uncertainty("contradiction", "Normal score high", "The models' " + n.label()
                        + " score is above its threshold although findings are positive.")));
        unusualImage.ifPresent(p -> out.add(new Uncertainty("unusual", "Unusual image", "More unusual than "
                + Math.round(p) + "% of normal X-rays: the models may be outside what they learned.")));
        return out;
    }

    /** Every reported finding, the normal one included (it can be borderline too). */
    private List<Finding> allFindings() {
        List<Finding> all = new ArrayList<>(findings);
        normal.ifPresent(all::add);
        return all;
    }

    private static String labels(List<Finding> findings) {
        return labels(findings, true);
    }

    /** "Pneumonia (95%) and Effusion (40%)", or without the numbers. */
    private static String labels(List<Finding> findings, boolean withProbability) {
        List<String> names = findings.stream()
                .map(f -> withProbability ? f.label() + " (" + f.probabilityText() + ")" : f.label()).toList();
        if (names.size() <= 1) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
