package org.chestlens.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** Sign-in through the real Spring Security filter chain and the real database. */
class SignInTest extends KaribuTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountService accounts;
    @Autowired
    SessionRegistry sessionRegistry;

    @Test
    void correctPasswordSignsInAndWrongOneDoesNot() throws Exception {
        String email = TestAccounts.uniqueEmail("signin");
        accounts.register(email, "Sign In", TestAccounts.PASSWORD);

        mvc.perform(login(email, TestAccounts.PASSWORD, "198.51.100.1"))
                .andExpect(authenticated().withUsername(email))
                .andExpect(redirectedUrl("/"));
        mvc.perform(login(email, "not the password", "198.51.100.1"))
                .andExpect(unauthenticated())
                .andExpect(redirectedUrl("/login?error"));
    }

    @Test
    void disabledAccountCannotSignIn() throws Exception {
        String email = TestAccounts.uniqueEmail("disabled");
        Account admin = accounts.register(TestAccounts.uniqueEmail("admin"), "Admin", TestAccounts.PASSWORD);
        accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        Account account = accounts.register(email, "Disabled", TestAccounts.PASSWORD);
        accounts.setEnabled(admin.getId(), account.getId(), false);

        mvc.perform(login(email, TestAccounts.PASSWORD, "198.51.100.2"))
                .andExpect(unauthenticated())
                .andExpect(redirectedUrl("/login?disabled"));

        accounts.setEnabled(admin.getId(), account.getId(), true);
        mvc.perform(login(email, TestAccounts.PASSWORD, "198.51.100.2")).andExpect(authenticated());
    }

    @Test
    void disablingAnAccountEndsItsOpenSessions() throws Exception {
        String email = TestAccounts.uniqueEmail("session");
        Account admin = accounts.register(TestAccounts.uniqueEmail("admin"), "Admin", TestAccounts.PASSWORD);
        accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        Account account = accounts.register(email, "Session", TestAccounts.PASSWORD);

        MockHttpSession session = (MockHttpSession) mvc.perform(login(email, TestAccounts.PASSWORD, "198.51.100.3"))
                .andExpect(authenticated()).andReturn().getRequest().getSession(false);
        assertThat(sessionRegistry.getSessionInformation(session.getId()).isExpired()).isFalse();

        accounts.setEnabled(admin.getId(), account.getId(), false);
        assertThat(sessionRegistry.getSessionInformation(session.getId()).isExpired()).isTrue();
        // The next request of that browser is signed out and sent to the login page.
        mvc.perform(get("/profile").session(session)).andExpect(redirectedUrl("/login?expired"));
    }

    @Test
    void bruteForceOnOneAccountIsThrottledEvenWithTheRightPassword() throws Exception {
        String email = TestAccounts.uniqueEmail("brute");
        accounts.register(email, "Brute", TestAccounts.PASSWORD);
        for (int i = 0; i < 10; i++) {
            // Spread over addresses: the account's own counter must lock it.
            mvc.perform(login(email, "guess number " + i, "203.0.113." + i)).andExpect(redirectedUrl("/login?error"));
        }
        mvc.perform(login(email, TestAccounts.PASSWORD, "203.0.113.200"))
                .andExpect(unauthenticated())
                .andExpect(redirectedUrl("/login?locked"));
    }

    @Test
    void afterAnAddressIsLockedItsPeopleStillSignInButASprayerGetsOneGuessPerInterval() throws Exception {
        String colleague = TestAccounts.uniqueEmail("colleague");
        String another = TestAccounts.uniqueEmail("another");
        accounts.register(colleague, "Colleague", TestAccounts.PASSWORD);
        accounts.register(another, "Another", TestAccounts.PASSWORD);
        // A hospital's NAT: someone sprays guesses at made-up accounts until the shared address is locked.
        for (int i = 0; i < 10; i++) {
            mvc.perform(login(TestAccounts.uniqueEmail("spray"), "guess", "192.0.2.99")).andExpect(redirectedUrl("/login?error"));
        }
        // Colleagues behind the same address still sign in with their right passwords.
        mvc.perform(login(colleague, TestAccounts.PASSWORD, "192.0.2.99")).andExpect(authenticated().withUsername(colleague));
        mvc.perform(login(another, TestAccounts.PASSWORD, "192.0.2.99")).andExpect(authenticated().withUsername(another));
        // The sprayer's next guess is checked (and wrong), and uses up the address's check for the interval:
        // the guess after it is refused without trying the password.
        mvc.perform(login(TestAccounts.uniqueEmail("spray"), "guess", "192.0.2.99")).andExpect(redirectedUrl("/login?error"));
        mvc.perform(login(colleague, TestAccounts.PASSWORD, "192.0.2.99"))
                .andExpect(unauthenticated()).andExpect(redirectedUrl("/login?throttled"));
        // Other addresses are not affected.
        mvc.perform(login(colleague, TestAccounts.PASSWORD, "192.0.2.100")).andExpect(authenticated());
    }

    @Test
    void aCrossSiteLoginPostWithoutTheCsrfTokenDoesNotSignIn() throws Exception {
        String email = TestAccounts.uniqueEmail("csrf");
        accounts.register(email, "Login CSRF", TestAccounts.PASSWORD);
        // What a form on another site posts: the right credentials (the attacker's own account), no CSRF token.
        mvc.perform(post("/login").param("username", email).param("password", TestAccounts.PASSWORD)
                        .header("Origin", "https://attacker.example").header("Sec-Fetch-Site", "cross-site"))
                .andExpect(unauthenticated())
                .andExpect(redirectedUrl("/login?expired"));
        mvc.perform(post("/login").param("username", email).param("password", TestAccounts.PASSWORD)
                        .param("_csrf", "forged"))
                .andExpect(unauthenticated());
    }

    @Test
    void aDisabledAccountIsOnlyCalledDisabledAfterItsRightPassword() throws Exception {
        String email = TestAccounts.uniqueEmail("disabled-quiet");
        Account admin = accounts.register(TestAccounts.uniqueEmail("admin"), "Admin", TestAccounts.PASSWORD);
        accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        Account account = accounts.register(email, "Disabled", TestAccounts.PASSWORD);
        accounts.setEnabled(admin.getId(), account.getId(), false);

        // A wrong password gets the answer any wrong password gets: nothing about the account's state.
        mvc.perform(login(email, "not the password", "198.51.100.4"))
                .andExpect(unauthenticated())
                .andExpect(redirectedUrl("/login?error"));
        mvc.perform(login(email, TestAccounts.PASSWORD, "198.51.100.4"))
                .andExpect(unauthenticated())
                .andExpect(redirectedUrl("/login?disabled"));
    }

    /** What the login form posts, from a given client address. */
    private static MockHttpServletRequestBuilder login(String email, String password, String address) {
        return post("/login").param("username", email).param("password", password).with(csrf()).with(request -> {
            request.setRemoteAddr(address);
            return request;
        });
    }
}
