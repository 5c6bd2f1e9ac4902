package org.chestlens.patients;

/**
 * A refused patient change, with a message for people; {@code field} names the form field it
 * belongs to, or is null for the change as a whole.
 */
public class PatientException extends RuntimeException {

    private final String field;

    public PatientException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
