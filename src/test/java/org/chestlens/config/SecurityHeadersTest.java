package org.chestlens.config;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;

import java.util.List;
import org.chestlens.KaribuTest;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The headers Spring Security writes on every response of the browser filter chain. MockMvc cannot forward to
 * Vaadin's servlet, so this looks at responses the chain answers itself (sign-in redirects);
 * {@code WebSecurityHttpIT} checks the real pages over HTTP.
 */
class SecurityHeadersTest extends KaribuTest {

    @Autowired
    MockMvc mvc;

    @Test
    void pagesCarryAContentSecurityPolicyAndThePermissionsFramingSniffingAndReferrerRules() throws Exception {
        MockHttpServletRequestBuilder wrongPassword = post("/login").param("username", "nobody@example.org")
                .param("password", "wrong").with(csrf());
        MockHttpServletRequestBuilder noToken = post("/login").param("username", "nobody@example.org").param("password", "wrong");
        for (MockHttpServletRequestBuilder request : List.of(wrongPassword, noToken)) {
            mvc.perform(request)
                    .andExpect(header().string("Content-Security-Policy", Matchers.allOf(
                            Matchers.containsString("default-src 'self'"),
                            Matchers.containsString("object-src 'none'"),
                            Matchers.containsString("base-uri 'self'"),
                            Matchers.containsString("form-action 'self'"),
                            Matchers.containsString("frame-ancestors 'self'"),
                            Matchers.containsString("connect-src 'self'"),
                            Matchers.not(Matchers.containsString("*")),
                            Matchers.not(Matchers.containsString("http:")))))
                    .andExpect(header().string("Permissions-Policy", Matchers.allOf(
                            Matchers.containsString("camera=()"),
                            Matchers.containsString("microphone=()"),
                            Matchers.containsString("geolocation=()"),
                            Matchers.containsString("clipboard-write=(self)"))))
                    .andExpect(header().string("X-Frame-Options", "SAMEORIGIN"))
                    .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                    .andExpect(header().string("Referrer-Policy", "same-origin"));
        }
    }
}
