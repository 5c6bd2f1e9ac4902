package org.chestlens.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;

/**
 * Turns a JSON body Jackson could not read into a problem a person can act on: which field, what was expected.
 * Codes: {@code missing-body}, {@code malformed-json}, {@code json-too-deep}, {@code invalid-value}.
 */
final class JsonBodyProblems {

    private JsonBodyProblems() {
    }

    static ProblemDetail of(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause == null) {
            return ApiProblems.problem(HttpStatus.BAD_REQUEST, "No request body",
                    "Send the details as a JSON object (Content-Type: application/json).", "missing-body");
        }
        StreamConstraintsException limit = null;
        for (Throwable c = cause; c != null && limit == null; c = c.getCause()) {
            limit = c instanceof StreamConstraintsException constraint ? constraint : null;
        }
        if (limit != null) {
            // Jackson stops at its nesting limit long before a deep document could exhaust the stack.
            return ApiProblems.problem(HttpStatus.BAD_REQUEST, "Invalid JSON", "The JSON body is nested too deeply (more "
                    + "than " + StreamReadConstraints.defaults().getMaxNestingDepth() + " levels) or holds a value too long "
                    + "for this server.", "json-too-deep");
        }
        if (cause instanceof InputCoercionException coercion) {
            return invalidValue(fieldOf(coercion), "The number " + (fieldOf(coercion) == null ? "" : "for '"
                    + fieldOf(coercion) + "' ") + "is out of range.");
        }
        if (cause instanceof JsonEOFException) {
            return ApiProblems.problem(HttpStatus.BAD_REQUEST, "Invalid JSON",
                    "The JSON body ends too early: it is cut short or a bracket is not closed.", "malformed-json");
        }
        if (cause instanceof JsonParseException parse) {
            return ApiProblems.problem(HttpStatus.BAD_REQUEST, "Invalid JSON",
                    "The body is not valid JSON" + where(parse.getLocation()) + ".", "malformed-json");
        }
        if (cause instanceof InvalidFormatException format) {
            String field = path(format);
            Class<?> type = format.getTargetType();
            String value = String.valueOf(format.getValue());
            if (value.length() > 40) {
                value = value.substring(0, 40) + "...";
            }
            String expected = type != null && type.isEnum()
                    ? "use one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf).sorted()
                            .collect(Collectors.joining(", "))
                    : "expected " + describe(type);
            return invalidValue(field, "'" + value + "' is not a valid value" + (field.isEmpty() ? "" : " for '" + field + "'")
                    + ": " + expected + ".");
        }
        if (cause instanceof MismatchedInputException mismatch) {
            String field = path(mismatch);
            return invalidValue(field, (field.isEmpty() ? "The body" : "The value of '" + field + "'")
                    + " has the wrong type: expected " + describe(mismatch.getTargetType()) + ".");
        }
        if (cause instanceof JsonMappingException mapping) {
            String field = path(mapping);
            return invalidValue(field, (field.isEmpty() ? "The body" : "The value of '" + field + "'") + " is not valid.");
        }
        return ApiProblems.problem(HttpStatus.BAD_REQUEST, "Invalid JSON", "The body is not valid JSON.", "malformed-json");
    }

    private static ProblemDetail invalidValue(String field, String detail) {
        ProblemDetail problem = ApiProblems.problem(HttpStatus.BAD_REQUEST, "Invalid value", detail, "invalid-value");
        if (field != null && !field.isEmpty()) {
            problem.setProperty("field", field);
        }
        return problem;
    }

    /** "verdicts.pneumonia", "birthYear": the JSON path of the refused value. */
    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String fieldOf(InputCoercionException e) {
        try {
            return e.getProcessor() == null ? null : e.getProcessor().getParsingContext().getCurrentName();
        } catch (RuntimeException ignored) {
            return null;
        }
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return type.getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

}
