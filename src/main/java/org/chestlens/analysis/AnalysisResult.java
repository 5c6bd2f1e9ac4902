package org.chestlens.analysis;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A stored analysis as the owner (or, for an anonymous one, the link holder) sees it.
 *
 * @param publicId           the unguessable id used in links ({@code /analysis/{publicId}})
 * @param status             completed or rejected by the gate
 * @param rejection          why it was rejected and what to do instead; present exactly when REJECTED
 * @param findings           reported findings only, most probable first (ties in model-card order);
 *                           empty when REJECTED
 * @param anomaly            how unusual the image is compared with normal X-rays (present for both statuses)
 * @param heatmapFindings    finding codes a heatmap exists or can be rendered for (the findings above)
 * @param image              format and size of the upload
 * @param model              the model release that produced this
 * @param fileName           as uploaded
 * @param ownerId            empty for anonymous analyses
 * @param patientId          the owner's patient it belongs to, if any
 * @param studyDate          when the X-ray was taken, if given
 * @param note               the uploader's note, if any
 * @param confirmedFindings  finding codes the owner confirmed (feedback), empty when none
 * @param createdAt          when it was analysed
 * @param expiresAt          when an anonymous analysis is deleted; empty for owned ones
 * @param timings            how long each stage took
 */
public record AnalysisResult(String publicId, AnalysisStatus status, Optional<Rejection> rejection,
                             List<Finding> findings, AnomalyScore anomaly, List<String> heatmapFindings,
                             ImageInfo image, ModelInfo model, String fileName, Optional<Long> ownerId,
                             Optional<Long> patientId, Optional<LocalDate> studyDate, Optional<String> note,
                             Set<String> confirmedFindings, Instant createdAt, Optional<Instant> expiresAt,
                             Timings timings) {

    public boolean completed() {
        return status == AnalysisStatus.COMPLETED;
    }

    /** The reported findings decided positive, most probable first. */
    public List<Finding> positiveFindings() {
        return findings.stream().filter(Finding::positive).toList();
    }

    /**
     * The findings whose heatmaps are shown without being asked for: the positive ones that have a heatmap, most
     * probable first, sub-types after the findings they are a type of, never the normal-study finding ("No Finding"
     * is a statement about the whole image, not a region). Empty when no finding is positive.
     */
    public List<Finding> defaultHeatmapFindings() {
        return findings.stream()
                .filter(f -> f.positive() && !f.normal() && f.applicable() && heatmapFindings.contains(f.code()))
                .sorted(java.util.Comparator.comparing((Finding f) -> f.condition() != null)) // stable: keeps probability order
                .toList();
    }

    public Optional<Finding> finding(String code) {
        return findings.stream().filter(f -> f.code().equals(code)).findFirst();
    }

    /**
     * How the audit trail names this result: the start of its id and whose it is. Never the whole id, which is the
     * link that opens an anonymous result.
     */
    public String auditReference() {
        String prefix = publicId.length() > 8 ? publicId.substring(0, 8) + "\u2026" : publicId;
        return "result " + prefix + patientId.map(id -> " of patient " + id).orElse(ownerId.isEmpty() ? " (anonymous)" : "");
    }
}
