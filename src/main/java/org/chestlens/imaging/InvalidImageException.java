package org.chestlens.imaging;

/** An image we refuse to decode; the message is a sentence for the person who uploaded it. */
public class InvalidImageException extends RuntimeException {

    private final ImageProblem problem;

    public InvalidImageException(ImageProblem problem, String message) {
        super(message);
        this.problem = problem;
    }

    InvalidImageException(ImageProblem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public ImageProblem problem() {
        return problem;
    }

    static InvalidImageException corrupt(String what) {
        return new InvalidImageException(ImageProblem.CORRUPT,
                "The file could not be read: " + what + ". It may be truncated or damaged; please upload it again.");
    }
}
