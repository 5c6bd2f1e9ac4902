package org.chestlens.admin;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import jakarta.annotation.security.RolesAllowed;
import java.util.function.Supplier;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountException;
import org.chestlens.accounts.AccountService;
import org.chestlens.security.CurrentUser;
import org.chestlens.security.Roles;
import org.chestlens.ui.Dates;
import org.chestlens.ui.MainLayout;

/** Administrators manage accounts: grant or revoke ADMIN, disable or enable sign-in. */
@Route(value = "admin/users", layout = MainLayout.class)
@PageTitle("Users | ChestLens admin")
@Menu(title = "Admin: users", order = 80, icon = "vaadin:users")
@RolesAllowed(Roles.ADMIN)
public class UsersView extends Div {

    final TextField search = new TextField();
    final Grid<Account> grid = new Grid<>(Account.class, false);

    private final AccountService accountService;
    private final long adminId;

    public UsersView(AccountService accountService, CurrentUser currentUser) {
        this.accountService = accountService;
        this.adminId = currentUser.requireAccountId();
        addClassName("cl-wide");

        search.setPlaceholder("Search by email or name");
        search.setAriaLabel("Search users");
        search.setPrefixComponent(new Icon("vaadin", "search"));
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.setId("user-search");
        search.addValueChangeListener(e -> grid.getDataProvider().refreshAll());

        grid.setId("users");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(Account::getEmail).setHeader("Email").setKey("email").setSortable(true).setAutoWidth(true);
        grid.addColumn(Account::getDisplayName).setHeader("Name").setKey("displayName").setSortable(true).setAutoWidth(true);
        grid.addComponentColumn(this::roleBadge).setHeader("Role").setKey("admin").setSortable(true)
                .setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(this::statusBadge).setHeader("Status").setKey("enabled").setSortable(true)
                .setAutoWidth(true).setFlexGrow(0);
        // Dates are never cut: the column is as wide as its longest value. The day is enough for registration.
        grid.addColumn(a -> Dates.date(a.getCreatedAt())).setHeader("Registered").setKey("createdAt").setSortable(true)
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(a -> a.getLastLoginAt() == null ? "never" : Dates.dateTime(a.getLastLoginAt()))
                .setHeader("Last sign-in").setKey("lastLoginAt").setSortable(true).setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(this::actions).setHeader("Actions").setKey("actions").setAutoWidth(true).setFlexGrow(0);
        grid.setItems(query -> accountService.search(search.getValue(),
                VaadinSpringDataHelpers.toSpringPageRequest(query)).stream());

        add(new H1("Users"), search, grid);
    }

    private Span roleBadge(Account account) {
        Span badge = new Span(account.roleLabel());
        badge.getElement().getThemeList().add(account.isAdmin() ? "badge" : "badge contrast");
        return badge;
    }

    private Span statusBadge(Account account) {
        Span badge = new Span(account.isEnabled() ? "Active" : "Disabled");
        badge.getElement().getThemeList().add(account.isEnabled() ? "badge success" : "badge error");
        return badge;
    }

    private HorizontalLayout actions(Account account) {
        Button role = new Button(account.isAdmin() ? "Revoke admin" : "Make admin");
        role.addThemeVariants(ButtonVariant.LUMO_SMALL);
        role.setId("role-" + account.getId());
        role.addClickListener(e -> confirm(
                (account.isAdmin() ? "Revoke administrator role of " : "Make administrator: ") + account.getEmail() + "?",
                () -> accountService.setAdmin(adminId, account.getId(), !account.isAdmin())));
        Button status = new Button(account.isEnabled() ? "Disable" : "Enable");
        status.addThemeVariants(ButtonVariant.LUMO_SMALL, account.isEnabled() ? ButtonVariant.LUMO_ERROR : ButtonVariant.LUMO_SUCCESS);
        status.setId("status-" + account.getId());
        status.addClickListener(e -> confirm(
                (account.isEnabled() ? "Disable " + account.getEmail() + "? They are signed out at once and cannot sign in."
                        : "Enable " + account.getEmail() + "?"),
                () -> accountService.setEnabled(adminId, account.getId(), !account.isEnabled())));
        HorizontalLayout buttons = new HorizontalLayout(role, status);
        buttons.setSpacing(true);
        return buttons;
    }

    private void confirm(String question, Supplier<Account> action) {
        ConfirmDialog dialog = new ConfirmDialog("Please confirm", question, "Yes", e -> {
            try {
                action.get();
                grid.getDataProvider().refreshAll();
            } catch (AccountException ex) {
                Notification.show(ex.getMessage(), 6000, Notification.Position.MIDDLE)
                        .addThemeVariants(NotificationVariant.LUMO_ERROR);
            }
        });
        dialog.setCancelable(true);
        dialog.open();
    }
}
