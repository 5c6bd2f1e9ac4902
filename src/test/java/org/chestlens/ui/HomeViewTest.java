package org.chestlens.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.LocatorJ;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Footer;
import com.vaadin.flow.component.sidenav.SideNavItem;
import org.chestlens.KaribuTest;
import org.junit.jupiter.api.Test;

class HomeViewTest extends KaribuTest {

    @Test
    void anonymousVisitorSeesPitchUploadAndSignInButNoProtectedNavigation() {
        UI.getCurrent().navigate("");
        _get(HomeView.class);
        assertThat(_get(Button.class, spec -> spec.withId("analyse-xray")).getText()).isEqualTo("Analyse an X-ray");
        assertThat(_get(Footer.class, spec -> spec.withId("disclaimer")).getElement().getTextRecursively())
                .isEqualTo("Decision support for education and research, not a medical diagnosis.");
        assertThat(LocatorJ._find(SideNavItem.class)).extracting(SideNavItem::getLabel)
                .contains("Home", "Upload").doesNotContain("Profile", "Admin: users");
    }

    @Test
    void clinicianSeesProfileButNotAdmin() {
        signIn(1L, "clin@example.org", "Dr Clin", false);
        UI.getCurrent().navigate("");
        assertThat(LocatorJ._find(SideNavItem.class)).extracting(SideNavItem::getLabel)
                .contains("Home", "Upload", "Profile").doesNotContain("Admin: users");
    }

    @Test
    void adminSeesAdminNavigation() {
        signIn(1L, "admin@example.org", "Ada Admin", true);
        UI.getCurrent().navigate("");
        assertThat(LocatorJ._find(SideNavItem.class)).extracting(SideNavItem::getLabel).contains("Admin: users");
    }
}
