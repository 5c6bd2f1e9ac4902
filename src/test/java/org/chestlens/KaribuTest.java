package org.chestlens;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.github.mvysny.kaributesting.v10.spring.MockSpringServlet;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.spring.SpringServlet;
import java.util.ArrayList;
import java.util.List;
import kotlin.jvm.functions.Function0;
import org.chestlens.security.ChestLensPrincipal;
import org.chestlens.security.Roles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Base for Vaadin view tests: the real Spring context (real PostgreSQL), views driven by Karibu
 * without a browser. Sign-in puts a {@link ChestLensPrincipal} where Spring Security and Vaadin's
 * navigation access control look for it. Carries {@code @AutoConfigureMockMvc} so that view tests
 * and HTTP-level tests share one Spring context (and one database server).
 */
@SpringBootTest
@AutoConfigureMockMvc
public abstract class KaribuTest {

    private static Routes routes;

    @Autowired
    protected ApplicationContext context;

    @BeforeAll
    static void discoverRoutes() {
        if (routes == null) {
            routes = new Routes().autoDiscoverViews("org.chestlens");
        }
    }

    @BeforeEach
    void setUpVaadin() {
        // Each Spring context installs its own Vaadin holder strategy JVM-wide; when the cache switches back to this
        // context after another one started, make its strategy the current one again so that code reading the global
        // holder (Vaadin, these tests) and code using the bean (Spring Security) agree.
        SecurityContextHolder.setContextHolderStrategy(context.getBean(SecurityContextHolderStrategy.class));
        Function0<UI> uiFactory = UI::new;
        SpringServlet servlet = new MockSpringServlet(routes, context, uiFactory);
        MockVaadin.setup(uiFactory, servlet);
    }

    @AfterEach
    void tearDownVaadin() {
        signOut();
        MockVaadin.tearDown();
    }

    /** Signs in as the given account, as the login form would after a correct password. */
    protected void signIn(long accountId, String email, String displayName, boolean admin) {
        List<SimpleGrantedAuthority> authorities = new ArrayList<>();
        authorities.add(new SimpleGrantedAuthority("ROLE_" + Roles.CLINICIAN));
        if (admin) {
            authorities.add(new SimpleGrantedAuthority("ROLE_" + Roles.ADMIN));
        }
        ChestLensPrincipal principal = new ChestLensPrincipal(accountId, email, displayName, "", true, authorities);
        signIn(UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities));
    }

    protected void signIn(Authentication authentication) {
        SecurityContextHolder.getContext().setAuthentication(authentication);
        var request = (com.github.mvysny.fakeservlet.FakeRequest) VaadinServletRequest.getCurrent().getRequest();
        request.setUserPrincipalInt(authentication);
        request.setUserInRole((principal, role) -> authentication.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals("ROLE_" + role)));
        // As after a real sign-in, the page is loaded anew: the layout shows the user and their navigation.
        UI.getCurrent().getPage().reload();
    }

    protected void signOut() {
        SecurityContextHolder.clearContext();
        if (VaadinServletRequest.getCurrent() != null) {
            var request = (com.github.mvysny.fakeservlet.FakeRequest) VaadinServletRequest.getCurrent().getRequest();
            request.setUserPrincipalInt(null);
            request.setUserInRole((principal, role) -> false);
        }
    }
}
