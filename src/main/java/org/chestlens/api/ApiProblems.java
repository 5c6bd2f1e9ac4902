package org.chestlens.api;

import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.time.LocalDate;
import java.util.NoSuchElementException;
import org.chestlens.analysis.AnalysisUnavailableException;
import org.chestlens.analysis.InvalidUploadException;
import org.chestlens.analysis.UploadProblem;
import org.chestlens.analysis.UploadRefusedException;
import org.chestlens.patients.FeedbackException;
import org.chestlens.patients.PatientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/**
 * Every API error as RFC 9457 problem+json with a sentence a person understands and a stable
 * {@code code}; never a stack trace, never a 500 for bad input. The codes are listed in README.md ("REST API").
 */
// Before Spring Boot's generic problem-details advice, so API errors always carry a human detail and a code.
// After MultipartProblems, which answers for multipart requests that never reached a controller.
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
@RestControllerAdvice(basePackageClasses = ApiProblems.class)
class ApiProblems {

    private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);

    /** How long a client told "busy, try again" should wait, in seconds. */
    static final int RETRY_BUSY_SECONDS = 10;

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
    ResponseEntity<ProblemDetail> invalidUpload(InvalidUploadException e) {
        String code = e.problem().name().toLowerCase().replace('_', '-');
        ProblemDetail problem = problem(HttpStatus.valueOf(e.problem().httpStatus()),
                e.problem() == UploadProblem.BUSY ? "Busy, try again" : "Upload refused", e.getMessage(), code);
        e.field().ifPresent(field -> problem.setProperty("field", field));
        ResponseEntity.BodyBuilder response = ResponseEntity.status(problem.getStatus());
        if (e.problem() == UploadProblem.BUSY) {
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_BUSY_SECONDS));
        }
        return response.body(problem);
    }

    /** A detail of an upload (study date, note, patient) refused before the file was looked at. */
    @ExceptionHandler(UploadRefusedException.class)
    ProblemDetail refusedUpload(UploadRefusedException e) {
        if (e.field().filter("patientId"::equals).isPresent()) {
            // Another clinician's patient answers exactly like one that does not exist.
            return problem(HttpStatus.NOT_FOUND, "Not found", "No such patient.", "not-found");
        }
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Upload refused", e.getMessage(), "invalid-details");
        e.field().ifPresent(field -> problem.setProperty("field", field));
        return problem;
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    ProblemDetail missingFile(MissingServletRequestPartException e) {
        return problem(HttpStatus.BAD_REQUEST, "No file",
                "Send the X-ray as multipart/form-data in a part named 'file'.", "missing-file");
    }

    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail invalidParameter(InvalidParameterException e) {
        return parameterProblem(e.parameter(), e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail mistypedParameter(MethodArgumentTypeMismatchException e) {
        Class<?> type = e.getRequiredType();
        String hint = type == LocalDate.class ? " Give a date like 2024-03-31."
                : type != null && (Number.class.isAssignableFrom(type) || type == int.class || type == long.class
                || type == double.class) ? " Give a number in range." : "";
        return parameterProblem(e.getName(), "The value of '" + e.getName() + "' is not valid." + hint);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ProblemDetail missingParameter(MissingServletRequestParameterException e) {
        return parameterProblem(e.getParameterName(), "The parameter '" + e.getParameterName() + "' is required.");
    }

    private static ProblemDetail parameterProblem(String parameter, String detail) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid parameter", detail, "invalid-parameter");
        problem.setProperty("parameter", parameter);
        return problem;
    }

    @ExceptionHandler({ConstraintViolationException.class, IllegalArgumentException.class})
    ProblemDetail badRequest(Exception e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request",
                e.getMessage() == null ? "A parameter is not valid." : e.getMessage(), "invalid-request");
    }

    /** A JSON body that cannot be read: not JSON, cut short, nested too deep, or a value of the wrong type. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadableBody(HttpMessageNotReadableException e) {
        return JsonBodyProblems.of(e);
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ProblemDetail notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return problem(HttpStatus.NOT_ACCEPTABLE, "Not acceptable", "This operation answers in JSON only: send "
                + "'Accept: application/json' or leave Accept out. Nothing was done.", "not-acceptable");
    }

    @ExceptionHandler(FeedbackException.class)
    ProblemDetail invalidFeedback(FeedbackException e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_ENTITY, "Invalid feedback", e.getMessage(),
                "invalid-feedback");
        if (e.field() != null) {
            problem.setProperty("field", e.field());
        }
        return problem;
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

    /**
     * A value the database refuses (SQL state class 22, "data exception": NUL in text, a date out of range...). The
     * checks before storing catch each known case with a better sentence; this is the net under them.
     */
    @ExceptionHandler({DataIntegrityViolationException.class, NonTransientDataAccessException.class})
    ProblemDetail refusedByDatabase(DataAccessException e) {
        if (e.getMostSpecificCause() instanceof java.sql.SQLException sql && sql.getSQLState() != null
                && sql.getSQLState().startsWith("22")) {
            log.warn("A request value was refused by the database (SQL state {}): {}", sql.getSQLState(), sql.getMessage());
            return problem(HttpStatus.BAD_REQUEST, "Invalid value", "A value in the request cannot be stored (for example "
                    + "text with a NUL character, or a date out of range). Nothing was stored.", "invalid-value");
        }
        return unexpected(e);
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
