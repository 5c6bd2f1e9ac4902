package org.chestlens.accounts;

/**
 * A refused account change with a message for people; {@code field} names the form field it
 * belongs to (or is null for the form as a whole).
 */
public class AccountException extends RuntimeException {

    private final String field;

    public AccountException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
