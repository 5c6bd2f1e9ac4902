package org.chestlens.patients;

/** Refused feedback on an analysis (unknown finding, note too long or with control characters, not yours). */
public class FeedbackException extends PatientException {

    public FeedbackException(String field, String message) {
        super(field, message);
    }
}
