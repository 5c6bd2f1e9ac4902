package org.chestlens.security;

import java.util.Collection;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;

/**
 * The signed-in user as Spring Security sees it: the account id and display name travel with the
 * authentication so views and services never look them up per request. Equality is by user name
 * (the email), which the session registry relies on to end a disabled user's sessions. {@code sessionVersion} is
 * the account's session version at sign-in: a session whose account has moved on since then ends, on any node.
 */
public class ChestLensPrincipal extends User {

    private final long accountId;
    private final String displayName;
    private final long sessionVersion;

    public ChestLensPrincipal(long accountId, String email, String displayName, String passwordHash,
                              boolean enabled, Collection<? extends GrantedAuthority> authorities) {
        this(accountId, email, displayName, passwordHash, enabled, authorities, 0);
    }

    public ChestLensPrincipal(long accountId, String email, String displayName, String passwordHash,
                              boolean enabled, Collection<? extends GrantedAuthority> authorities, long sessionVersion) {
        super(email, passwordHash, enabled, true, true, true, authorities);
        this.accountId = accountId;
        this.displayName = displayName;
        this.sessionVersion = sessionVersion;
    }

    public long accountId() {
        return accountId;
    }

    public String displayName() {
        return displayName;
    }

    public long sessionVersion() {
        return sessionVersion;
    }

    public boolean isAdmin() {
        return getAuthorities().stream().anyMatch(a -> Roles.ADMIN_AUTHORITY.equals(a.getAuthority()));
    }

    /** The same principal under a new display name (the password hash is not kept in sessions). */
    public ChestLensPrincipal withDisplayName(String newDisplayName) {
        return new ChestLensPrincipal(accountId, getUsername(), newDisplayName, "", isEnabled(), getAuthorities(),
                sessionVersion);
    }
}
