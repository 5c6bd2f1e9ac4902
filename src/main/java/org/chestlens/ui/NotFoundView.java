package org.chestlens.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.server.HttpStatusCode;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * "Not found" inside the usual layout, for an address no page answers, for everyone (signed in or not).
 * A page the visitor may not open also lands here in production mode, so it does not reveal that it exists.
 * Anonymous visitors reach it because {@code SecurityConfig} lets requests for unknown routes through
 * instead of sending them to the sign-in page.
 */
@ParentLayout(MainLayout.class)
@PageTitle("Page not found | ChestLens")
@AnonymousAllowed
public class NotFoundView extends Div implements HasErrorParameter<NotFoundException> {

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        removeAll();
        addClassName("cl-not-found");
        H1 title = new H1("Page not found");
        title.setId("not-found-title");
        Paragraph text = new Paragraph("There is no page at /" + event.getLocation().getPath()
                + ". The address may be mistyped, or the page may have moved.");
        text.setId("not-found-text");
        Anchor home = new Anchor("", "Go to the start page");
        home.setId("not-found-home");
        Anchor upload = new Anchor("upload", "Analyse an X-ray");
        Div links = new Div(home, upload);
        links.addClassName("cl-actions");
        add(title, text, links);
        return HttpStatusCode.NOT_FOUND.getCode();
    }
}
