package org.chestlens.analysis;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One line of a history or timeline: enough to list analyses without loading images.
 *
 * @param publicId          link id
 * @param status            completed or rejected
 * @param createdAt         when analysed
 * @param studyDate         when taken, if given
 * @param patientId         the owner's patient, if attached
 * @param fileName          as uploaded
 * @param positiveFindings  reported findings decided positive, most probable first (empty when rejected)
 * @param probabilities     reported finding code to probability (empty when rejected), for charts over time; without
 *                          the findings that do not apply to the study (see {@link Finding#applicable()})
 * @param anomalyPercentile "more unusual than N% of normal X-rays"
 */
public record AnalysisSummary(String publicId, AnalysisStatus status, Instant createdAt, Optional<LocalDate> studyDate,
                              Optional<Long> patientId, String fileName, List<String> positiveFindings,
                              Map<String, Double> probabilities, double anomalyPercentile) {
}
