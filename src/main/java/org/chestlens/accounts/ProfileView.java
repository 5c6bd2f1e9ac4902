package org.chestlens.accounts;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import java.util.Comparator;
import java.util.List;
import org.chestlens.security.CurrentUser;
import org.chestlens.ui.MainLayout;

/** The signed-in user's own account: name, password, deletion, and sections other features add. */
@Route(value = "profile", layout = MainLayout.class)
@PageTitle("Profile | ChestLens")
@Menu(title = "Profile", order = 50, icon = "vaadin:user")
@PermitAll
public class ProfileView extends Div {

    final TextField displayName = new TextField("Your name");
    final Button saveName = new Button("Save name");
    final PasswordField currentPassword = new PasswordField("Current password");
    final PasswordField newPassword = new PasswordField("New password");
    final PasswordField confirmPassword = new PasswordField("Repeat new password");
    final Button changePassword = new Button("Change password");
    final Button deleteAccount = new Button("Delete my account");

    private final AccountService accountService;
    private final CurrentUser currentUser;
    private final long accountId;

    public ProfileView(AccountService accountService, CurrentUser currentUser, List<ProfileSection> sections) {
        this.accountService = accountService;
        this.currentUser = currentUser;
        this.accountId = currentUser.requireAccountId();
        Account account = accountService.find(accountId).orElseThrow();
        addClassName("cl-profile");

        displayName.setId("profile-display-name");
        displayName.setValue(account.getDisplayName());
        displayName.setMaxLength(AccountService.MAX_DISPLAY_NAME);
        displayName.setManualValidation(true);
        saveName.setId("save-name");
        saveName.addClickListener(e -> saveName());
        Section nameSection = section("Your details",
                new Paragraph("Signed in as " + account.getEmail() + " (" + account.roleLabel() + ")."),
                new FormLayout(displayName), saveName);

        for (PasswordField field : new PasswordField[] {currentPassword, newPassword, confirmPassword}) {
            field.setManualValidation(true);
        }
        currentPassword.setId("current-password");
        newPassword.setId("new-password");
        newPassword.setHelperText("At least " + PasswordPolicy.MIN_LENGTH + " characters.");
        confirmPassword.setId("confirm-new-password");
        changePassword.setId("change-password");
        changePassword.addClickListener(e -> changePassword());
        FormLayout passwordForm = new FormLayout(currentPassword, newPassword, confirmPassword);
        passwordForm.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("700px", 3));
        Section passwordSection = section("Password", passwordForm, changePassword);

        deleteAccount.setId("delete-account");
        deleteAccount.addThemeVariants(ButtonVariant.LUMO_ERROR);
        deleteAccount.addClickListener(e -> confirmDeletion());
        Section deleteSection = section("Delete account",
                new Paragraph("Deletes your account with all your patients, analyses, feedback and API tokens. "
                        + "This cannot be undone."), deleteAccount);

        add(new H1("Profile"), nameSection, passwordSection);
        sections.stream().sorted(Comparator.comparingInt(ProfileSection::order))
                .forEach(s -> add(s.create(accountId)));
        add(deleteSection);
    }

    private void saveName() {
        displayName.setInvalid(false);
        try {
            Account account = accountService.changeDisplayName(accountId, displayName.getValue());
            currentUser.displayNameChanged(account.getDisplayName());
            getUI().ifPresent(ui -> ui.getPage().reload());
        } catch (AccountException e) {
            RegisterView.showError(displayName, e.getMessage());
        }
    }

    private void changePassword() {
        for (HasValidation field : new HasValidation[] {currentPassword, newPassword, confirmPassword}) {
            field.setInvalid(false);
        }
        if (!newPassword.getValue().equals(confirmPassword.getValue())) {
            RegisterView.showError(confirmPassword, "The two new passwords differ.");
            return;
        }
        try {
            accountService.changePassword(accountId, currentPassword.getValue(), newPassword.getValue());
            currentPassword.clear();
            newPassword.clear();
            confirmPassword.clear();
            notify("Password changed.");
        } catch (AccountException e) {
            RegisterView.showError("currentPassword".equals(e.field()) ? currentPassword : newPassword, e.getMessage());
        }
    }

    /** A dialog that stays open on a wrong password, so the user can correct it. */
    private void confirmDeletion() {
        PasswordField password = new PasswordField("Your password");
        password.setId("delete-password");
        password.setManualValidation(true);
        password.setWidthFull();
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Delete your account?");
        dialog.add(new Paragraph("Your patients, analyses and feedback will be deleted for good."), password);
        Button cancel = new Button("Cancel", e -> dialog.close());
        Button confirm = new Button("Delete everything", e -> {
            try {
                accountService.deleteOwnAccount(accountId, password.getValue());
                dialog.close();
                currentUser.logout();
            } catch (AccountException ex) {
                RegisterView.showError(password, ex.getMessage());
            }
        });
        confirm.setId("confirm-delete");
        confirm.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(cancel, confirm);
        dialog.open();
        password.focus();
    }

    private static Section section(String title, com.vaadin.flow.component.Component... children) {
        Section section = new Section(new H2(title));
        section.add(children);
        section.addClassName("cl-card");
        return section;
    }

    private static void notify(String text) {
        Notification.show(text, 4000, Notification.Position.BOTTOM_START)
                .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }
}
