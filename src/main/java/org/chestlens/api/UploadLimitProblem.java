package org.chestlens.api;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;

/**
 * A too-large multipart upload fails while the request is parsed, before any controller is chosen, so advice
 * limited to the API's controllers ({@link ApiProblems}) never sees it. This one applies everywhere (Vaadin's
 * uploads do not use Spring's multipart handling) and answers like every other refused upload.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
@RestControllerAdvice
class UploadLimitProblem {

    private final DataSize maxBytes;

    UploadLimitProblem(@Value("${chestlens.upload.max-bytes:30MB}") DataSize maxBytes) {
        this.maxBytes = maxBytes;
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ProblemDetail tooLarge(MaxUploadSizeExceededException e) {
        return ApiProblems.problem(HttpStatus.PAYLOAD_TOO_LARGE, "Upload refused",
                "The file is larger than the " + maxBytes.toMegabytes() + " MB the server accepts. Export the X-ray at a "
                        + "lower resolution or as JPEG/PNG.", "too-large");
    }
}
