package org.chestlens.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.time.Instant;
import org.chestlens.KaribuTest;
import org.chestlens.LogCapture;
import org.chestlens.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.PageRequest;

/** Against the real PostgreSQL schema that Flyway built. */
class AccountRepositoryTest extends KaribuTest {

    @Autowired
    AccountRepository accounts;

    @Test
    void savesFindsByNormalizedEmailAndSearches() {
        String email = TestAccounts.uniqueEmail("Repo.User");
        Account saved = accounts.saveAndFlush(new Account(email, "Repo User Zeta", "{noop}x", Instant.now()));

        assertThat(saved.getId()).isNotNull();
        assertThat(accounts.findByEmail(Account.normalizeEmail(email))).get().extracting(Account::getDisplayName)
                .isEqualTo("Repo User Zeta");
        assertThat(accounts.existsByEmail(Account.normalizeEmail(email))).isTrue();
        assertThat(accounts.findByEmailContainingIgnoreCaseOrDisplayNameContainingIgnoreCase("user zeta", "user zeta",
                PageRequest.of(0, 10)).getContent()).extracting(Account::getId).contains(saved.getId());
    }

    @Test
    void emailIsUniqueInTheDatabase() {
        String email = TestAccounts.uniqueEmail("dup");
        accounts.saveAndFlush(new Account(email, "One", "{noop}x", Instant.now()));
        // Hibernate logs the refused insert before the exception reaches us: asserted here, not printed as an ERROR.
        try (LogCapture sql = LogCapture.of("org.hibernate.engine.jdbc.spi.SqlExceptionHelper")) {
            assertThatThrownBy(() -> accounts.saveAndFlush(new Account(email.toUpperCase(), "Two", "{noop}x", Instant.now())))
                    .isInstanceOf(DataIntegrityViolationException.class);
            assertThat(sql.lines(Level.ERROR)).anySatisfy(line -> assertThat(line).contains("account_email_key"));
        }
    }
}
