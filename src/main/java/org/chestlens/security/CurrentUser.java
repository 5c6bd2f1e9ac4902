package org.chestlens.security;

import com.vaadin.flow.spring.security.AuthenticationContext;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.stereotype.Component;

/** Who is signed in, for views and services; empty for anonymous visitors. */
@Component
public class CurrentUser {

    private final AuthenticationContext authenticationContext;
    /** The application context's own strategy (Vaadin registers one), as security filters and method security use. */
    private final SecurityContextHolderStrategy securityContexts;

    CurrentUser(AuthenticationContext authenticationContext, ObjectProvider<SecurityContextHolderStrategy> strategies) {
        this.authenticationContext = authenticationContext;
        this.securityContexts = strategies.getIfAvailable(SecurityContextHolder::getContextHolderStrategy);
    }

    public Optional<ChestLensPrincipal> get() {
        Authentication authentication = securityContexts.getContext().getAuthentication();
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
        Authentication authentication = securityContexts.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof ChestLensPrincipal principal) {
            ChestLensPrincipal renamed = principal.withDisplayName(displayName);
            securityContexts.getContext().setAuthentication(
                    UsernamePasswordAuthenticationToken.authenticated(renamed, null, renamed.getAuthorities()));
        }
    }

    public void logout() {
        authenticationContext.logout();
    }
}
