package org.chestlens.accounts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Creates the first administrator from CHESTLENS_ADMIN_EMAIL / CHESTLENS_ADMIN_PASSWORD, when both are set.
 * A value the account rules refuse stops the start-up with one line naming the variable and the reason
 * ({@link Refused}, printed by {@link RefusedAnalyzer} instead of a stack trace).
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    static final String EMAIL_VARIABLE = "CHESTLENS_ADMIN_EMAIL";
    static final String PASSWORD_VARIABLE = "CHESTLENS_ADMIN_PASSWORD";

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final AccountService accountService;
    private final String email;
    private final String password;

    AdminBootstrap(AccountService accountService,
                   @Value("${chestlens.admin.email:}") String email,
                   @Value("${chestlens.admin.password:}") String password) {
        this.accountService = accountService;
        this.email = email;
        this.password = password;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!StringUtils.hasText(email) || !StringUtils.hasText(password)) {
            log.info("No CHESTLENS_ADMIN_EMAIL/CHESTLENS_ADMIN_PASSWORD set: no administrator created at start-up.");
            return;
        }
        try {
            accountService.ensureAdmin(email, password);
            log.info("Administrator account ready: {}", Account.normalizeEmail(email));
        } catch (AccountException e) {
            throw new Refused("email".equals(e.field()) ? EMAIL_VARIABLE : PASSWORD_VARIABLE, e.getMessage());
        }
    }

    /** The administrator from the environment cannot be created: which variable, and why. */
    static final class Refused extends RuntimeException {

        private final String variable;

        Refused(String variable, String problem) {
            super(variable + " is refused: " + problem + " ChestLens did not start; set " + variable
                    + " to an acceptable value (or unset both " + EMAIL_VARIABLE + " and " + PASSWORD_VARIABLE + ").");
            this.variable = variable;
        }
    }

    /**
     * Spring Boot's start-up failure report for {@link Refused}: the message alone, no stack trace (registered
     * in META-INF/spring.factories). The process still exits non-zero, as for any failed start.
     */
    static final class RefusedAnalyzer extends AbstractFailureAnalyzer<Refused> {

        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, Refused cause) {
            return new FailureAnalysis(cause.getMessage(), "Correct " + cause.variable + " and start ChestLens again.", cause);
        }
    }
}
