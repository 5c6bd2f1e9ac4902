package org.chestlens.security;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mvysny.kaributesting.v10.MockAccessDeniedException;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.router.RouteConfiguration;
import com.vaadin.flow.router.RouteData;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import org.chestlens.KaribuTest;
import org.chestlens.accounts.LoginView;
import org.chestlens.admin.UsersView;
import org.junit.jupiter.api.Test;

class AccessRulesTest extends KaribuTest {

    @Test
    void everyRouteDeclaresWhoMayUseIt() {
        List<RouteData> routes = RouteConfiguration.forApplicationScope().getAvailableRoutes();
        assertThat(routes).hasSizeGreaterThan(4);
        for (RouteData route : routes) {
            Class<?> view = route.getNavigationTarget();
            boolean declared = view.isAnnotationPresent(AnonymousAllowed.class) || view.isAnnotationPresent(PermitAll.class)
                    || view.isAnnotationPresent(RolesAllowed.class) || view.isAnnotationPresent(DenyAll.class);
            assertThat(declared).as("access rule on route '%s' (%s)", route.getTemplate(), view.getName()).isTrue();
        }
    }

    @Test
    void anonymousVisitorIsSentToSignInFromProtectedViews() {
        UI.getCurrent().navigate("profile");
        _get(LoginView.class);
        UI.getCurrent().navigate("admin/users");
        _get(LoginView.class);
        UI.getCurrent().navigate("admin/usage");
        _get(LoginView.class);
    }

    @Test
    void clinicianIsRefusedFromAdminViews() {
        signIn(424242L, "clinician-only@example.org", "Clin", false);
        // Karibu surfaces Vaadin's refusal as an exception (its message is empty in production mode).
        for (String adminRoute : List.of("admin/users", "admin/usage", "admin/audit")) {
            assertThatThrownBy(() -> UI.getCurrent().navigate(adminRoute)).isInstanceOf(MockAccessDeniedException.class);
        }
        _assertNone(UsersView.class);
    }
}
