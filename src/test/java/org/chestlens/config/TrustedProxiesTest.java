package org.chestlens.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.apache.catalina.valves.RemoteIpValve;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;

class TrustedProxiesTest {

    @Test
    void noProxyIsTrustedByDefault() {
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
        new TrustedProxies("").customize(factory);
        assertThat(factory.getEngineValves()).isEmpty();
    }

    @Test
    void exactlyTheListedAddressesAreTrusted() {
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
        new TrustedProxies(" 10.0.0.5, ::1 ,10.0.0.5").customize(factory);
        assertThat(factory.getEngineValves()).singleElement().isInstanceOf(RemoteIpValve.class);
        RemoteIpValve valve = (RemoteIpValve) factory.getEngineValves().iterator().next();
        Pattern trusted = Pattern.compile(valve.getInternalProxies());
        assertThat(trusted.matcher("10.0.0.5").matches()).isTrue();
        // Tomcat reports IPv6 peers written out in full.
        assertThat(trusted.matcher("0:0:0:0:0:0:0:1").matches()).isTrue();
        // Dots are literal, and nothing else matches: not a private range, not a prefix.
        assertThat(trusted.matcher("10.0.0.50").matches()).isFalse();
        assertThat(trusted.matcher("10a0b0c5").matches()).isFalse();
        assertThat(trusted.matcher("127.0.0.1").matches()).isFalse();
        assertThat(valve.getProtocolHeader()).isEqualTo("X-Forwarded-Proto");
    }

    @Test
    void hostNamesAreRefused() {
        assertThatThrownBy(() -> new TrustedProxies("proxy.internal")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IP addresses");
    }
}
