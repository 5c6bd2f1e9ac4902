package org.chestlens.security;

/** Role names as used in {@code @RolesAllowed} (without the ROLE_ prefix), and where signing in happens. */
public final class Roles {

    public static final String CLINICIAN = "CLINICIAN";
    public static final String ADMIN = "ADMIN";
    static final String ADMIN_AUTHORITY = "ROLE_" + ADMIN;
    public static final String LOGIN_PATH = "login";

    private Roles() {
    }
}
