package org.chestlens.security;

import com.vaadin.flow.spring.security.AuthenticationContext;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** Who is signed in, for views and services; empty for anonymous visitors. */
@Component
public class CurrentUser {

    private final AuthenticationContext authenticationContext;

    CurrentUser(AuthenticationContext authenticationContext) {
        this.authenticationContext = authenticationContext;
    }

    public Optional<ChestLensPrincipal> get() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof ChestLensPrincipal principal) {
            return Optional.of(principal);
        }
        return Optional.empty();
    }

    public Optional<Long> accountId() {
        return get().map(ChestLensPrincipal::accountId);
    }

    /** The id of the signed-in account; for code that only runs behind an access rule. */
    public long requireAccountId() {
        return accountId().orElseThrow(() -> new IllegalStateException("No signed-in user"));
    }

    /** Shows a changed display name at once, without signing in again. */
    public void displayNameChanged(String displayName) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof ChestLensPrincipal principal) {
            ChestLensPrincipal renamed = principal.withDisplayName(displayName);
            SecurityContextHolder.getContext().setAuthentication(
                    UsernamePasswordAuthenticationToken.authenticated(renamed, null, renamed.getAuthorities()));
        }
    }

    public void logout() {
        authenticationContext.logout();
    }
}
