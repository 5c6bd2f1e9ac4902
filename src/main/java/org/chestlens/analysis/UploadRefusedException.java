package org.chestlens.analysis;

/**
 * A refusal found before the upload reaches the pipeline (e.g. a study date in the future, a patient
 * that is not the caller's), with a message for people. {@link XrayUpload} shows it beside the drop zone.
 */
public class UploadRefusedException extends RuntimeException {

    public UploadRefusedException(String message) {
        super(message);
    }
}
