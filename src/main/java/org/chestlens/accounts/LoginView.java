package org.chestlens.accounts;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;
import java.util.Map;
import org.chestlens.security.CurrentUser;
import org.chestlens.security.Roles;
import org.chestlens.ui.MainLayout;

/** Sign-in form posting to Spring Security; explains why a previous attempt failed. */
@Route(value = Roles.LOGIN_PATH, layout = MainLayout.class)
@PageTitle("Sign in | ChestLens")
@AnonymousAllowed
public class LoginView extends Div implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();
    private final Paragraph notice = new Paragraph();
    private final CurrentUser currentUser;

    public LoginView(CurrentUser currentUser) {
        this.currentUser = currentUser;
        addClassName("cl-narrow");
        form.setAction(Roles.LOGIN_PATH);
        form.setForgotPasswordButtonVisible(false);
        form.setI18n(texts());
        notice.setId("login-notice");
        notice.setVisible(false);
        RouterLink register = new RouterLink("No account yet? Register as a clinician", RegisterView.class);
        register.setId("register-link");
        Paragraph registerLine = new Paragraph(register);
        registerLine.addClassName("cl-center");
        add(notice, form, registerLine);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (currentUser.get().isPresent()) {
            event.forwardTo("");
            return;
        }
        Map<String, List<String>> params = event.getLocation().getQueryParameters().getParameters();
        LoginI18n i18n = texts();
        LoginI18n.ErrorMessage error = i18n.getErrorMessage();
        if (params.containsKey("locked")) {
            error.setTitle("Too many failed sign-ins");
            error.setMessage("Sign-in to this account is paused for up to 15 minutes. Try again later.");
            form.setError(true);
        } else if (params.containsKey("throttled")) {
            error.setTitle("Too many failed sign-ins from this network");
            error.setMessage("Sign-in from here is slowed down for a while: wait a minute, then try again.");
            form.setError(true);
        } else if (params.containsKey("disabled")) {
            error.setTitle("Account disabled");
            error.setMessage("This account has been disabled by an administrator.");
            form.setError(true);
        } else if (params.containsKey("error")) {
            error.setTitle("Incorrect email or password");
            error.setMessage("Check both and try again.");
            form.setError(true);
        }
        form.setI18n(i18n);
        if (params.containsKey("registered")) {
            showNotice("Your account is ready. Sign in with your email and password.");
        } else if (params.containsKey("expired")) {
            showNotice("Your session has ended. Please sign in again.");
        } else if (params.containsKey("deleted")) {
            showNotice("Your account and everything it held have been deleted.");
        }
    }

    private static LoginI18n texts() {
        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle("Sign in to ChestLens");
        i18n.getForm().setUsername("Email");
        i18n.getForm().setSubmit("Sign in");
        return i18n;
    }

    private void showNotice(String text) {
        notice.setText(text);
        notice.addClassName("cl-notice");
        notice.setVisible(true);
    }

    LoginForm form() {
        return form;
    }
}
