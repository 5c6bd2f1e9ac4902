package org.chestlens.accounts;

import java.time.Duration;
import org.chestlens.audit.AuditTrail;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Password sign-in with brute-force throttling: refused outright while the account or the client
 * address is locked, and every wrong password counts against both.
 */
@Component
class ThrottledAuthenticationProvider extends DaoAuthenticationProvider {

    private final LoginThrottle throttle;
    private final AuditTrail audit;

    ThrottledAuthenticationProvider(AccountDetailsService accountDetails, PasswordEncoder passwordEncoder,
                                    LoginThrottle throttle, AuditTrail audit) {
        super(accountDetails);
        setPasswordEncoder(passwordEncoder);
        this.throttle = throttle;
        this.audit = audit;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String email = Account.normalizeEmail(authentication.getName());
        String address = clientAddress(authentication);
        Duration locked = throttle.lockedFor(email, address).orElse(null);
        if (locked != null) {
            throw new LockedException("Too many failed sign-ins. Try again in " + minutes(locked) + ".");
        }
        try {
            Authentication result = super.authenticate(authentication);
            throttle.recordSuccess(email);
            return result;
        } catch (BadCredentialsException e) {
            throttle.recordFailure(email, address);
            if (throttle.lockedFor(email, address).isPresent()) {
                audit.record(null, email, "LOGIN_LOCKED", "from " + address);
            }
            throw e;
        }
    }

    private static String clientAddress(Authentication authentication) {
        return authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress() : null;
    }

    private static String minutes(Duration duration) {
        long minutes = Math.max(1, (duration.getSeconds() + 59) / 60);
        return minutes == 1 ? "1 minute" : minutes + " minutes";
    }
}
