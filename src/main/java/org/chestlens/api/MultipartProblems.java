package org.chestlens.api;

import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.tomcat.util.http.fileupload.InvalidFileNameException;
import org.apache.tomcat.util.http.fileupload.MultipartStream;
import org.apache.tomcat.util.http.fileupload.impl.FileCountLimitExceededException;
import org.apache.tomcat.util.http.fileupload.impl.SizeException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;

/**
 * A multipart request that cannot be parsed fails before any controller is chosen, so advice limited to the API's
 * controllers ({@link ApiProblems}) never sees it, and unhandled it ended on the error page of the web UI (a
 * redirect to the sign-in page). This advice applies everywhere (Vaadin's uploads do not use Spring's multipart
 * handling) and tells what was wrong: too large, a file name too long or with a NUL, too many parts, no boundary,
 * cut short, too slow. Spring reports Tomcat's part-header limit as "upload too large"; the cause says which.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
@RestControllerAdvice
class MultipartProblems {

    private final DataSize maxBytes;
    private final DataSize maxPartHeader;

    MultipartProblems(@Value("${chestlens.upload.max-bytes:30MB}") DataSize maxBytes,
                      @Value("${server.tomcat.max-part-header-size:512B}") DataSize maxPartHeader) {
        this.maxBytes = maxBytes;
        this.maxPartHeader = maxPartHeader;
    }

    @ExceptionHandler(MultipartException.class)
    ProblemDetail refused(MultipartException e) {
        List<Throwable> causes = new ArrayList<>();
        for (Throwable cause = e.getCause(); cause != null && !causes.contains(cause); cause = cause.getCause()) {
            causes.add(cause);
        }
        // Most specific first: Tomcat wraps its parser's findings in generic upload and client-abort exceptions.
        if (has(causes, SocketTimeoutException.class)) {
            return refused(HttpStatus.REQUEST_TIMEOUT, "The upload was too slow and was stopped. Check the connection "
                    + "and try again.", "request-timeout");
        }
        if (has(causes, InvalidFileNameException.class)) {
            return refused(HttpStatus.BAD_REQUEST, "The file name contains a character that is not allowed (such as NUL). "
                    + "Rename the file and upload it again.", "invalid-file-name");
        }
        if (has(causes, FileCountLimitExceededException.class)) {
            return refused(HttpStatus.BAD_REQUEST, "The request has too many parts. Send one file in a part named 'file' "
                    + "and the details as form fields.", "too-many-parts");
        }
        // Tomcat's limit on one part's headers (the file name, mostly) reports as a size limit as well.
        if (causes.stream().anyMatch(c -> c instanceof SizeException && String.valueOf(c.getMessage()).startsWith("Header section"))) {
            return refused(HttpStatus.BAD_REQUEST, "The file name is too long (a part's headers may have at most "
                    + maxPartHeader.toBytes() + " bytes). Rename the file and upload it again.", "file-name-too-long");
        }
        if (has(causes, SizeException.class) || e instanceof MaxUploadSizeExceededException) {
            return refused(HttpStatus.PAYLOAD_TOO_LARGE, "The file is larger than the " + maxBytes.toMegabytes()
                    + " MB the server accepts. Export the X-ray at a lower resolution or as JPEG/PNG.", "too-large");
        }
        if (has(causes, MultipartStream.MalformedStreamException.class) || has(causes, EOFException.class)
                || has(causes, ClientAbortException.class)) {
            return refused(HttpStatus.BAD_REQUEST, "The upload ended before it was complete. Send the file again.",
                    "incomplete-upload");
        }
        if (causes.isEmpty() && String.valueOf(e.getMessage()).contains("not a multipart request")) {
            return ApiProblems.problem(HttpStatus.BAD_REQUEST, "No file",
                    "Send the X-ray as multipart/form-data in a part named 'file'.", "missing-file");
        }
        return refused(HttpStatus.BAD_REQUEST, "The request is not valid multipart/form-data (no boundary, or parts that "
                + "cannot be read). Send the X-ray as multipart/form-data in a part named 'file'.", "malformed-multipart");
    }

    private static boolean has(List<Throwable> causes, Class<? extends Throwable> type) {
        return causes.stream().anyMatch(type::isInstance);
    }

    private static ProblemDetail refused(HttpStatus status, String detail, String code) {
        return ApiProblems.problem(status, "Upload refused", detail, code);
    }
}
