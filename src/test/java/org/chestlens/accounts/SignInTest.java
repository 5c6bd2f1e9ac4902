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
    void bruteForceFromOneAddressIsThrottledForEveryAccount() throws Exception {
        String victim = TestAccounts.uniqueEmail("victim");
        accounts.register(victim, "Victim", TestAccounts.PASSWORD);
        for (int i = 0; i < 10; i++) {
            mvc.perform(login(TestAccounts.uniqueEmail("spray"), "guess", "192.0.2.99"));
        }
        mvc.perform(login(victim, TestAccounts.PASSWORD, "192.0.2.99")).andExpect(redirectedUrl("/login?locked"));
        mvc.perform(login(victim, TestAccounts.PASSWORD, "192.0.2.100")).andExpect(authenticated());
    }

    /** What the login form posts, from a given client address. */
    private static MockHttpServletRequestBuilder login(String email, String password, String address) {
        return post("/login").param("username", email).param("password", password).with(csrf()).with(request -> {
            request.setRemoteAddr(address);
            return request;
        });
    }
}
