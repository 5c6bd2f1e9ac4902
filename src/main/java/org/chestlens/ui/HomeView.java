package org.chestlens.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import org.chestlens.security.CurrentUser;
import org.chestlens.security.Roles;

/** What ChestLens is, in two sentences, and the way in: analyse an X-ray now, or sign in. */
@Route(value = "", layout = MainLayout.class)
@PageTitle("ChestLens: a second look at chest X-rays")
@Menu(title = "Home", order = 0, icon = "vaadin:home")
@AnonymousAllowed
public class HomeView extends Div {

    public HomeView(CurrentUser currentUser) {
        addClassName("cl-home");
        H1 title = new H1("A fast, explainable second look at chest X-rays");
        Paragraph pitch = new Paragraph("ChestLens estimates the probability of common findings on a frontal chest X-ray "
                + "with an ensemble of neural networks and shows where on the image the evidence lies. "
                + "It also says how unusual the image is compared with normal X-rays, shows similar reference "
                + "cases, and tells you plainly when it cannot analyse an image.");
        pitch.addClassName("cl-lead");

        Button analyse = new Button("Analyse an X-ray", new Icon("vaadin", "upload"),
                e -> getUI().ifPresent(ui -> ui.navigate("upload")));
        analyse.setId("analyse-xray");
        analyse.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_LARGE);
        Div actions = new Div(analyse);
        actions.addClassName("cl-actions");
        if (currentUser.get().isEmpty()) {
            Button signIn = new Button("Sign in", e -> getUI().ifPresent(ui -> ui.navigate(Roles.LOGIN_PATH)));
            Button register = new Button("Register as a clinician", e -> getUI().ifPresent(ui -> ui.navigate("register")));
            register.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            actions.add(signIn, register);
        }
        Paragraph anonymous = new Paragraph("No account needed to analyse an image. Clinicians who register can keep "
                + "patients, follow each finding over time and export PDF reports.");
        anonymous.addClassName("cl-muted");
        add(title, pitch, actions, anonymous);
    }
}
