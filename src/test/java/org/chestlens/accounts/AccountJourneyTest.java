package org.chestlens.accounts;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.PasswordField;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** register → sign in → edit profile → change password → sign out, through the views. */
class AccountJourneyTest extends KaribuTest {

    @Autowired
    ThrottledAuthenticationProvider authentication;
    @Autowired
    AccountRepository accounts;

    @Test
    void registerSignInEditProfileChangePasswordSignOut() {
        String email = TestAccounts.uniqueEmail("journey");
        UI.getCurrent().navigate(RegisterView.class);
        RegisterView register = _get(RegisterView.class);
        _setValue(register.email, email);
        _setValue(register.displayName, "Dr Journey");
        _setValue(register.password, TestAccounts.PASSWORD);
        _setValue(register.confirm, TestAccounts.PASSWORD);
        _click(register.create);

        _get(LoginView.class);
        assertThat(UI.getCurrent().getInternals().getActiveViewLocation().getQueryParameters().getParameters())
                .containsKey("registered");

        signIn(authentication.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(email, TestAccounts.PASSWORD)));
        UI.getCurrent().navigate(ProfileView.class);
        ProfileView profile = _get(ProfileView.class);
        assertThat(_get(Span.class, spec -> spec.withId("current-user-name")).getText()).isEqualTo("Dr Journey");
        assertThat(_get(Span.class, spec -> spec.withId("current-user-role")).getText()).isEqualTo("Clinician");

        _setValue(profile.displayName, "Dr Journey-Smith");
        _click(profile.saveName);
        assertThat(accounts.findByEmail(email)).get().extracting(Account::getDisplayName).isEqualTo("Dr Journey-Smith");
        assertThat(_get(Span.class, spec -> spec.withId("current-user-name")).getText()).isEqualTo("Dr Journey-Smith");

        profile = _get(ProfileView.class);
        _setValue(profile.currentPassword, TestAccounts.PASSWORD);
        _setValue(profile.newPassword, "violet harbour engine");
        _setValue(profile.confirmPassword, "violet harbour engine");
        _click(profile.changePassword);
        assertThat(profile.currentPassword.isInvalid()).isFalse();
        assertThat(profile.newPassword.isInvalid()).isFalse();
        assertThat(authentication.authenticate(
                UsernamePasswordAuthenticationToken.unauthenticated(email, "violet harbour engine")).isAuthenticated()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> authentication.authenticate(
                UsernamePasswordAuthenticationToken.unauthenticated(email, TestAccounts.PASSWORD)))
                .isInstanceOf(BadCredentialsException.class);

        _click(_get(Button.class, spec -> spec.withId("sign-out")));
        Authentication after = SecurityContextHolder.getContext().getAuthentication();
        assertThat(after).isNull();
    }

    @Test
    void badRegistrationInputIsShownAtTheField() {
        String taken = TestAccounts.uniqueEmail("taken");
        UI.getCurrent().navigate(RegisterView.class);
        RegisterView view = _get(RegisterView.class);

        _click(view.create);
        assertThat(view.email.isInvalid()).isTrue();
        assertThat(view.email.getErrorMessage()).contains("Enter your email");

        _setValue(view.email, "not-an-email");
        _click(view.create);
        assertThat(view.email.getErrorMessage()).contains("valid email");

        _setValue(view.email, taken);
        _setValue(view.displayName, "");
        _click(view.create);
        assertThat(view.displayName.isInvalid()).isTrue();

        _setValue(view.displayName, "Someone");
        _setValue(view.password, "password123");
        _setValue(view.confirm, "password123");
        _click(view.create);
        assertThat(view.password.isInvalid()).isTrue();
        assertThat(view.password.getErrorMessage()).contains("too easy");

        _setValue(view.password, TestAccounts.PASSWORD);
        _setValue(view.confirm, "something else entirely");
        _click(view.create);
        assertThat(view.confirm.getErrorMessage()).contains("differ");

        _setValue(view.confirm, TestAccounts.PASSWORD);
        _click(view.create);
        UI.getCurrent().navigate(RegisterView.class);
        view = _get(RegisterView.class);
        _setValue(view.email, taken.toUpperCase());
        _setValue(view.displayName, "Someone Else");
        _setValue(view.password, TestAccounts.PASSWORD);
        _setValue(view.confirm, TestAccounts.PASSWORD);
        _click(view.create);
        assertThat(view.email.getErrorMessage()).contains("already exists");
    }

    @Test
    void wrongCurrentPasswordAndWeakNewPasswordAreShownAtTheField() {
        String email = TestAccounts.uniqueEmail("profile-errors");
        Account account = _register(email);
        signIn(account.getId(), email, "Errors", false);
        UI.getCurrent().navigate(ProfileView.class);
        ProfileView profile = _get(ProfileView.class);

        _setValue(profile.currentPassword, "not my password");
        _setValue(profile.newPassword, "violet harbour engine");
        _setValue(profile.confirmPassword, "violet harbour engine");
        _click(profile.changePassword);
        assertThat(profile.currentPassword.isInvalid()).isTrue();
        assertThat(profile.currentPassword.getErrorMessage()).isEqualTo("The current password is not correct.");

        _setValue(profile.currentPassword, TestAccounts.PASSWORD);
        _setValue(profile.newPassword, "short");
        _setValue(profile.confirmPassword, "short");
        _click(profile.changePassword);
        assertThat(profile.newPassword.isInvalid()).isTrue();
        assertThat(profile.newPassword.getErrorMessage()).contains("at least");

        _setValue(profile.displayName, "x".repeat(101));
        _click(profile.saveName);
        assertThat(profile.displayName.isInvalid()).isTrue();
    }

    @Test
    void deletingTheAccountAsksForThePasswordAndRemovesIt() {
        String email = TestAccounts.uniqueEmail("delete-me");
        Account account = _register(email);
        signIn(account.getId(), email, "Delete Me", false);
        UI.getCurrent().navigate(ProfileView.class);
        _click(_get(ProfileView.class).deleteAccount);

        PasswordField password = _get(PasswordField.class, spec -> spec.withId("delete-password"));
        _setValue(password, "wrong password here");
        _click(_get(Button.class, spec -> spec.withId("confirm-delete")));
        assertThat(accounts.findById(account.getId())).isPresent();
        assertThat(password.getErrorMessage()).contains("not correct");

        _setValue(password, TestAccounts.PASSWORD);
        _click(_get(Button.class, spec -> spec.withId("confirm-delete")));
        assertThat(accounts.findById(account.getId())).isEmpty();
        assertThat(SecurityContextHolder.getContext().getAuthentication()).isNull();
    }

    @Autowired
    AccountService accountService;

    private Account _register(String email) {
        return accountService.register(email, "Test User", TestAccounts.PASSWORD);
    }
}
