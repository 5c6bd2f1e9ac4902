package org.chestlens.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.audit.AuditTrail;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sessions end on every node: a session held by one node's registry ends when its account is changed through another
 * node (another {@link AccountService} with its own registry, as on another machine), on the same PostgreSQL.
 */
class AccountSessionRegistryTest extends KaribuTest {

    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

    @Autowired
    AccountService accounts;
    @Autowired
    AccountRepository repository;
    @Autowired
    AccountDetailsService details;
    @Autowired
    PasswordEncoder passwordEncoder;
    @Autowired
    AuditTrail audit;
    @Autowired
    Clock clock;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    MockMvc mvc;
    @Autowired
    org.springframework.security.core.session.SessionRegistry sessionRegistry;

    private final AtomicLong ticker = new AtomicLong();

    @Test
    void disablingOnAnotherNodeEndsTheSessionHereOnceTheCheckIntervalHasPassed() {
        Account admin = admin();
        Account user = accounts.register(TestAccounts.uniqueEmail("node"), "Node User", TestAccounts.PASSWORD);
        AccountSessionRegistry nodeA = nodeRegistry();
        nodeA.registerNewSession("session-1", details.loadUserByUsername(user.getEmail()));
        assertThat(nodeA.getSessionInformation("session-1").isExpired()).isFalse();

        onNodeB(b -> b.setEnabled(admin.getId(), user.getId(), false));

        assertThat(nodeA.getSessionInformation("session-1").isExpired()).as("still within the check interval").isFalse();
        ticker.addAndGet(CHECK_INTERVAL.toNanos());
        assertThat(nodeA.getSessionInformation("session-1").isExpired()).isTrue();
    }

    @Test
    void reEnablingQuicklyDoesNotReviveTheEndedSession() {
        Account admin = admin();
        Account user = accounts.register(TestAccounts.uniqueEmail("node"), "Node User", TestAccounts.PASSWORD);
        AccountSessionRegistry nodeA = nodeRegistry();
        nodeA.registerNewSession("session-2", details.loadUserByUsername(user.getEmail()));
        nodeA.getSessionInformation("session-2");

        onNodeB(b -> b.setEnabled(admin.getId(), user.getId(), false));
        onNodeB(b -> b.setEnabled(admin.getId(), user.getId(), true));
        ticker.addAndGet(CHECK_INTERVAL.toNanos());

        assertThat(nodeA.getSessionInformation("session-2").isExpired()).isTrue();
        // A new sign-in carries the new version and stays valid.
        nodeA.registerNewSession("session-3", details.loadUserByUsername(user.getEmail()));
        assertThat(nodeA.getSessionInformation("session-3").isExpired()).isFalse();
    }

    @Test
    void aRoleChangeOrADeletedAccountEndsTheSessionAndARenameDoesNot() {
        Account admin = admin();
        Account promoted = accounts.register(TestAccounts.uniqueEmail("role"), "Role", TestAccounts.PASSWORD);
        Account deleted = accounts.register(TestAccounts.uniqueEmail("gone"), "Gone", TestAccounts.PASSWORD);
        Account renamed = accounts.register(TestAccounts.uniqueEmail("name"), "Name", TestAccounts.PASSWORD);
        AccountSessionRegistry nodeA = nodeRegistry();
        nodeA.registerNewSession("role", details.loadUserByUsername(promoted.getEmail()));
        nodeA.registerNewSession("gone", details.loadUserByUsername(deleted.getEmail()));
        nodeA.registerNewSession("name", details.loadUserByUsername(renamed.getEmail()));

        onNodeB(b -> b.setAdmin(admin.getId(), promoted.getId(), true));
        onNodeB(b -> b.deleteOwnAccount(deleted.getId(), TestAccounts.PASSWORD));
        onNodeB(b -> b.changeDisplayName(renamed.getId(), "New Name"));
        ticker.addAndGet(CHECK_INTERVAL.toNanos());

        assertThat(nodeA.getSessionInformation("role").isExpired()).isTrue();
        assertThat(nodeA.getSessionInformation("gone").isExpired()).isTrue();
        assertThat(nodeA.getSessionInformation("name").isExpired()).isFalse();
    }

    @Test
    void theNextRequestOfABrowserSignedInHereIsSignedOutAfterADisableElsewhere() throws Exception {
        Account admin = admin();
        String email = TestAccounts.uniqueEmail("browser");
        Account user = accounts.register(email, "Browser", TestAccounts.PASSWORD);
        MockHttpSession session = (MockHttpSession) mvc.perform(post("/login").param("username", email)
                        .param("password", TestAccounts.PASSWORD).with(csrf()))
                .andExpect(authenticated()).andReturn().getRequest().getSession(false);
        assertThat(sessionRegistry.getSessionInformation(session.getId()).isExpired()).isFalse();

        onNodeB(b -> b.setEnabled(admin.getId(), user.getId(), false));

        // This node learns of it within the check interval (chestlens.security.session-check-interval), on the lookup
        // Spring Security makes for every request; the bound here is generous for a busy machine, not what is measured.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!sessionRegistry.getSessionInformation(session.getId()).isExpired() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String redirect = mvc.perform(get("/profile").session(session)).andReturn().getResponse().getRedirectedUrl();
        assertThat(redirect).isEqualTo("/login?expired");
    }

    private Account admin() {
        Account admin = accounts.register(TestAccounts.uniqueEmail("admin"), "Admin", TestAccounts.PASSWORD);
        return accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
    }

    private AccountSessionRegistry nodeRegistry() {
        return new AccountSessionRegistry(jdbc, CHECK_INTERVAL, ticker::get);
    }

    /** Runs a change through another node's account service: the same code and database, its own session registry. */
    private void onNodeB(java.util.function.Consumer<AccountService> change) {
        AccountService nodeB = new AccountService(repository, passwordEncoder, new SessionRegistryImpl(), audit, clock);
        new TransactionTemplate(transactions).executeWithoutResult(status -> change.accept(nodeB));
    }
}
