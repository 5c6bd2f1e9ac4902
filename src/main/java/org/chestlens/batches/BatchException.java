package org.chestlens.batches;

/** A batch request that cannot be accepted as a whole (no files at all, a patient that is not the caller's). */
public class BatchException extends RuntimeException {

    /** What the caller got wrong. */
    public enum Kind { NO_FILES, NO_SUCH_PATIENT }

    private final Kind kind;

    BatchException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
