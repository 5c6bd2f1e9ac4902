package org.chestlens.api;

import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.util.NoSuchElementException;
import org.chestlens.analysis.AnalysisUnavailableException;
import org.chestlens.analysis.InvalidUploadException;
import org.chestlens.patients.PatientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/**
 * Every API error as RFC 9457 problem+json with a sentence a person understands and a stable
 * {@code code}; never a stack trace, never a 500 for bad input.
 */
// Before Spring Boot's generic problem-details advice, so API errors always carry a human detail and a code.
// After UploadLimitProblem, whose exception is also a MultipartException.
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
@RestControllerAdvice(basePackageClasses = ApiProblems.class)
class ApiProblems {

    private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);

    /** A resource the caller may not see answers exactly like one that does not exist. */
    static final class NotFound extends RuntimeException {
        NotFound(String what) {
            super(what);
        }
    }

    static ProblemDetail problem(HttpStatusCode status, String title, String detail, String code) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("https://chestlens.org/problems/" + code));
        problem.setProperty("code", code);
        return problem;
    }

    @ExceptionHandler(InvalidUploadException.class)
    ProblemDetail invalidUpload(InvalidUploadException e) {
        String code = e.problem().name().toLowerCase().replace('_', '-');
        return problem(HttpStatus.valueOf(e.problem().httpStatus()), "Upload refused", e.getMessage(), code);
    }

    @ExceptionHandler({MissingServletRequestPartException.class, MultipartException.class})
    ProblemDetail missingFile(Exception e) {
        return problem(HttpStatus.BAD_REQUEST, "No file",
                "Send the X-ray as multipart/form-data in a part named 'file'.", "missing-file");
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class,
            ConstraintViolationException.class, IllegalArgumentException.class})
    ProblemDetail badParameter(Exception e) {
        String detail = e instanceof MethodArgumentTypeMismatchException m
                ? "The value of '" + m.getName() + "' is not valid."
                : e instanceof MissingServletRequestParameterException m
                ? "The parameter '" + m.getParameterName() + "' is required."
                : e.getMessage() == null ? "A parameter is not valid." : e.getMessage();
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", detail, "invalid-request");
    }

    @ExceptionHandler(PatientException.class)
    ProblemDetail invalidPatient(PatientException e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_ENTITY, "Invalid patient details", e.getMessage(),
                "invalid-patient");
        if (e.field() != null) {
            problem.setProperty("field", e.field());
        }
        return problem;
    }

    @ExceptionHandler({NotFound.class, NoSuchElementException.class})
    ProblemDetail notFound(RuntimeException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found",
                e.getMessage() == null ? "There is nothing here for you." : e.getMessage(), "not-found");
    }

    @ExceptionHandler(AnalysisUnavailableException.class)
    ProblemDetail unavailable(AnalysisUnavailableException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Analysis unavailable", e.getMessage(), "unavailable");
    }

    @ExceptionHandler(AuthenticationCredentialsNotFoundException.class)
    ProblemDetail unauthenticated(Exception e) {
        return problem(HttpStatus.UNAUTHORIZED, "Sign-in required",
                "Send a personal API token: Authorization: Bearer <token>.", "unauthorized");
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ProblemDetail> denied(AccessDeniedException e, java.security.Principal principal) {
        // Anonymous callers need a token; signed-in callers lack the right.
        return principal == null
                ? ResponseEntity.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer")
                        .body(problem(HttpStatus.UNAUTHORIZED, "Sign-in required",
                                "Send a personal API token: Authorization: Bearer <token>.", "unauthorized"))
                : ResponseEntity.status(HttpStatus.FORBIDDEN)
                        .body(problem(HttpStatus.FORBIDDEN, "Not allowed", "Your account may not use this operation.", "forbidden"));
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        if (e instanceof ErrorResponse spring) {
            // Spring MVC's own refusals (wrong method, media type, unreadable body...) keep their 4xx status.
            HttpStatusCode status = spring.getStatusCode();
            String detail = spring.getBody().getDetail() == null ? "The request is not valid." : spring.getBody().getDetail();
            return problem(status, HttpStatus.valueOf(status.value()).getReasonPhrase(), detail,
                    "http-" + status.value());
        }
        log.error("Unexpected API error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong",
                "The server could not complete the request. It has been logged; please try again.", "internal-error");
    }
}
