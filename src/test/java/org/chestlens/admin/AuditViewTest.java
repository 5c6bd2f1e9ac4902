package org.chestlens.admin;

import static com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class AuditViewTest extends KaribuTest {

    @Autowired
    AccountService accounts;

    @Test
    void adminSeesAccountEventsFilteredByEmail() {
        Account admin = accounts.register(TestAccounts.uniqueEmail("auditor"), "Auditor", TestAccounts.PASSWORD);
        accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        Account someone = accounts.register(TestAccounts.uniqueEmail("audited"), "Audited", TestAccounts.PASSWORD);
        accounts.changePassword(someone.getId(), TestAccounts.PASSWORD, "fresh granite meadow");
        signIn(admin.getId(), admin.getEmail(), "Auditor", true);

        UI.getCurrent().navigate(AuditView.class);
        AuditView view = _get(AuditView.class);
        _setValue(view.search, someone.getEmail());
        assertThat(_size(view.grid)).isEqualTo(2);
        assertThat(_getFormattedRow(view.grid, 0)).contains("PASSWORD_CHANGED", someone.getEmail());
        assertThat(_getFormattedRow(view.grid, 1)).contains("ACCOUNT_REGISTERED");
    }
}
