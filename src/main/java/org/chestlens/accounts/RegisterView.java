package org.chestlens.accounts;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.Map;
import org.chestlens.security.Roles;
import org.chestlens.ui.MainLayout;

/** Registration for clinicians: email, name, password (with the password policy explained up front). */
@Route(value = "register", layout = MainLayout.class)
@PageTitle("Register | ChestLens")
@AnonymousAllowed
public class RegisterView extends Div {

    final EmailField email = new EmailField("Email");
    final TextField displayName = new TextField("Your name");
    final PasswordField password = new PasswordField("Password");
    final PasswordField confirm = new PasswordField("Repeat password");
    final Button create = new Button("Create account");

    private final AccountService accountService;

    public RegisterView(AccountService accountService) {
        this.accountService = accountService;
        addClassName("cl-narrow");
        email.setId("email");
        email.setRequiredIndicatorVisible(true);
        email.setMaxLength(AccountService.MAX_EMAIL);
        email.setAutocomplete(com.vaadin.flow.component.textfield.Autocomplete.EMAIL);
        displayName.setId("display-name");
        displayName.setRequiredIndicatorVisible(true);
        displayName.setMaxLength(AccountService.MAX_DISPLAY_NAME);
        displayName.setHelperText("Shown to you and to administrators, e.g. Dr. A. Jones");
        password.setId("password");
        password.setRequiredIndicatorVisible(true);
        password.setHelperText("At least " + PasswordPolicy.MIN_LENGTH + " characters; a short phrase works well.");
        password.setAutocomplete(com.vaadin.flow.component.textfield.Autocomplete.NEW_PASSWORD);
        confirm.setId("confirm-password");
        confirm.setRequiredIndicatorVisible(true);
        confirm.setAutocomplete(com.vaadin.flow.component.textfield.Autocomplete.NEW_PASSWORD);
        create.setId("create-account");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickShortcut(com.vaadin.flow.component.Key.ENTER);
        create.addClickListener(e -> register());

        FormLayout form = new FormLayout(email, displayName, password, confirm);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        add(new H1("Register as a clinician"),
                new Paragraph("An account lets you keep patients, their X-ray history and your feedback on findings."),
                form, create,
                new Paragraph(new RouterLink("Already registered? Sign in", LoginView.class)));
    }

    private void register() {
        clearErrors();
        if (!password.getValue().equals(confirm.getValue())) {
            showError(confirm, "The two passwords differ.");
            return;
        }
        try {
            accountService.register(email.getValue(), displayName.getValue(), password.getValue());
            getUI().ifPresent(ui -> ui.navigate(Roles.LOGIN_PATH,
                    com.vaadin.flow.router.QueryParameters.simple(Map.of("registered", ""))));
        } catch (AccountException e) {
            HasValidation field = switch (e.field() == null ? "" : e.field()) {
                case "email" -> email;
                case "displayName" -> displayName;
                default -> password;
            };
            showError(field, e.getMessage());
        }
    }

    private void clearErrors() {
        for (HasValidation field : new HasValidation[] {email, displayName, password, confirm}) {
            field.setInvalid(false);
            field.setErrorMessage(null);
        }
    }

    static void showError(HasValidation field, String message) {
        field.setErrorMessage(message);
        field.setInvalid(true);
    }
}
