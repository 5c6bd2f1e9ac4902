package org.chestlens.worklist;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * One study waiting for review.
 *
 * @param publicId          the analysis' link id ({@code /analysis/{publicId}})
 * @param patientId         the owner's patient it is filed under, if any
 * @param patientReference  that patient's pseudonymous reference
 * @param studyDate         when the X-ray was taken, if given
 * @param createdAt         when it was analysed
 * @param fileName          as uploaded
 * @param topFindings       the positive reported findings other than the normal-study finding, most urgent first
 *                          (by probability relative to threshold); empty when none is positive
 * @param anomalyPercentile more unusual than this percentage of normal X-rays
 * @param urgency           its place in the order ({@link Urgency})
 */
public record WorklistEntry(String publicId, Optional<Long> patientId, Optional<String> patientReference,
                            Optional<LocalDate> studyDate, Instant createdAt, String fileName,
                            List<TopFinding> topFindings, double anomalyPercentile, Urgency urgency) {

    /** The date lists show and filter on: the study date, or the day it was analysed when none was given. */
    public LocalDate listedDate(java.time.ZoneId zone) {
        return studyDate.orElseGet(() -> LocalDate.ofInstant(createdAt, zone));
    }

    /** A positive finding as the worklist shows it. */
    public record TopFinding(String code, String label, double probability, double threshold) {
    }
}
