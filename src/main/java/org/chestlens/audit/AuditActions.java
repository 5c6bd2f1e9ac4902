package org.chestlens.audit;

import java.util.Locale;
import java.util.Map;

/**
 * Readable names for the action codes the audit trail stores. Codes stay as recorded (stable for exports and
 * filters); a code without a name here reads as its words ("REFERENCES_IMPORTED": "References imported").
 */
public final class AuditActions {

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("LOGIN", "Signed in"),
            Map.entry("LOGOUT", "Signed out"),
            Map.entry("LOGIN_LOCKED", "Sign-in locked after failed attempts"),
            Map.entry("ACCOUNT_REGISTERED", "Account registered"),
            Map.entry("ACCOUNT_DELETED", "Account deleted"),
            Map.entry("ACCOUNT_ENABLED", "Account enabled"),
            Map.entry("ACCOUNT_DISABLED", "Account disabled"),
            Map.entry("ADMIN_GRANTED", "Administrator role granted"),
            Map.entry("ADMIN_REVOKED", "Administrator role revoked"),
            Map.entry("PASSWORD_CHANGED", "Password changed"),
            Map.entry("API_TOKEN_CREATED", "API token created"),
            Map.entry("API_TOKEN_REVOKED", "API token revoked"),
            Map.entry("PATIENT_CREATED", "Patient created"),
            Map.entry("PATIENT_VIEWED", "Patient viewed"),
            Map.entry("PATIENT_DELETED", "Patient deleted"),
            Map.entry("RESULT_VIEWED", "Result viewed"),
            Map.entry("FEEDBACK_SAVED", "Feedback saved"),
            Map.entry("AUDIT_EXPORTED", "Audit trail exported"));

    private AuditActions() {
    }

    public static String label(String code) {
        String name = NAMES.get(code);
        if (name != null) {
            return name;
        }
        String words = code.replace('_', ' ').toLowerCase(Locale.ROOT).trim();
        return words.isEmpty() ? code : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
