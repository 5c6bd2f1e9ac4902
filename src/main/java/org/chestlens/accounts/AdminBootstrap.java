package org.chestlens.accounts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/** Creates the first administrator from CHESTLENS_ADMIN_EMAIL / CHESTLENS_ADMIN_PASSWORD, when both are set. */
@Component
class AdminBootstrap implements ApplicationRunner {

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
            throw new IllegalStateException("CHESTLENS_ADMIN_* is not usable: " + e.getMessage(), e);
        }
    }
}
