package org.chestlens.imaging;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Who and when a DICOM file says it shows: the Patient ID (0010,0020) and Study Date (0008,0020), read from the
 * header only. For grouping the files of a batch upload; callers must not store the patient ID as it is.
 *
 * @param patientId the ID as written (trimmed), empty when absent or blank
 * @param studyDate the study date, empty when absent or not a valid date
 */
public record DicomStudyTags(Optional<String> patientId, Optional<LocalDate> studyDate) {

    /** The tags of a DICOM Part 10 file; both empty for any other file or a header that cannot be read. */
    public static DicomStudyTags read(byte[] file) {
        if (ImageFormat.detect(file).filter(ImageFormat.DICOM::equals).isEmpty()) {
            return new DicomStudyTags(Optional.empty(), Optional.empty());
        }
        String[] tags = DicomDecoder.studyTags(file);
        return new DicomStudyTags(Optional.ofNullable(tags[0]).filter(id -> !id.isBlank()), date(tags[1]));
    }

    private static Optional<LocalDate> date(String value) {
        if (value == null || value.length() != 8) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(value, DateTimeFormatter.BASIC_ISO_DATE));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
