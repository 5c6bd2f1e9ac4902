package org.chestlens.analysis;

/**
 * Why an upload was refused before any analysis. Stable machine codes for the REST API; the HTTP status
 * each suggests is a hint for problem+json mapping.
 */
public enum UploadProblem {
    /** No bytes at all. */
    EMPTY(400),
    /** Larger than {@code chestlens.upload.max-bytes}. */
    TOO_LARGE(413),
    /** Not PNG, JPEG or DICOM (judged from the bytes, not the file name). */
    UNSUPPORTED_FORMAT(415),
    /** More pixels than {@code chestlens.upload.max-pixels}, read from the header before decoding. */
    TOO_MANY_PIXELS(422),
    /** A side shorter than {@code chestlens.upload.min-side}. */
    TOO_SMALL(422),
    /** Truncated or damaged file. */
    CORRUPT(422),
    /** A DICOM object without pixel data (report, presentation state, ...). */
    DICOM_NOT_IMAGE(422),
    /** A DICOM object with more than one frame (cine, tomosynthesis, ...). */
    DICOM_MULTIFRAME(422),
    /** A DICOM encoding this server cannot read (e.g. JPEG-LS, subsampled 12-bit colour), or a data set it will not parse (sequences nested too deep). */
    DICOM_UNSUPPORTED(422),
    /** A detail of the request is invalid (study date in the future, note too long, unknown patient...). */
    INVALID_DETAILS(400),
    /** Not the file's fault: too many large images are being analysed; try again later (Retry-After). */
    BUSY(503);

    private final int httpStatus;

    UploadProblem(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status that fits this problem. */
    public int httpStatus() {
        return httpStatus;
    }
}
