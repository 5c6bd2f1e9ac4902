package org.chestlens.security;

import java.util.Collection;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;

/**
 * The signed-in user as Spring Security sees it: the account id and display name travel with the
 * authentication so views and services never look them up per request. Equality is by user name
 * (the email), which the session registry relies on to end a disabled user's sessions.
 */
public class ChestLensPrincipal extends User {

    private final long accountId;
    private final String displayName;

    public ChestLensPrincipal(long accountId, String email, String displayName, String passwordHash,
                              boolean enabled, Collection<? extends GrantedAuthority> authorities) {
        super(email, passwordHash, enabled, true, true, true, authorities);
        this.accountId = accountId;
        this.displayName = displayName;
    }

    public long accountId() {
        return accountId;
    }

    public String displayName() {
        return displayName;
    }

    public boolean isAdmin() {
        return getAuthorities().stream().anyMatch(a -> Roles.ADMIN_AUTHORITY.equals(a.getAuthority()));
    }

    /** The same principal under a new display name (the password hash is not kept in sessions). */
    public ChestLensPrincipal withDisplayName(String newDisplayName) {
        return new ChestLensPrincipal(accountId, getUsername(), newDisplayName, "", isEnabled(), getAuthorities());
    }
}
