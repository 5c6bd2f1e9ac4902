package org.chestlens.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/** Who may read /actuator/prometheus: allowed addresses on a direct connection, or the token from anywhere. */
class MetricsAccessTest {

    private static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1");

    @Test
    void loopbackIsAllowedByDefaultAndOtherAddressesAreNot() {
        ActuatorSecurityConfig.MetricsAccess access = new ActuatorSecurityConfig.MetricsAccess(LOOPBACK, "");
        assertThat(allowed(access, request("127.0.0.1"))).isTrue();
        assertThat(allowed(access, request("127.0.0.2"))).isTrue();
        assertThat(allowed(access, request("0:0:0:0:0:0:0:1"))).isTrue();
        assertThat(allowed(access, request("192.0.2.10"))).isFalse();
        assertThat(allowed(access, request("2001:db8::1"))).isFalse();
    }

    @Test
    void aRequestRelayedByAProxyOnLoopbackIsNotLocal() {
        ActuatorSecurityConfig.MetricsAccess access = new ActuatorSecurityConfig.MetricsAccess(LOOPBACK, "");
        for (String header : List.of("X-Forwarded-For", "Forwarded", "X-Real-IP")) {
            MockHttpServletRequest relayed = request("127.0.0.1");
            relayed.addHeader(header, "203.0.113.9");
            assertThat(allowed(access, relayed)).as(header).isFalse();
        }
    }

    @Test
    void configuredAddressesReplaceTheDefault() {
        ActuatorSecurityConfig.MetricsAccess access = new ActuatorSecurityConfig.MetricsAccess(List.of("10.1.2.0/24"), "");
        assertThat(allowed(access, request("10.1.2.77"))).isTrue();
        assertThat(allowed(access, request("10.1.3.1"))).isFalse();
        assertThat(allowed(access, request("127.0.0.1"))).isFalse();
    }

    @Test
    void theTokenOpensItFromAnywhereAndAWrongOneDoesNot() {
        ActuatorSecurityConfig.MetricsAccess access = new ActuatorSecurityConfig.MetricsAccess(List.of(), "s3cret-scrape-token");
        MockHttpServletRequest remote = request("198.51.100.4");
        remote.addHeader("X-Forwarded-For", "198.51.100.4");
        assertThat(allowed(access, remote)).isFalse();
        remote.addHeader("Authorization", "Bearer s3cret-scrape-token");
        assertThat(allowed(access, remote)).isTrue();

        MockHttpServletRequest wrong = request("198.51.100.4");
        wrong.addHeader("Authorization", "Bearer s3cret-scrape-tokeN");
        assertThat(allowed(access, wrong)).isFalse();
    }

    @Test
    void withoutATokenNoBearerHeaderOpensIt() {
        ActuatorSecurityConfig.MetricsAccess access = new ActuatorSecurityConfig.MetricsAccess(List.of(), "  ");
        MockHttpServletRequest request = request("198.51.100.4");
        request.addHeader("Authorization", "Bearer ");
        assertThat(allowed(access, request)).isFalse();
    }

    private static MockHttpServletRequest request(String remoteAddress) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/actuator/prometheus");
        request.setRemoteAddr(remoteAddress);
        return request;
    }

    private static boolean allowed(ActuatorSecurityConfig.MetricsAccess access, MockHttpServletRequest request) {
        return access.check(() -> null, new RequestAuthorizationContext(request)).isGranted();
    }
}
