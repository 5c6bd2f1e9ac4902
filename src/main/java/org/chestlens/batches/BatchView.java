package org.chestlens.batches;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.chestlens.security.Roles;
import org.chestlens.ui.Dates;
import org.chestlens.ui.MainLayout;

/** One batch of the signed-in clinician's, with live progress; another clinician's batch is "not found". */
@Route(value = "batches/:" + BatchView.BATCH_ID, layout = MainLayout.class)
@PageTitle("Batch upload | ChestLens")
@RolesAllowed(Roles.CLINICIAN)
public class BatchView extends Div implements BeforeEnterObserver {

    static final String BATCH_ID = "batchId";

    final H1 title = new H1("Batch upload");
    final Paragraph started = new Paragraph();
    final BatchProgress progress;

    public BatchView(BatchService batches, BatchProgressFeed feed) {
        this.progress = new BatchProgress(batches, feed);
        addClassName("cl-wide");
        started.setId("batch-started");
        started.addClassName("cl-muted");
        Anchor another = new Anchor("batches/new", "Upload another batch");
        another.setId("new-batch");
        add(title, started, progress, new Paragraph(another));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        String id = event.getRouteParameters().get(BATCH_ID).orElse("");
        if (!progress.show(id)) {
            event.rerouteToError(NotFoundException.class);
            return;
        }
        progress.batch().ifPresent(b -> started.setText("Started " + Dates.dateTime(b.createdAt()) + ", "
                + b.items().size() + (b.items().size() == 1 ? " file." : " files.")));
    }
}
