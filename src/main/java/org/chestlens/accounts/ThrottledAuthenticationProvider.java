package org.chestlens.accounts;

import java.time.Duration;
import java.util.Optional;
import org.chestlens.audit.AuditTrail;
import org.springframework.security.authentication.AccountExpiredException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.CredentialsExpiredException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Password sign-in with brute-force throttling ({@link LoginThrottle}): refused outright while the account is
 * locked; from a locked client address, one password check per interval; every wrong password counts against both.
 * Whether an account is disabled is only said after its correct password, so the answer to a wrong password is the
 * same for every account.
 */
@Component
class ThrottledAuthenticationProvider extends DaoAuthenticationProvider {

    private final LoginThrottle throttle;
    private final AuditTrail audit;

    ThrottledAuthenticationProvider(AccountDetailsService accountDetails, PasswordEncoder passwordEncoder,
                                    LoginThrottle throttle, AuditTrail audit) {
        super(accountDetails);
        setPasswordEncoder(passwordEncoder);
        // Spring checks "disabled" before the password by default, which tells anyone who tries an email that the
        // account exists and is disabled. Here the password comes first.
        setPreAuthenticationChecks(user -> {
        });
        setPostAuthenticationChecks(user -> {
            if (!user.isAccountNonLocked()) {
                throw new LockedException("Account locked");
            }
            if (!user.isEnabled()) {
                throw new DisabledException("Account disabled");
            }
            if (!user.isAccountNonExpired()) {
                throw new AccountExpiredException("Account expired");
            }
            if (!user.isCredentialsNonExpired()) {
                throw new CredentialsExpiredException("Password expired");
            }
        });
        this.throttle = throttle;
        this.audit = audit;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String email = Account.normalizeEmail(authentication.getName());
        String address = clientAddress(authentication);
        Optional<Duration> accountLock = throttle.accountLockedFor(email);
        if (accountLock.isPresent()) {
            throw new LockedException("Too many failed sign-ins. Try again in " + minutes(accountLock.get()) + ".");
        }
        boolean slowLane = throttle.addressLockedFor(address).isPresent();
        if (slowLane) {
            Optional<Duration> wait = throttle.claimCheckFromLockedAddress(address);
            if (wait.isPresent()) {
                throw new SignInThrottledException("Too many failed sign-ins from this network. Try again in "
                        + seconds(wait.get()) + ".");
            }
        }
        boolean wrongPassword = false;
        try {
            Authentication result = super.authenticate(authentication);
            throttle.recordSuccess(email);
            return result;
        } catch (BadCredentialsException e) {
            wrongPassword = true;
            throttle.recordFailure(email, address);
            if (throttle.accountLockedFor(email).isPresent() || (!slowLane && throttle.addressLockedFor(address).isPresent())) {
                audit.record(null, email, "LOGIN_LOCKED", "from " + address);
            }
            throw e;
        } finally {
            if (slowLane && !wrongPassword) {
                throttle.releaseCheckFromLockedAddress(address);
            }
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

    private static String seconds(Duration duration) {
        long seconds = Math.max(1, duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0));
        return seconds == 1 ? "1 second" : seconds + " seconds";
    }
}
