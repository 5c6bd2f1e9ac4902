package org.chestlens.analysis;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hibernate.annotations.BatchSize;

/** One analysed upload (table {@code analysis}); its images live in {@link AnalysisImage}. */
@Entity
@Table(name = "analysis")
class Analysis {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "public_id", nullable = false, updatable = false)
    private String publicId;

    @Column(name = "owner_id")
    private Long ownerId;

    @Column(name = "patient_id")
    private Long patientId;

    @Column(name = "study_date")
    private LocalDate studyDate;

    private String note;

    @Column(name = "file_name", nullable = false)
    private String fileName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private AnalysisStatus status;

    @Column(name = "rejection_rule")
    private String rejectionRule;

    @Column(name = "rejection_reason")
    private String rejectionReason;

    @Column(name = "rejection_suggestion")
    private String rejectionSuggestion;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "model_name", nullable = false)
    private String modelName;

    @Column(name = "model_version", nullable = false)
    private String modelVersion;

    @Column(name = "image_format", nullable = false)
    private String imageFormat;

    @Column(name = "image_width", nullable = false)
    private int imageWidth;

    @Column(name = "image_height", nullable = false)
    private int imageHeight;

    @Column(name = "image_size_bytes", nullable = false)
    private long imageSizeBytes;

    @Column(name = "image_bit_depth", nullable = false)
    private int imageBitDepth;

    @Column(name = "anomaly_mse", nullable = false)
    private double anomalyMse;

    @Column(name = "anomaly_kl", nullable = false)
    private double anomalyKl;

    @Column(name = "anomaly_neg_elbo", nullable = false)
    private double anomalyNegElbo;

    @Column(name = "anomaly_mse_pct", nullable = false)
    private double anomalyMsePercentile;

    @Column(name = "anomaly_kl_pct", nullable = false)
    private double anomalyKlPercentile;

    @Column(name = "anomaly_neg_elbo_pct", nullable = false)
    private double anomalyNegElboPercentile;

    @Column(name = "anomaly_map", nullable = false)
    private byte[] anomalyMap;

    @Column(name = "anomaly_map_width", nullable = false)
    private int anomalyMapWidth;

    @Column(name = "anomaly_map_height", nullable = false)
    private int anomalyMapHeight;

    @Column(nullable = false)
    private byte[] embedding;

    @Column(name = "embedding_space", nullable = false)
    private String embeddingSpace;

    @Column(name = "cam_width", nullable = false)
    private int camWidth;

    @Column(name = "cam_height", nullable = false)
    private int camHeight;

    @Convert(converter = Converters.NumberMap.class)
    @Column(name = "gate_features", nullable = false)
    private Map<String, Double> gateFeatures = new LinkedHashMap<>();

    @Convert(converter = Converters.NumberMap.class)
    @Column(nullable = false)
    private Map<String, Double> timings = new LinkedHashMap<>();

    @Convert(converter = Converters.CodeSet.class)
    @Column(name = "confirmed_findings")
    private Set<String> confirmedFindings = new TreeSet<>();

    @ElementCollection(fetch = FetchType.LAZY)
    @CollectionTable(name = "analysis_finding", joinColumns = @JoinColumn(name = "analysis_id"))
    @OrderBy("position")
    @BatchSize(size = 64)
    private List<AnalysisFinding> findings = new ArrayList<>();

    protected Analysis() {
    }

    Analysis(String publicId, String fileName, Instant createdAt) {
        this.publicId = publicId;
        this.fileName = fileName;
        this.createdAt = createdAt;
    }

    /** Where the analysis stands with the gate; a reason exactly when rejected. */
    void decide(AnalysisStatus status, String rule, String reason, String suggestion) {
        this.status = status;
        this.rejectionRule = rule;
        this.rejectionReason = reason;
        this.rejectionSuggestion = suggestion;
    }

    void owner(Long ownerId, Long patientId, LocalDate studyDate, String note, Instant expiresAt) {
        this.ownerId = ownerId;
        this.patientId = patientId;
        this.studyDate = studyDate;
        this.note = note;
        this.expiresAt = expiresAt;
    }

    void model(String name, String version, String embeddingSpace) {
        this.modelName = name;
        this.modelVersion = version;
        this.embeddingSpace = embeddingSpace;
    }

    void image(String format, int width, int height, long sizeBytes, int bitDepth) {
        this.imageFormat = format;
        this.imageWidth = width;
        this.imageHeight = height;
        this.imageSizeBytes = sizeBytes;
        this.imageBitDepth = bitDepth;
    }

    void anomaly(double mse, double kl, double negElbo, double msePct, double klPct, double negElboPct, byte[] map,
                 int width, int height) {
        this.anomalyMse = mse;
        this.anomalyKl = kl;
        this.anomalyNegElbo = negElbo;
        this.anomalyMsePercentile = msePct;
        this.anomalyKlPercentile = klPct;
        this.anomalyNegElboPercentile = negElboPct;
        this.anomalyMap = map;
        this.anomalyMapWidth = width;
        this.anomalyMapHeight = height;
    }

    void maps(byte[] embedding, int camWidth, int camHeight, Map<String, Double> gateFeatures, Map<String, Double> timings) {
        this.embedding = embedding;
        this.camWidth = camWidth;
        this.camHeight = camHeight;
        this.gateFeatures = gateFeatures;
        this.timings = timings;
    }

    /** Visible to the requester: its owner, or anyone with the link while an anonymous analysis is kept. */
    boolean visibleTo(java.util.Optional<Long> requesterId, Instant now) {
        if (ownerId != null) {
            return requesterId.map(ownerId::equals).orElse(false);
        }
        return expiresAt == null || expiresAt.isAfter(now);
    }

    Long getId() {
        return id;
    }

    String getPublicId() {
        return publicId;
    }

    Long getOwnerId() {
        return ownerId;
    }

    void setOwnerId(Long ownerId) {
        this.ownerId = ownerId;
    }

    Long getPatientId() {
        return patientId;
    }

    void setPatientId(Long patientId) {
        this.patientId = patientId;
    }

    LocalDate getStudyDate() {
        return studyDate;
    }

    void setStudyDate(LocalDate studyDate) {
        this.studyDate = studyDate;
    }

    String getNote() {
        return note;
    }

    String getFileName() {
        return fileName;
    }

    AnalysisStatus getStatus() {
        return status;
    }

    String getRejectionRule() {
        return rejectionRule;
    }

    String getRejectionReason() {
        return rejectionReason;
    }

    String getRejectionSuggestion() {
        return rejectionSuggestion;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    Instant getExpiresAt() {
        return expiresAt;
    }

    void setExpiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }

    String getModelName() {
        return modelName;
    }

    String getModelVersion() {
        return modelVersion;
    }

    String getImageFormat() {
        return imageFormat;
    }

    int getImageWidth() {
        return imageWidth;
    }

    int getImageHeight() {
        return imageHeight;
    }

    int getImageBitDepth() {
        return imageBitDepth;
    }

    long getImageSizeBytes() {
        return imageSizeBytes;
    }

    double getAnomalyMse() {
        return anomalyMse;
    }

    double getAnomalyKl() {
        return anomalyKl;
    }

    double getAnomalyNegElbo() {
        return anomalyNegElbo;
    }

    double getAnomalyMsePercentile() {
        return anomalyMsePercentile;
    }

    double getAnomalyKlPercentile() {
        return anomalyKlPercentile;
    }

    double getAnomalyNegElboPercentile() {
        return anomalyNegElboPercentile;
    }

    byte[] getAnomalyMap() {
        return anomalyMap;
    }

    int getAnomalyMapWidth() {
        return anomalyMapWidth;
    }

    int getAnomalyMapHeight() {
        return anomalyMapHeight;
    }

    byte[] getEmbedding() {
        return embedding;
    }

    String getEmbeddingSpace() {
        return embeddingSpace;
    }

    int getCamWidth() {
        return camWidth;
    }

    int getCamHeight() {
        return camHeight;
    }

    Map<String, Double> getGateFeatures() {
        return gateFeatures;
    }

    Map<String, Double> getTimings() {
        return timings;
    }

    Set<String> getConfirmedFindings() {
        return confirmedFindings == null ? Set.of() : confirmedFindings;
    }

    void setConfirmedFindings(Set<String> codes) {
        this.confirmedFindings = new TreeSet<>(codes);
    }

    List<AnalysisFinding> getFindings() {
        return findings;
    }
}
