package org.chestlens.admin;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountRepository;
import org.chestlens.accounts.AccountService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class UsersViewTest extends KaribuTest {

    @Autowired
    AccountService accounts;
    @Autowired
    AccountRepository repository;

    @Test
    void adminFindsAUserGrantsAdminAndDisablesThem() {
        Account admin = accounts.register(TestAccounts.uniqueEmail("boss"), "Boss", TestAccounts.PASSWORD);
        accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        Account target = accounts.register(TestAccounts.uniqueEmail("target"), "Target Person Qx", TestAccounts.PASSWORD);
        signIn(admin.getId(), admin.getEmail(), "Boss", true);

        UI.getCurrent().navigate(UsersView.class);
        UsersView view = _get(UsersView.class);
        _setValue(view.search, "person qx");
        assertThat(_size(view.grid)).isEqualTo(1);
        assertThat(_getFormattedRow(view.grid, 0)).contains(target.getEmail(), "Target Person Qx");

        Button makeAdmin = actionButton(view, "role-" + target.getId());
        assertThat(makeAdmin.getText()).isEqualTo("Make admin");
        _click(makeAdmin);
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        assertThat(repository.findById(target.getId())).get().extracting(Account::isAdmin).isEqualTo(true);

        _click(actionButton(view, "status-" + target.getId()));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        assertThat(repository.findById(target.getId())).get().extracting(Account::isEnabled).isEqualTo(false);
        assertThat(actionButton(view, "status-" + target.getId()).getText()).isEqualTo("Enable");
    }

    @Test
    void adminCannotDisableThemselves() {
        Account admin = accounts.register(TestAccounts.uniqueEmail("self"), "Self Admin Qy", TestAccounts.PASSWORD);
        accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        signIn(admin.getId(), admin.getEmail(), "Self Admin Qy", true);
        UI.getCurrent().navigate(UsersView.class);
        UsersView view = _get(UsersView.class);
        _setValue(view.search, "self admin qy");
        _click(actionButton(view, "status-" + admin.getId()));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        assertThat(repository.findById(admin.getId())).get().extracting(Account::isEnabled).isEqualTo(true);
        com.github.mvysny.kaributesting.v10.NotificationsKt.expectNotifications("You cannot disable your own account.");
    }

    /** Buttons of the first row's actions cell (Karibu renders component columns on request). */
    private static Button actionButton(UsersView view, String id) {
        var cell = GridKt._getCellComponent(view.grid, 0, "actions");
        return _get(cell, Button.class, spec -> spec.withId(id));
    }
}
