package org.chestlens.accounts;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * NIST 800-63B style: long enough, not absurdly long (bcrypt reads 72 bytes), not a well-known
 * password and not built from the user's own email or name. No composition rules.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 72;

    private static final Set<String> COMMON = Set.of(
            "password", "password1", "password12", "password123", "password1234", "passw0rd",
            "1234567890", "12345678910", "0123456789", "9876543210", "1111111111", "0000000000",
            "qwertyuiop", "qwerty1234", "qwerty12345", "1q2w3e4r5t", "1qaz2wsx3edc", "asdfghjkl",
            "iloveyou12", "letmein123", "welcome123", "welcome1234", "admin12345", "administrator",
            "changeme123", "trustno1234", "football123", "baseball123", "sunshine123", "princess123",
            "dragon1234", "monkey1234", "abcdefghij", "abc1234567", "aaaaaaaaaa", "chestlens123",
            "chestlens", "doctor1234", "hospital123", "radiology1", "radiology123", "xray123456");

    private PasswordPolicy() {
    }

    /** The reason the password is refused, or empty when it is acceptable. */
    public static Optional<String> problem(String password, String email, String displayName) {
        if (password == null || password.isEmpty()) {
            return Optional.of("Enter a password.");
        }
        if (password.length() < MIN_LENGTH) {
            return Optional.of("Use at least " + MIN_LENGTH + " characters.");
        }
        if (password.length() > MAX_LENGTH) {
            return Optional.of("Use at most " + MAX_LENGTH + " characters.");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (COMMON.contains(lower) || password.chars().distinct().count() < 4) {
            return Optional.of("This password is too easy to guess. Try a short phrase of unrelated words.");
        }
        String localPart = Account.normalizeEmail(email).split("@")[0];
        if (localPart.length() >= 4 && lower.contains(localPart)) {
            return Optional.of("Do not build the password from your email address.");
        }
        if (displayName != null && displayName.trim().length() >= 4
                && lower.contains(displayName.trim().toLowerCase(Locale.ROOT))) {
            return Optional.of("Do not build the password from your name.");
        }
        return Optional.empty();
    }
}
