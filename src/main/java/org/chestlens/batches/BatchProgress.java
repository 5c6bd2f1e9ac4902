package org.chestlens.batches;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.shared.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.chestlens.analysis.ResultView;
import org.chestlens.ui.CompactWidth;
import org.chestlens.ui.Dates;
import org.chestlens.ui.ServerPush;

/**
 * Where each file of a batch stands, read from PostgreSQL; while any file is queued or running, each change is pushed
 * to the page by the server ({@link BatchProgressFeed}, Vaadin push switched on for this page only by
 * {@link ServerPush}). The state is in the database, so a reload, another node or a restart show the same. Finished
 * files link to their result; refused ones say why.
 */
class BatchProgress extends Div {

    /** Below this window width the grid shows one combined column. */
    static final int COMPACT_WIDTH = 700;

    final Paragraph summary = new Paragraph();
    final ProgressBar bar = new ProgressBar();
    final Grid<BatchItem> grid = new Grid<>();

    private final BatchService batches;
    private final BatchProgressFeed feed;
    private String batchId;
    private Batch batch;
    private Registration following;

    BatchProgress(BatchService batches, BatchProgressFeed feed) {
        this.batches = batches;
        this.feed = feed;
        addClassName("cl-batch-progress");
        summary.setId("batch-summary");
        summary.getElement().setAttribute("aria-live", "polite");
        bar.setId("batch-progress");
        grid.setId("batch-items");
        grid.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT, GridVariant.LUMO_COMPACT);
        grid.setAllRowsVisible(true);
        detailColumns = List.of(
                grid.addColumn(BatchItem::position).setHeader("#").setWidth("4em").setFlexGrow(0),
                grid.addColumn(i -> i.patientReference().orElse("")).setHeader("Patient").setFlexGrow(1),
                grid.addColumn(i -> i.studyDate().map(Dates::date).orElse("")).setHeader("Study date").setFlexGrow(1),
                grid.addComponentColumn(BatchProgress::status).setKey("status").setHeader("Status").setAutoWidth(true)
                        .setFlexGrow(0),
                grid.addComponentColumn(BatchProgress::outcome).setKey("result").setHeader("Result").setFlexGrow(3));
        grid.addComponentColumn(BatchProgress::fileCell).setKey("file").setHeader("File").setFlexGrow(3);
        grid.setColumnOrder(detailColumns.get(0), grid.getColumnByKey("file"), detailColumns.get(1), detailColumns.get(2),
                detailColumns.get(3), detailColumns.get(4));
        add(summary, bar, grid);
        setVisible(false);
        CompactWidth.follow(this, COMPACT_WIDTH, this::compact);
    }

    private final List<Grid.Column<BatchItem>> detailColumns;

    /** Phones get one column: the file with its status, patient, date and result beneath (as My patients does). */
    void compact(boolean compact) {
        detailColumns.forEach(c -> c.setVisible(!compact));
        grid.getElement().setAttribute("compact", compact);
    }

    private static Component fileCell(BatchItem item) {
        Div cell = new Div(new Span(item.fileName()));
        Div details = new Div(status(item));
        String where = String.join(" · ", java.util.stream.Stream.of(item.patientReference().orElse(null),
                item.studyDate().map(Dates::date).orElse(null)).filter(java.util.Objects::nonNull).toList());
        if (!where.isEmpty()) {
            details.add(new Span(" " + where));
        }
        details.add(outcome(item));
        details.addClassName("cl-compact-only");
        cell.add(details);
        return cell;
    }

    /** Shows this batch of the signed-in clinician's; false when there is none of theirs with this id. */
    boolean show(String batchId) {
        this.batchId = batchId;
        boolean found = refresh();
        setVisible(found);
        return found;
    }

    /** Reads the batch again; false when it is gone (or not the caller's). */
    boolean refresh() {
        Optional<Batch> found = batchId == null ? Optional.empty() : batches.find(batchId);
        if (found.isEmpty()) {
            return false;
        }
        apply(found.get());
        return true;
    }

    /** Shows this state of the batch (read on this request, or pushed by the feed). */
    private void apply(Batch state) {
        batch = state;
        int total = batch.items().size();
        long done = batch.count(BatchItemStatus.DONE);
        List<String> parts = new ArrayList<>();
        parts.add(batch.finished() + " of " + total + (total == 1 ? " file" : " files") + " finished");
        parts.add(done + " analysed");
        addCount(parts, batch.count(BatchItemStatus.RUNNING), "analysing now");
        addCount(parts, batch.count(BatchItemStatus.QUEUED), "waiting");
        addCount(parts, batch.count(BatchItemStatus.REFUSED), "refused");
        addCount(parts, batch.count(BatchItemStatus.FAILED), "failed");
        summary.setText(String.join(" · ", parts) + (batch.complete() ? "." : "…"));
        bar.setValue(total == 0 ? 0 : (double) batch.finished() / total);
        grid.setItems(batch.items());
        getUI().ifPresent(this::follow);
    }

    Optional<Batch> batch() {
        return Optional.ofNullable(batch);
    }

    private static void addCount(List<String> parts, long n, String what) {
        if (n > 0) {
            parts.add(n + " " + what);
        }
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        follow(event.getUI());
    }

    @Override
    protected void onDetach(DetachEvent event) {
        unfollow();
        super.onDetach(event);
    }

    /** Follows the batch's changes while a file is unfinished, and stops when all are. */
    private void follow(UI ui) {
        if (batch == null || batch.complete()) {
            unfollow();
            return;
        }
        if (following == null) {
            ServerPush.neededBy(this, ui);
            following = feed.watch(ui, batch, this::apply);
        }
    }

    private void unfollow() {
        if (following != null) {
            following.remove();
            following = null;
        }
    }

    /** Whether the page follows the batch's changes now (pushed to it by the server). */
    boolean following() {
        return following != null;
    }

    private static Component status(BatchItem item) {
        Span badge = new Span(switch (item.status()) {
            case QUEUED -> "Waiting";
            case RUNNING -> "Analysing";
            case DONE -> item.reason().isPresent() ? "Not analysable" : "Analysed";
            case REFUSED -> "Refused";
            case FAILED -> "Failed";
        });
        badge.getElement().getThemeList().add(switch (item.status()) {
            case QUEUED, RUNNING -> "badge";
            case DONE -> item.reason().isPresent() ? "badge contrast" : "badge success";
            case REFUSED, FAILED -> "badge error";
        });
        badge.addClassName("cl-batch-status");
        return badge;
    }

    private static Component outcome(BatchItem item) {
        Div cell = new Div();
        item.analysisId().ifPresent(id -> {
            RouterLink link = new RouterLink("Open result", ResultView.class, ResultView.parameters(id));
            link.addClassName("cl-batch-result");
            cell.add(link);
        });
        item.reason().ifPresent(reason -> {
            Span text = new Span((cell.getChildren().findAny().isPresent() ? " " : "") + reason);
            text.addClassName("cl-muted");
            cell.add(text);
        });
        return cell;
    }

    /** The link to reopen this batch later (e.g. after closing the page). */
    static Anchor link(String batchId, String text) {
        return new Anchor("batches/" + batchId, text);
    }
}
