package org.chestlens.accounts;

import java.time.Clock;
import java.util.Optional;
import org.chestlens.audit.AuditTrail;
import org.chestlens.security.ChestLensPrincipal;
import org.chestlens.security.PlainText;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registration, profile changes, administration and deletion of accounts. */
@Service
public class AccountService {

    public static final int MAX_DISPLAY_NAME = 100;
    public static final int MAX_EMAIL = 254;

    private final AccountRepository accounts;
    private final PasswordEncoder passwordEncoder;
    private final SessionRegistry sessionRegistry;
    private final AuditTrail audit;
    private final Clock clock;

    AccountService(AccountRepository accounts, PasswordEncoder passwordEncoder, SessionRegistry sessionRegistry,
                   AuditTrail audit, Clock clock) {
        this.accounts = accounts;
        this.passwordEncoder = passwordEncoder;
        this.sessionRegistry = sessionRegistry;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public Account register(String email, String displayName, String password) {
        String normalized = Account.normalizeEmail(email);
        String name = displayName == null ? "" : displayName.trim();
        checkEmail(normalized);
        checkDisplayName(name);
        if (accounts.existsByEmail(normalized)) {
            throw new AccountException("email", "An account with this email already exists. Sign in instead.");
        }
        PasswordPolicy.problem(password, normalized, name).ifPresent(problem -> {
            throw new AccountException("password", problem);
        });
        Account account = accounts.save(new Account(normalized, name, passwordEncoder.encode(password), clock.instant()));
        audit.record(account.getId(), account.getEmail(), "ACCOUNT_REGISTERED", null);
        return account;
    }

    @Transactional(readOnly = true)
    public Optional<Account> find(long accountId) {
        return accounts.findById(accountId);
    }

    @Transactional
    public Account changeDisplayName(long accountId, String displayName) {
        String name = displayName == null ? "" : displayName.trim();
        checkDisplayName(name);
        Account account = require(accountId);
        account.setDisplayName(name);
        return account;
    }

    @Transactional
    public void changePassword(long accountId, String currentPassword, String newPassword) {
        Account account = require(accountId);
        if (currentPassword == null || !passwordEncoder.matches(currentPassword, account.getPasswordHash())) {
            throw new AccountException("currentPassword", "The current password is not correct.");
        }
        PasswordPolicy.problem(newPassword, account.getEmail(), account.getDisplayName()).ifPresent(problem -> {
            throw new AccountException("newPassword", problem);
        });
        if (passwordEncoder.matches(newPassword, account.getPasswordHash())) {
            throw new AccountException("newPassword", "The new password must differ from the current one.");
        }
        account.setPasswordHash(passwordEncoder.encode(newPassword));
        audit.record(account.getId(), account.getEmail(), "PASSWORD_CHANGED", null);
    }

    /**
     * Deletes the account and, through the database's cascading foreign keys, everything it owns
     * (patients, analyses, tokens). Asks for the password so a left-open session cannot do it.
     */
    @Transactional
    public void deleteOwnAccount(long accountId, String password) {
        Account account = require(accountId);
        if (password == null || !passwordEncoder.matches(password, account.getPasswordHash())) {
            throw new AccountException("password", "The password is not correct.");
        }
        if (account.isAdmin() && account.isEnabled() && accounts.countByAdminTrueAndEnabledTrue() <= 1) {
            throw new AccountException(null, "You are the last administrator. Make someone else an administrator first.");
        }
        accounts.delete(account);
        audit.record(null, account.getEmail(), "ACCOUNT_DELETED", "by its owner");
        endSessions(account.getEmail());
    }

    @Transactional(readOnly = true)
    public Page<Account> search(String text, Pageable pageable) {
        String query = text == null ? "" : text.trim();
        return accounts.findByEmailContainingIgnoreCaseOrDisplayNameContainingIgnoreCase(query, query, pageable);
    }

    @Transactional
    public Account setAdmin(long actingAdminId, long accountId, boolean admin) {
        Account account = require(accountId);
        if (!admin && account.isAdmin() && account.isEnabled() && accounts.countByAdminTrueAndEnabledTrue() <= 1) {
            throw new AccountException(null, "At least one administrator must remain.");
        }
        if (!admin && actingAdminId == accountId) {
            throw new AccountException(null, "You cannot remove your own administrator role. Ask another administrator.");
        }
        account.setAdmin(admin);
        audit.record(admin ? "ADMIN_GRANTED" : "ADMIN_REVOKED", account.getEmail());
        // Roles are read at sign-in: end the sessions so the change takes effect now (other nodes: session version).
        account.endSessions();
        endSessions(account.getEmail());
        return account;
    }

    @Transactional
    public Account setEnabled(long actingAdminId, long accountId, boolean enabled) {
        Account account = require(accountId);
        if (!enabled && actingAdminId == accountId) {
            throw new AccountException(null, "You cannot disable your own account.");
        }
        if (!enabled && account.isAdmin() && account.isEnabled() && accounts.countByAdminTrueAndEnabledTrue() <= 1) {
            throw new AccountException(null, "At least one administrator must remain.");
        }
        account.setEnabled(enabled);
        audit.record(enabled ? "ACCOUNT_ENABLED" : "ACCOUNT_DISABLED", account.getEmail());
        if (!enabled) {
            account.endSessions();
            endSessions(account.getEmail());
        }
        return account;
    }

    /** Creates the first administrator from the environment, or makes an existing account one. */
    @Transactional
    public Account ensureAdmin(String email, String password) {
        Optional<Account> existing = accounts.findByEmail(Account.normalizeEmail(email));
        if (existing.isPresent()) {
            Account account = existing.get();
            account.setAdmin(true);
            account.setEnabled(true);
            return account;
        }
        Account account = register(email, "Administrator", password);
        account.setAdmin(true);
        audit.record(account.getId(), account.getEmail(), "ADMIN_GRANTED", "bootstrap from environment");
        return account;
    }

    @EventListener
    @Transactional
    public void onSignIn(AuthenticationSuccessEvent event) {
        if (event.getAuthentication().getPrincipal() instanceof ChestLensPrincipal principal) {
            accounts.findById(principal.accountId()).ifPresent(a -> a.setLastLoginAt(clock.instant()));
            audit.record(principal.accountId(), principal.getUsername(), "LOGIN", null);
        }
    }

    @EventListener
    public void onSignOut(LogoutSuccessEvent event) {
        if (event.getAuthentication().getPrincipal() instanceof ChestLensPrincipal principal) {
            audit.record(principal.accountId(), principal.getUsername(), "LOGOUT", null);
        }
    }

    /** Ends the sessions this node holds at once; {@link AccountSessionRegistry} ends those on other nodes. */
    private void endSessions(String email) {
        for (Object principal : sessionRegistry.getAllPrincipals()) {
            if (principal instanceof ChestLensPrincipal p && p.getUsername().equals(email)) {
                sessionRegistry.getAllSessions(principal, false).forEach(SessionInformation::expireNow);
            }
        }
    }

    private Account require(long accountId) {
        return accounts.findById(accountId)
                .orElseThrow(() -> new AccountException(null, "This account no longer exists."));
    }

    private static void checkEmail(String email) {
        if (email.isEmpty()) {
            throw new AccountException("email", "Enter your email address.");
        }
        if (email.length() > MAX_EMAIL) {
            throw new AccountException("email", "An email address has at most " + MAX_EMAIL + " characters.");
        }
        if (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+") || !PlainText.isSingleLine(email)) {
            throw new AccountException("email", "Enter a valid email address, like name@hospital.org.");
        }
    }

    private static void checkDisplayName(String name) {
        if (name.isEmpty()) {
            throw new AccountException("displayName", "Enter your name as colleagues should see it.");
        }
        if (name.length() > MAX_DISPLAY_NAME) {
            throw new AccountException("displayName", "Use at most " + MAX_DISPLAY_NAME + " characters.");
        }
        if (!PlainText.isSingleLine(name)) {
            throw new AccountException("displayName", "A name cannot contain line breaks, tabs or other control characters.");
        }
    }
}
