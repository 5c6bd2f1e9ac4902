package org.chestlens.config;

import com.vaadin.flow.spring.SpringServlet;
import com.vaadin.flow.spring.VaadinConfigurationProperties;
import com.vaadin.flow.spring.security.RequestUtil;
import com.vaadin.flow.spring.security.VaadinAwareSecurityContextHolderStrategyConfiguration;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import org.chestlens.accounts.LoginView;
import org.chestlens.accounts.SignInThrottledException;
import org.chestlens.security.Roles;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Browser security: Vaadin's navigation access control (every view carries an access annotation),
 * form login on the {@code login} view, and a session registry ({@code accounts.AccountSessionRegistry}) so that
 * disabling an account ends its sessions on every node.
 */
@Configuration
@EnableWebSecurity
@Import(VaadinAwareSecurityContextHolderStrategyConfiguration.class)
class SecurityConfig {

    /**
     * What the pages may load and run. Vaadin Flow needs {@code script-src 'unsafe-inline'} (the bootstrap page
     * starts its client engine with an inline script carrying the first UI state) and {@code 'unsafe-eval'} (the
     * engine turns the JavaScript the server sends, executeJs() calls and event data expressions, into functions;
     * ChestLens itself uses executeJs for the upload preview and clipboard), and {@code style-src 'unsafe-inline'}
     * (components set inline styles). Everything else is held to this origin: no plug-ins, no foreign scripts,
     * images, fonts or connections, forms post only here, and only this origin may frame the pages. Upload previews
     * are blob: images, Lumo's icons and fonts data: URLs.
     */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'");

    /** Browser features the pages never use are off; the clipboard (copy a result link or token) only here. */
    static final String PERMISSIONS_POLICY = String.join(", ",
            "accelerometer=()", "camera=()", "display-capture=()", "geolocation=()", "gyroscope=()",
            "hid=()", "magnetometer=()", "microphone=()", "midi=()", "payment=()", "serial=()", "usb=()",
            "fullscreen=(self)", "clipboard-write=(self)");

    @Bean
    SecurityFilterChain vaadinSecurityFilterChain(HttpSecurity http, SessionRegistry sessionRegistry,
                                                  ServletRegistrationBean<SpringServlet> vaadinServlet,
                                                  VaadinConfigurationProperties vaadinProperties,
                                                  RequestUtil vaadinRequests) throws Exception {
        http.authorizeHttpRequests(auth -> auth
                .requestMatchers("/images/**", "/icons/**").permitAll()
                // An unknown address shows "not found" to everyone, not the sign-in page.
                .requestMatchers(new UnknownRoutes(vaadinServlet, vaadinProperties)).permitAll());
        // Vaadin exempts the login form's POST from CSRF protection, so a page on any site could sign a visitor in
        // to an account of the attacker's (login CSRF). Here only Vaadin's own requests, which carry Vaadin's CSRF
        // token, are exempt; the login form sends Spring's token, which Vaadin puts in the page (meta _csrf).
        http.with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin
                .loginView(LoginView.class, "/")
                .enableCsrfConfiguration(false));
        http.csrf(csrf -> csrf
                .ignoringRequestMatchers(vaadinRequests::isFrameworkInternalRequest)
                .withObjectPostProcessor(new ObjectPostProcessor<CsrfFilter>() {
                    @Override
                    public <O extends CsrfFilter> O postProcess(O filter) {
                        filter.setAccessDeniedHandler(csrfFailureHandler());
                        return filter;
                    }
                }));
        http.formLogin(form -> form.failureHandler(loginFailureHandler()));
        http.sessionManagement(session -> session
                .maximumSessions(-1)
                .sessionRegistry(sessionRegistry)
                .expiredUrl("/" + Roles.LOGIN_PATH + "?expired"));
        http.headers(headers -> headers
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                .frameOptions(frame -> frame.sameOrigin())
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .permissionsPolicyHeader(permissions -> permissions.policy(PERMISSIONS_POLICY)));
        return http.build();
    }

    /**
     * A sign-in without a valid CSRF token (a cross-site post, or a login page left open past the session's end)
     * goes back to the login page, not to an error page; anything else gets the usual 403.
     */
    private static AccessDeniedHandler csrfFailureHandler() {
        RequestMatcher loginPost = PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/" + Roles.LOGIN_PATH);
        AccessDeniedHandler forbidden = new AccessDeniedHandlerImpl();
        return (request, response, exception) -> {
            if (loginPost.matches(request)) {
                response.sendRedirect(request.getContextPath() + "/" + Roles.LOGIN_PATH + "?expired");
            } else {
                forbidden.handle(request, response, exception);
            }
        };
    }

    /** Tells the login view why a sign-in failed, without saying whether the email exists. */
    private static AuthenticationFailureHandler loginFailureHandler() {
        return (request, response, exception) -> {
            String reason = exception instanceof SignInThrottledException ? "throttled"
                    : exception instanceof LockedException ? "locked"
                    : exception instanceof DisabledException ? "disabled"
                    : "error";
            response.sendRedirect(request.getContextPath() + "/" + Roles.LOGIN_PATH + "?" + reason);
        };
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        // bcrypt by default, with the {id} prefix so the algorithm can be upgraded later.
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    HttpSessionEventPublisher httpSessionEventPublisher() {
        return new HttpSessionEventPublisher();
    }
}
