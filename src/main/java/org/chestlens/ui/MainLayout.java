package org.chestlens.ui;

import com.vaadin.flow.component.HasElement;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Footer;
import com.vaadin.flow.component.html.Header;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.server.menu.MenuEntry;
import org.chestlens.security.ChestLensPrincipal;
import org.chestlens.security.CurrentUser;
import org.chestlens.security.Roles;

/**
 * The application shell: product name, who is signed in, navigation to what the current user may
 * open (from the views' {@code @Menu} entries, already filtered by access rules), and the
 * disclaimer under every page.
 */
@AnonymousAllowed
public class MainLayout extends AppLayout implements AfterNavigationObserver {

    public static final String DISCLAIMER = "Decision support for education and research, not a medical diagnosis.";

    private final Div content = new Div();
    private final SideNav navigation = new SideNav();
    private final CurrentUser currentUser;

    public MainLayout(CurrentUser currentUser) {
        this.currentUser = currentUser;
        setPrimarySection(Section.DRAWER);
        addToNavbar(new DrawerToggle(), brand(), userArea());

        navigation.getElement().setAttribute("aria-label", "Main navigation");
        navigation.addClassName("cl-nav");
        addToDrawer(navigation);
        buildNavigation();

        content.addClassName("cl-page");
        Footer footer = new Footer(new Span(DISCLAIMER));
        footer.addClassName("cl-footer");
        footer.setId("disclaimer");
        Div wrapper = new Div(content, footer);
        wrapper.addClassName("cl-content");
        setContent(wrapper);
    }

    private Header brand() {
        Anchor name = new Anchor("", "ChestLens");
        name.addClassName("cl-brand");
        name.getElement().setAttribute("aria-label", "ChestLens home");
        Header header = new Header(name);
        header.addClassName("cl-brand-wrap");
        return header;
    }

    private HorizontalLayout userArea() {
        HorizontalLayout area = new HorizontalLayout();
        area.addClassName("cl-user");
        area.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        ChestLensPrincipal user = currentUser.get().orElse(null);
        if (user == null) {
            Button signIn = new Button("Sign in", e -> getUI().ifPresent(ui -> ui.navigate(Roles.LOGIN_PATH)));
            signIn.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            Button register = new Button("Register", e -> getUI().ifPresent(ui -> ui.navigate("register")));
            register.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            area.add(signIn, register);
        } else {
            Span name = new Span(user.displayName());
            name.addClassName("cl-user-name");
            name.setId("current-user-name");
            Span role = new Span(user.isAdmin() ? "Admin" : "Clinician");
            role.getElement().getThemeList().add("badge contrast");
            role.setId("current-user-role");
            Button signOut = new Button("Sign out", new Icon("vaadin", "sign-out"), e -> currentUser.logout());
            signOut.setId("sign-out");
            signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            area.add(name, role, signOut);
        }
        return area;
    }

    private void buildNavigation() {
        for (MenuEntry entry : MenuConfiguration.getMenuEntries()) {
            SideNavItem item = entry.icon() == null
                    ? new SideNavItem(entry.title(), entry.path())
                    : new SideNavItem(entry.title(), entry.path(), new Icon(entry.icon()));
            navigation.addItem(item);
        }
    }

    @Override
    public void showRouterLayoutContent(HasElement view) {
        content.removeAll();
        content.getElement().appendChild(view.getElement());
    }

    @Override
    public void afterNavigation(AfterNavigationEvent event) {
        // Keep the drawer out of the way on phones after a choice was made.
        if (isOverlay()) {
            setDrawerOpened(false);
        }
    }
}
