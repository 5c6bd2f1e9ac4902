package org.chestlens.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

class AdminBootstrapTest extends KaribuTest {

    @Autowired
    AccountService accounts;

    @Test
    void aRefusedPasswordNamesTheVariableAndTheReason() {
        AdminBootstrap bootstrap = new AdminBootstrap(accounts, TestAccounts.uniqueEmail("boot"), "short");
        assertThatThrownBy(() -> bootstrap.run(null))
                .isInstanceOf(AdminBootstrap.Refused.class)
                .hasMessageStartingWith("CHESTLENS_ADMIN_PASSWORD is refused: Use at least 10 characters.")
                .hasNoCause();
    }

    @Test
    void aRefusedEmailNamesItsVariable() {
        AdminBootstrap bootstrap = new AdminBootstrap(accounts, "not-an-email", TestAccounts.PASSWORD);
        assertThatThrownBy(() -> bootstrap.run(null)).hasMessageStartingWith("CHESTLENS_ADMIN_EMAIL is refused:");
    }

    @Test
    void springBootReportsTheRefusalWithoutAStackTrace() {
        AdminBootstrap.Refused refused = new AdminBootstrap.Refused("CHESTLENS_ADMIN_PASSWORD", "Use at least 10 characters.");
        // As Spring Boot sees it: the runner's exception wrapped by the failed start.
        Throwable startFailure = new IllegalStateException("Failed to execute ApplicationRunner", refused);
        // The analyzers registered in spring.factories (those needing a bean factory are left out here).
        FailureAnalysis analysis = SpringFactoriesLoader.forDefaultResourceLocation()
                .load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> { }))
                .stream()
                .map(analyzer -> analyzer.analyze(startFailure))
                .filter(a -> a != null)
                .findFirst().orElseThrow();
        assertThat(analysis.getDescription()).isEqualTo(refused.getMessage()).doesNotContain("\n");
    }
}
