package org.chestlens.analysis;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import org.chestlens.ui.MainLayout;

/** Placeholder until the analysis pipeline lands: says so honestly instead of faking results. */
@Route(value = "upload", layout = MainLayout.class)
@PageTitle("Analyse an X-ray | ChestLens")
@Menu(title = "Upload", order = 1, icon = "vaadin:upload")
@AnonymousAllowed
public class UploadView extends Div {

    public UploadView() {
        add(new H1("Analyse an X-ray"),
                new Paragraph("The analysis service is being set up and is not available yet. "
                        + "No image is accepted and no result is shown until it is."));
    }
}
