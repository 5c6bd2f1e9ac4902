package org.chestlens.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import org.chestlens.accounts.ApiTokenService;
import org.chestlens.security.ChestLensPrincipal;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The REST API's own filter chain: stateless, no cookies or CSRF, callers identified by a
 * personal bearer token (or anonymous). Who may call what is declared on each handler with
 * {@code @PreAuthorize}; {@code ApiAccessRulesTest} fails on a handler without it.
 */
@Configuration
@EnableMethodSecurity
class ApiSecurityConfig {

    static final String BASE = "/api";

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurityFilterChain(HttpSecurity http, ApiTokenService tokens, ObjectMapper json,
                                               ObjectProvider<SecurityContextHolderStrategy> strategies) throws Exception {
        // The same holder strategy as method security reads (Vaadin registers its own as a bean), not the
        // JVM-global one, which another application context in the same JVM may have replaced.
        SecurityContextHolderStrategy strategy = strategies.getIfAvailable(SecurityContextHolder::getContextHolderStrategy);
        http.securityMatcher(BASE + "/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .addFilterBefore(new BearerTokenFilter(tokens, json, strategy), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> writeProblem(json, response, HttpStatus.UNAUTHORIZED,
                                "Sign-in required", "Send a personal API token: Authorization: Bearer <token>.", "unauthorized"))
                        .accessDeniedHandler((request, response, e) -> writeProblem(json, response, HttpStatus.FORBIDDEN,
                                "Not allowed", "Your account may not use this operation.", "forbidden")));
        return http.build();
    }

    static void writeProblem(ObjectMapper json, HttpServletResponse response, HttpStatus status, String title,
                             String detail, String code) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("https://chestlens.org/problems/" + code));
        problem.setProperty("code", code);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        json.writeValue(response.getOutputStream(), problem);
    }

    /** A present but wrong token is an error, never a silent fall-back to anonymous. */
    static final class BearerTokenFilter extends OncePerRequestFilter {

        private final ApiTokenService tokens;
        private final ObjectMapper json;
        private final SecurityContextHolderStrategy strategy;

        BearerTokenFilter(ApiTokenService tokens, ObjectMapper json, SecurityContextHolderStrategy strategy) {
            this.tokens = tokens;
            this.json = json;
            this.strategy = strategy;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header != null) {
                Optional<ChestLensPrincipal> principal = header.regionMatches(true, 0, "Bearer ", 0, 7)
                        ? tokens.authenticate(header.substring(7).trim()) : Optional.empty();
                if (principal.isEmpty()) {
                    writeProblem(json, response, HttpStatus.UNAUTHORIZED, "Invalid token",
                            "The API token is unknown, revoked or expired, or its account is disabled.", "invalid-token");
                    return;
                }
                SecurityContext context = strategy.createEmptyContext();
                context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                        principal.get(), null, principal.get().getAuthorities()));
                strategy.setContext(context);
            }
            chain.doFilter(request, response);
        }
    }
}
