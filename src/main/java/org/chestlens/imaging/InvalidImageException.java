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

    /** Decoding ran out of memory: the file may be fine, the server was too busy; say so, never "damaged". */
    static InvalidImageException busy(Throwable cause) {
        return new InvalidImageException(ImageProblem.BUSY, "The server is busy with other large images and could not "
                + "read this one now. Nothing was stored; please try again in a minute.", cause);
    }

    static InvalidImageException corrupt(String what) {
        return new InvalidImageException(ImageProblem.CORRUPT,
                "The file could not be read: " + what + ". It may be truncated or damaged; please upload it again.");
    }
}
