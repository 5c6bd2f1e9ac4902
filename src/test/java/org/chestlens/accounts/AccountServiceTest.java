package org.chestlens.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

class AccountServiceTest extends KaribuTest {

    @Autowired
    AccountService service;
    @Autowired
    AccountRepository accounts;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void storesOnlyASaltedModernHash() {
        Account a = service.register(TestAccounts.uniqueEmail("hash"), "Hash One", TestAccounts.PASSWORD);
        Account b = service.register(TestAccounts.uniqueEmail("hash"), "Hash Two", TestAccounts.PASSWORD);
        String hashA = jdbc.queryForObject("select password_hash from account where id = ?", String.class, a.getId());
        String hashB = jdbc.queryForObject("select password_hash from account where id = ?", String.class, b.getId());
        assertThat(hashA).startsWith("{bcrypt}$2").doesNotContain(TestAccounts.PASSWORD);
        assertThat(hashA).isNotEqualTo(hashB);
    }

    @Test
    void refusesBadRegistrationsWithAFieldAndAMessage() {
        String email = TestAccounts.uniqueEmail("taken");
        service.register(email, "Taken", TestAccounts.PASSWORD);
        assertRefused(() -> service.register(email.toUpperCase(), "Other", TestAccounts.PASSWORD), "email", "already exists");
        assertRefused(() -> service.register("", "Name", TestAccounts.PASSWORD), "email", "Enter your email");
        assertRefused(() -> service.register("not-an-email", "Name", TestAccounts.PASSWORD), "email", "valid email");
        assertRefused(() -> service.register("x".repeat(250) + "@a.org", "Name", TestAccounts.PASSWORD), "email", "at most 254");
        assertRefused(() -> service.register(TestAccounts.uniqueEmail("n"), " ", TestAccounts.PASSWORD), "displayName", "Enter your name");
        assertRefused(() -> service.register(TestAccounts.uniqueEmail("n"), "n".repeat(101), TestAccounts.PASSWORD), "displayName", "at most 100");
        assertRefused(() -> service.register(TestAccounts.uniqueEmail("n"), "Name", "password123"), "password", "too easy");
    }

    @Test
    void changePasswordNeedsTheCurrentOne() {
        Account account = service.register(TestAccounts.uniqueEmail("pw"), "Pw", TestAccounts.PASSWORD);
        assertRefused(() -> service.changePassword(account.getId(), "wrong one entirely", "new secret phrase"),
                "currentPassword", "not correct");
        assertRefused(() -> service.changePassword(account.getId(), TestAccounts.PASSWORD, "short"), "newPassword", "at least");
        service.changePassword(account.getId(), TestAccounts.PASSWORD, "new secret phrase");
        assertRefused(() -> service.changePassword(account.getId(), TestAccounts.PASSWORD, "another phrase here"),
                "currentPassword", "not correct");
    }

    @Test
    void theLastAdministratorCannotBeRemovedOrDisabled() {
        jdbc.update("update account set admin = false");
        Account admin = service.register(TestAccounts.uniqueEmail("only-admin"), "Only Admin", TestAccounts.PASSWORD);
        service.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        Account other = service.register(TestAccounts.uniqueEmail("other"), "Other", TestAccounts.PASSWORD);

        assertRefused(() -> service.setAdmin(admin.getId(), admin.getId(), false), null, "At least one administrator");
        assertRefused(() -> service.setEnabled(admin.getId(), admin.getId(), false), null, "own account");
        assertRefused(() -> service.deleteOwnAccount(admin.getId(), TestAccounts.PASSWORD), null, "last administrator");

        service.setAdmin(admin.getId(), other.getId(), true);
        assertRefused(() -> service.setAdmin(admin.getId(), admin.getId(), false), null, "your own administrator role");
        service.setAdmin(other.getId(), admin.getId(), false);
        assertThat(accounts.findById(admin.getId())).get().extracting(Account::isAdmin).isEqualTo(false);
    }

    @Test
    void deletingAnAccountRemovesItAndNeedsThePassword() {
        Account account = service.register(TestAccounts.uniqueEmail("bye"), "Bye", TestAccounts.PASSWORD);
        assertRefused(() -> service.deleteOwnAccount(account.getId(), "wrong password!"), "password", "not correct");
        service.deleteOwnAccount(account.getId(), TestAccounts.PASSWORD);
        assertThat(accounts.findById(account.getId())).isEmpty();
    }

    static void assertRefused(Runnable action, String field, String messagePart) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(AccountException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
