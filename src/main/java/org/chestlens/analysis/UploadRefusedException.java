package org.chestlens.analysis;

import java.util.Optional;

/**
 * A refusal found before the upload reaches the pipeline (e.g. a study date in the future, a patient
 * that is not the caller's), with a message for people. {@link XrayUpload} shows it beside the drop zone;
 * {@link #field()} names the request detail at fault ({@code studyDate}, {@code note}, {@code patientId}).
 */
public class UploadRefusedException extends RuntimeException {

    private final String field;

    public UploadRefusedException(String message) {
        this(null, message);
    }

    public UploadRefusedException(String field, String message) {
        super(message);
        this.field = field;
    }

    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
