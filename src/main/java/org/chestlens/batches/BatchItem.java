package org.chestlens.batches;

import java.time.LocalDate;
import java.util.Optional;

/**
 * One file of a batch as its owner sees it.
 *
 * @param position         1-based, in the order the files were read
 * @param reason           why it was refused or failed, or why its analysis was rejected
 * @param analysisId       the stored analysis (public id) once DONE
 * @param patientId        the owner's patient it is filed under, if any
 * @param patientReference that patient's reference (derived from the DICOM patient ID, or the chosen patient's)
 * @param studyDate        from the DICOM Study Date, if any
 */
public record BatchItem(int position, String fileName, BatchItemStatus status, Optional<String> reason,
                        Optional<String> analysisId, Optional<Long> patientId, Optional<String> patientReference,
                        Optional<LocalDate> studyDate) {
}
