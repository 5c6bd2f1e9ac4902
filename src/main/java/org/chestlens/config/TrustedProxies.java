package org.chestlens.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.catalina.valves.RemoteIpValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Behind a reverse proxy every request comes from the proxy's address, so the sign-in throttle would count all
 * users as one. {@code chestlens.trusted-proxies} ({@code CHESTLENS_TRUSTED_PROXIES}) lists the proxies' own
 * addresses (IP literals, comma-separated; none by default): for a request from one of them, Tomcat takes the client
 * address from {@code X-Forwarded-For} (the rightmost entry not itself a trusted proxy) and the scheme from
 * {@code X-Forwarded-Proto}, so the session cookie is marked Secure when the proxy terminated TLS. From any other
 * address these headers are ignored: a client cannot pick the address it is throttled as.
 */
@Component
class TrustedProxies implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private static final Logger log = LoggerFactory.getLogger(TrustedProxies.class);
    // Only IP literals: a host name would need DNS at start-up and could change under us.
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private final List<String> addresses;

    TrustedProxies(@Value("${chestlens.trusted-proxies:}") String addresses) {
        this.addresses = parse(addresses);
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        if (addresses.isEmpty()) {
            return;
        }
        factory.addEngineValves(valve(addresses));
        log.info("Trusting X-Forwarded-For and X-Forwarded-Proto from {}", addresses);
    }

    static RemoteIpValve valve(List<String> addresses) {
        RemoteIpValve valve = new RemoteIpValve();
        valve.setInternalProxies(addresses.stream().map(Pattern::quote).collect(Collectors.joining("|")));
        valve.setTrustedProxies(null);
        valve.setRemoteIpHeader("X-Forwarded-For");
        valve.setProtocolHeader("X-Forwarded-Proto");
        valve.setProtocolHeaderHttpsValue("https");
        return valve;
    }

    /** Each address in the form Tomcat reports a peer (IPv6 written out in full), so that they compare equal. */
    static List<String> parse(String addresses) {
        return Arrays.stream(addresses.split(","))
                .map(String::strip)
                .filter(a -> !a.isEmpty())
                .map(TrustedProxies::canonical)
                .distinct()
                .toList();
    }

    private static String canonical(String address) {
        if (!IP_LITERAL.matcher(address).matches()) {
            throw new IllegalArgumentException("chestlens.trusted-proxies takes IP addresses, not '" + address + "'");
        }
        try {
            return InetAddress.getByName(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("chestlens.trusted-proxies: '" + address + "' is not an IP address", e);
        }
    }
}
