package org.chestlens.operations;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.util.StringUtils;

/**
 * Who may read what of Actuator, on the application port. Health and its liveness/readiness groups: anyone (load
 * balancers probe them; they say up or down and nothing else). Prometheus: only from {@code
 * chestlens.metrics.allowed-addresses} (default loopback) on a direct connection, or with {@code Authorization:
 * Bearer <chestlens.metrics.token>} from anywhere. Everything else under {@code /actuator}: nobody (and Actuator
 * exposes nothing else: application.properties).
 */
@Configuration(proxyBeanMethods = false)
class ActuatorSecurityConfig {

    @Bean
    @Order(0)
    SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http, MetricsAccess metricsAccess) throws Exception {
        http.securityMatcher("/actuator/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/actuator/prometheus").access(metricsAccess)
                        .anyRequest().denyAll())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.FORBIDDEN)));
        return http.build();
    }

    @Bean
    MetricsAccess metricsAccess(@Value("${chestlens.metrics.allowed-addresses:127.0.0.0/8,::1}") List<String> addresses,
                                @Value("${chestlens.metrics.token:}") String token) {
        return new MetricsAccess(addresses, token);
    }

    /**
     * A request that came through a proxy (it carries forwarding headers) is never "from loopback", even though its
     * connection is: the balancer on the same machine would otherwise open the metrics to everyone behind it.
     */
    static final class MetricsAccess implements AuthorizationManager<RequestAuthorizationContext> {

        private static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");

        private final List<IpAddressMatcher> allowed;
        private final byte[] token;

        MetricsAccess(List<String> addresses, String token) {
            this.allowed = addresses.stream().map(String::trim).filter(StringUtils::hasText).map(IpAddressMatcher::new).toList();
            this.token = StringUtils.hasText(token) ? token.trim().getBytes(StandardCharsets.UTF_8) : null;
        }

        @Override
        public AuthorizationDecision check(java.util.function.Supplier<org.springframework.security.core.Authentication> authentication,
                                           RequestAuthorizationContext context) {
            HttpServletRequest request = context.getRequest();
            return new AuthorizationDecision(hasToken(request) || (!forwarded(request) && fromAllowedAddress(request)));
        }

        private boolean hasToken(HttpServletRequest request) {
            String header = request.getHeader("Authorization");
            return token != null && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                    && MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
        }

        private static boolean forwarded(HttpServletRequest request) {
            return FORWARDING_HEADERS.stream().anyMatch(h -> request.getHeader(h) != null);
        }

        private boolean fromAllowedAddress(HttpServletRequest request) {
            String address = request.getRemoteAddr();
            return address != null && allowed.stream().anyMatch(m -> m.matches(address));
        }
    }
}
