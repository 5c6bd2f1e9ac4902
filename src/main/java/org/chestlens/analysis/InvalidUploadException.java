package org.chestlens.analysis;

/**
 * The upload was refused and nothing was stored. {@link #getMessage()} is a complete sentence for the
 * person who uploaded; {@link #problem()} the machine code.
 */
public class InvalidUploadException extends RuntimeException {

    private final UploadProblem problem;

    public InvalidUploadException(UploadProblem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public UploadProblem problem() {
        return problem;
    }
}
