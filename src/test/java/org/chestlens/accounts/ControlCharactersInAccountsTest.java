package org.chestlens.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A NUL in an email, a name or a token name is refused with the field; it used to fail as a database error. */
class ControlCharactersInAccountsTest extends KaribuTest {

    @Autowired
    AccountService accounts;
    @Autowired
    ApiTokenService tokens;

    @Test
    void aNulIsRefusedWithTheFieldNotADatabaseError() {
        assertRefused(() -> accounts.register("a\u0000b@example.org", "Name", TestAccounts.PASSWORD), "email");
        assertRefused(() -> accounts.register(TestAccounts.uniqueEmail("nul"), "Dr\u0000Who", TestAccounts.PASSWORD), "displayName");
        Account account = accounts.register(TestAccounts.uniqueEmail("nul"), "Dr Who", TestAccounts.PASSWORD);
        assertRefused(() -> accounts.changeDisplayName(account.getId(), "Dr\u0000Who"), "displayName");
        assertRefused(() -> tokens.create(account.getId(), "scr\u0000ipt", Duration.ofDays(1)), "tokenName");
        assertThat(tokens.create(account.getId(), "script", Duration.ofDays(1)).secret()).isNotBlank();
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AccountException.class, e -> assertThat(e.field()).isEqualTo(field));
    }
}
