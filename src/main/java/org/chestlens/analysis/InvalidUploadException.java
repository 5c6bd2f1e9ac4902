package org.chestlens.analysis;

import java.util.Optional;

/**
 * The upload was refused and nothing was stored. {@link #getMessage()} is a complete sentence for the
 * person who uploaded; {@link #problem()} the machine code; {@link #field()} the request detail at fault
 * ({@code studyDate}, {@code note}, ...) when it is one of them rather than the file.
 */
public class InvalidUploadException extends RuntimeException {

    private final UploadProblem problem;
    private final String field;

    public InvalidUploadException(UploadProblem problem, String message) {
        this(problem, null, message);
    }

    public InvalidUploadException(UploadProblem problem, String field, String message) {
        super(message);
        this.problem = problem;
        this.field = field;
    }

    public UploadProblem problem() {
        return problem;
    }

    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
