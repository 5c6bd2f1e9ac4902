package org.chestlens.analysis;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.Map;

/** One finding of an analysis (table {@code analysis_finding}), reported or not. */
@Embeddable
class AnalysisFinding {

    @Column(nullable = false)
    private String code;

    @Column(nullable = false)
    private int position;

    @Column(nullable = false)
    private String label;

    @Column(nullable = false)
    private double probability;

    @Column(nullable = false)
    private double threshold;

    @Column(nullable = false)
    private boolean positive;

    @Column(nullable = false)
    private boolean reported;

    /** JSON object member name -> probability (a plain string: Hibernate cannot hash converted maps in collections). */
    @Column(name = "member_probabilities", nullable = false)
    private String memberProbabilities;

    /** The map behind {@link #memberProbabilities} when this object made it (saves parsing it back). */
    @jakarta.persistence.Transient
    private Map<String, Double> memberProbabilityMap;

    /** The ensemble CAM, float32 little endian, at the analysis' cam size. */
    @Column(nullable = false)
    private byte[] cam;

    protected AnalysisFinding() {
    }

    AnalysisFinding(String code, int position, String label, double probability, double threshold, boolean positive,
                    boolean reported, Map<String, Double> memberProbabilities, byte[] cam) {
        this.code = code;
        this.position = position;
        this.label = label;
        this.probability = probability;
        this.threshold = threshold;
        this.positive = positive;
        this.reported = reported;
        this.memberProbabilities = new Converters.NumberMap().convertToDatabaseColumn(memberProbabilities);
        this.memberProbabilityMap = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(memberProbabilities));
        this.cam = cam;
    }

    String code() {
        return code;
    }

    int position() {
        return position;
    }

    String label() {
        return label;
    }

    double probability() {
        return probability;
    }

    double threshold() {
        return threshold;
    }

    boolean positive() {
        return positive;
    }

    boolean reported() {
        return reported;
    }

    Map<String, Double> memberProbabilities() {
        if (memberProbabilityMap == null) {
            memberProbabilityMap = java.util.Collections.unmodifiableMap(new Converters.NumberMap().convertToEntityAttribute(memberProbabilities));
        }
        return memberProbabilityMap;
    }

    String memberProbabilitiesJson() {
        return memberProbabilities;
    }

    byte[] cam() {
        return cam;
    }

    Finding toFinding(String condition, boolean normal, boolean applicable, ValidationAccuracy accuracy) {
        return new Finding(code, label, probability, threshold, positive, memberProbabilities(), condition, normal, applicable,
                accuracy);
    }
}
