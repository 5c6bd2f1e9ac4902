package org.chestlens.imaging;

/** Why an image was refused. */
public enum ImageProblem {
    EMPTY,
    TOO_LARGE,
    UNSUPPORTED_FORMAT,
    TOO_MANY_PIXELS,
    TOO_SMALL,
    CORRUPT,
    DICOM_NOT_IMAGE,
    DICOM_MULTIFRAME,
    DICOM_UNSUPPORTED,
    /** Not the file's fault: the server had not enough memory free to decode it now. */
    BUSY
}
