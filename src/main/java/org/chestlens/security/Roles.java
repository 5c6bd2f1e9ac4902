package org.chestlens.security;

/** Role names as used in {@code @RolesAllowed} (without the ROLE_ prefix). */
public final class Roles {

    public static final String CLINICIAN = "CLINICIAN";
    public static final String ADMIN = "ADMIN";
    static final String ADMIN_AUTHORITY = "ROLE_" + ADMIN;

    private Roles() {
    }
}
