package org.chestlens.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.chestlens.RawHttp;
import org.chestlens.SignInForm;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.AccountService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Web security over real HTTP, through Tomcat (MockMvc has no session cookies and no connector valves): the pages'
 * headers, the session cookie's attributes, and sign-in throttling behind a reverse proxy. The test configuration
 * trusts 127.0.0.2 as a proxy ({@code chestlens.trusted-proxies}); requests are sent from a socket bound to
 * 127.0.0.2 (the proxy) or 127.0.0.1 (a client talking to the server directly).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebSecurityHttpIT {

    private static final String PROXY = "127.0.0.2";
    private static final String DIRECT = "127.0.0.1";

    @LocalServerPort
    int port;

    @Autowired
    AccountService accounts;

    @Test
    void pagesOpenedDirectlyCarryTheSecurityHeaders() throws IOException {
        for (String page : new String[] {"/", "/login", "/admin/usage", "/does-not-exist"}) {
            RawHttp.Reply response = get(DIRECT, page, Map.of());
            assertThat(response.header("Content-Security-Policy")).as(page).hasValueSatisfying(csp -> assertThat(csp)
                    .contains("default-src 'self'", "object-src 'none'", "frame-ancestors 'self'", "base-uri 'self'",
                            "form-action 'self'"));
            assertThat(response.header("Permissions-Policy")).as(page).hasValueSatisfying(p -> assertThat(p).contains("camera=()"));
            assertThat(response.header("X-Frame-Options")).as(page).hasValue("SAMEORIGIN");
            assertThat(response.header("X-Content-Type-Options")).as(page).hasValue("nosniff");
            assertThat(response.header("Referrer-Policy")).as(page).hasValue("same-origin");
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteLaxAndSecureWhenTheProxyTerminatedTls() throws IOException {
        String plain = get(DIRECT, "/login", Map.of()).sessionCookie().orElseThrow();
        assertThat(plain).contains("HttpOnly").containsIgnoringCase("SameSite=Lax").doesNotContain("Secure");

        String overTls = get(PROXY, "/login", Map.of("X-Forwarded-For", "198.51.100.20",
                "X-Forwarded-Proto", "https")).sessionCookie().orElseThrow();
        assertThat(overTls).contains("HttpOnly", "Secure").containsIgnoringCase("SameSite=Lax");

        // A client cannot claim TLS for itself.
        String claimed = get(DIRECT, "/login", Map.of("X-Forwarded-Proto", "https"))
                .sessionCookie().orElseThrow();
        assertThat(claimed).doesNotContain("Secure");
    }

    @Test
    void behindTheTrustedProxyEachClientIsThrottledByItsOwnAddressAndNobodyElseCanPickOne() throws IOException {
        String email = TestAccounts.uniqueEmail("proxied");
        accounts.register(email, "Proxied", TestAccounts.PASSWORD);
        String sprayer = "203.0.113." + ThreadLocalRandom.current().nextInt(1, 250);
        String neighbour = "198.51.100." + ThreadLocalRandom.current().nextInt(1, 250);

        // Ten wrong passwords from one client behind the proxy lock that client's address.
        for (int i = 0; i < 10; i++) {
            assertThat(SignInForm.signIn(port, PROXY, sprayer, TestAccounts.uniqueEmail("spray"), "guess")).isEqualTo("/login?error");
        }
        // Its next guess is checked, the one after it waits for the interval.
        assertThat(SignInForm.signIn(port, PROXY, sprayer, TestAccounts.uniqueEmail("spray"), "guess")).isEqualTo("/login?error");
        assertThat(SignInForm.signIn(port, PROXY, sprayer, TestAccounts.uniqueEmail("spray"), "guess")).isEqualTo("/login?throttled");
        // Another client behind the same proxy is not affected: it signs in.
        assertThat(SignInForm.signIn(port, PROXY, neighbour, email, TestAccounts.PASSWORD)).isEqualTo("/");
        // Talking to the server directly, a client's X-Forwarded-For is ignored: it cannot borrow the locked address
        // (nor escape its own).
        assertThat(SignInForm.signIn(port, DIRECT, sprayer, TestAccounts.uniqueEmail("spray"), "guess")).isEqualTo("/login?error");
    }

    /** A page as a browser asks for it, from the local address {@code from}. */
    private RawHttp.Reply get(String from, String path, Map<String, String> headers) throws IOException {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("Accept", "text/html");
        return RawHttp.send(InetAddress.getByName(from), port, RawHttp.request("GET", path, all, null));
    }
}
