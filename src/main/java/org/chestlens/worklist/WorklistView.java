package org.chestlens.worklist;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.grid.dataview.GridListDataView;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.chestlens.analysis.FindingDescription;
import org.chestlens.analysis.FindingsTable;
import org.chestlens.analysis.ResultView;
import org.chestlens.security.CurrentUser;
import org.chestlens.security.Roles;
import org.chestlens.ui.CompactWidth;
import org.chestlens.ui.Dates;
import org.chestlens.ui.MainLayout;
import org.chestlens.ui.Numbers;
import org.chestlens.ui.ServerPush;

/**
 * The signed-in clinician's studies awaiting review, most urgent first ({@link Urgency}), filterable by finding and
 * date. A row opens the result page, where feedback takes the study off this list. While open, the list follows new
 * and reviewed studies without a reload: {@link WorklistFeed} pushes it again (Vaadin push, switched on for this page
 * only) when the clinician's unreviewed studies change anywhere, keeping the filters and the selection (the rows
 * are refreshed in place, so the grid is not rebuilt).
 */
@Route(value = "worklist", layout = MainLayout.class)
@PageTitle("Worklist | ChestLens")
@Menu(title = "Worklist", order = 5, icon = "vaadin:list-ol")
@RolesAllowed(Roles.CLINICIAN)
public class WorklistView extends Div {

    /** Below this width (px) the grid drops its date, anomaly and open columns (as the patient list does). */
    static final int COMPACT_WIDTH = 700;
    static final int ALL_ROWS_UP_TO = 30;

    final ComboBox<FindingDescription> finding = new ComboBox<>("Positive for");
    final DatePicker from = new DatePicker("Study date from");
    final DatePicker to = new DatePicker("Study date to");
    final Paragraph count = new Paragraph();
    final Paragraph updated = new Paragraph();
    final Grid<WorklistEntry> grid = new Grid<>();
    final Div empty = new Div();

    private final Worklist worklist;
    private final WorklistFeed feed;
    private final Clock clock;
    private final long ownerId;
    private final List<Grid.Column<WorklistEntry>> wideColumns;
    /** The rows shown, replaced in place so that the grid keeps its scroll position and selection. */
    private final List<WorklistEntry> shown = new ArrayList<>();
    private final GridListDataView<WorklistEntry> rows;
    /** The filters the list was last read with; the feed's thread reads it when the list changed. */
    private volatile WorklistFilter filter = WorklistFilter.NONE;
    private Registration following;

    public WorklistView(Worklist worklist, WorklistFeed feed, CurrentUser currentUser, Clock clock) {
        this.worklist = worklist;
        this.feed = feed;
        this.clock = clock;
        this.ownerId = currentUser.requireAccountId();
        addClassName("cl-wide");

        finding.setId("worklist-finding");
        finding.setItems(worklist.findings());
        finding.setItemLabelGenerator(FindingDescription::label);
        finding.setPlaceholder("Any finding");
        finding.setClearButtonVisible(true);
        finding.addValueChangeListener(e -> refresh());
        LocalDate today = LocalDate.now(clock.withZone(Dates.zone()));
        from.setId("worklist-from");
        to.setId("worklist-to");
        for (DatePicker day : new DatePicker[] {from, to}) {
            day.setMax(today);
            day.setClearButtonVisible(true);
            day.setTooltipText("The study date, or the day analysed when the study has none");
            day.addValueChangeListener(e -> refresh());
        }
        // The pickers never offer an empty range (the service refuses one).
        from.addValueChangeListener(e -> to.setMin(e.getValue()));
        to.addValueChangeListener(e -> from.setMax(e.getValue() == null ? today : e.getValue()));
        Div filters = new Div(finding, from, to);
        filters.addClassName("cl-inline-form");
        filters.setId("worklist-filters");

        count.setId("worklist-count");
        count.addClassName("cl-muted");
        count.getElement().setAttribute("aria-live", "polite");
        updated.setId("worklist-updated");
        updated.addClassName("cl-muted");
        updated.getStyle().set("font-size", "var(--lumo-font-size-s)");
        updated.setTitle("The list follows new and reviewed studies without a reload");

        grid.setId("worklist");
        rows = grid.setItems(shown);
        rows.setIdentifierProvider(WorklistEntry::publicId);
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addComponentColumn(WorklistView::patientCell).setHeader("Patient").setKey("patient").setFlexGrow(2);
        Grid.Column<WorklistEntry> date = grid.addColumn(WorklistView::dateText).setHeader("Study date").setKey("date")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(WorklistView::findingsCell).setHeader("Top findings").setKey("findings").setFlexGrow(3);
        Grid.Column<WorklistEntry> anomaly = grid.addColumn(WorklistView::anomalyText).setHeader("Anomaly")
                .setKey("anomaly").setTooltipGenerator(e -> "More unusual than " + anomalyText(e) + " of normal X-rays")
                .setAutoWidth(true).setFlexGrow(0);
        Grid.Column<WorklistEntry> open = grid.addComponentColumn(WorklistView::openLink).setHeader("").setKey("open")
                .setAutoWidth(true).setFlexGrow(0);
        wideColumns = List.of(date, anomaly, open);
        grid.addItemClickListener(e -> {
            if (e.getColumn() == null || !"open".equals(e.getColumn().getKey())) {
                getUI().ifPresent(ui -> ui.navigate(ResultView.class, ResultView.parameters(e.getItem().publicId())));
            }
        });

        empty.setId("worklist-empty");
        empty.addClassName("cl-notice");

        Paragraph intro = new Paragraph("Your analysed studies without feedback, most urgent first: studies with a "
                + "positive finding, by how far its probability is above its threshold, then by how unusual the X-ray "
                + "looks (anomaly). Giving feedback on a study takes it off this list.");
        intro.addClassName("cl-muted");
        add(new H1("Worklist"), intro, filters, count, updated, grid, empty);
        // Phones: date and anomaly move under the patient; the row itself opens the study.
        CompactWidth.follow(this, COMPACT_WIDTH, this::compact);
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        // Watch first, then read: a study arriving in between is pushed rather than missed.
        ServerPush.neededBy(this, attachEvent.getUI());
        following = feed.watch(attachEvent.getUI(), () -> filter, this::pushed);
        refresh();
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        if (following != null) {
            following.remove();
            following = null;
        }
        super.onDetach(detachEvent);
    }

    /** Whether the page follows the clinician's worklist now (changes pushed to it by the server). */
    boolean following() {
        return following != null;
    }

    void compact(boolean compact) {
        wideColumns.forEach(column -> column.setVisible(!compact));
        grid.getElement().setAttribute("compact", compact);
    }

    /** Reads the list with the filters as they are now. */
    void refresh() {
        filter = new WorklistFilter(Optional.ofNullable(finding.getValue()).map(FindingDescription::code),
                Optional.ofNullable(from.getValue()), Optional.ofNullable(to.getValue()));
        show(worklist.list(ownerId, filter), true);
    }

    /** A list the feed read after the clinician's studies changed; dropped if the filters changed since. */
    private void pushed(WorklistFeed.Listed listed) {
        if (listed.filter().equals(filter)) {
            show(listed.entries(), false);
        }
    }

    private void show(List<WorklistEntry> entries, boolean read) {
        if (!read && entries.equals(shown)) {
            return; // a change elsewhere in the clinician's list that these filters do not show
        }
        Set<String> ids = entries.stream().map(WorklistEntry::publicId).collect(Collectors.toSet());
        grid.getSelectedItems().stream().filter(e -> !ids.contains(e.publicId())).toList().forEach(grid::deselect);
        shown.clear();
        shown.addAll(entries);
        rows.refreshAll();
        updated.setText("Updated " + Dates.time(clock.instant()));
        // A short list takes only the room it needs; a long one scrolls inside the grid (rows rendered lazily).
        grid.setAllRowsVisible(entries.size() <= ALL_ROWS_UP_TO);
        boolean filtered = !filter.equals(WorklistFilter.NONE);
        count.setText(entries.isEmpty() ? "" : Numbers.count(entries.size(), "study", "studies")
                + (filtered ? " match" + (entries.size() == 1 ? "es" : "") + " these filters" : " waiting for review")
                + (entries.size() > 1 ? ", most urgent first" : ""));
        grid.setVisible(!entries.isEmpty());
        empty.setVisible(entries.isEmpty());
        empty.removeAll();
        empty.add(new Paragraph(filtered ? "No study waiting for review matches these filters."
                : "No studies are waiting for review: every analysed study has your feedback."));
    }

    private static Component patientCell(WorklistEntry entry) {
        Div cell = new Div();
        cell.addClassName("cl-patient-cell");
        if (entry.patientReference().isPresent()) {
            cell.add(new Span(entry.patientReference().get()));
        } else {
            Span none = new Span("No patient");
            none.addClassName("cl-muted");
            cell.add(none);
        }
        Span file = new Span(entry.fileName());
        file.addClassName("cl-muted");
        file.getStyle().set("overflow-wrap", "anywhere"); // long generated names would widen the column on phones
        cell.add(new Div(file));
        // Shown only in the compact (phone) layout, where the date and anomaly columns are hidden.
        Span details = new Span(dateText(entry) + " · anomaly " + anomalyText(entry));
        details.addClassName("cl-compact-only");
        cell.add(details);
        return cell;
    }

    static String anomalyText(WorklistEntry entry) {
        return Numbers.percent(entry.anomalyPercentile() / 100);
    }

    static String dateText(WorklistEntry entry) {
        return entry.studyDate().map(Dates::date).orElseGet(() -> Dates.date(entry.createdAt()) + " (analysed)");
    }

    private static Component findingsCell(WorklistEntry entry) {
        Div cell = new Div();
        cell.addClassName("cl-badges");
        if (entry.topFindings().isEmpty()) {
            Span none = new Span("None above threshold");
            none.addClassName("cl-muted");
            cell.add(none);
        }
        for (WorklistEntry.TopFinding f : entry.topFindings().subList(0, Math.min(3, entry.topFindings().size()))) {
            Span badge = new Span(f.label() + " " + Numbers.percent(f.probability()));
            badge.getElement().getThemeList().add(FindingsTable.positiveTheme(false));
            badge.getElement().setAttribute("title", "Threshold " + Numbers.percent(f.threshold()));
            cell.add(badge);
        }
        if (entry.topFindings().size() > 3) {
            cell.add(new Span("+" + (entry.topFindings().size() - 3)));
        }
        return cell;
    }

    private static Component openLink(WorklistEntry entry) {
        RouterLink link = new RouterLink();
        link.setText("Open");
        link.setRoute(ResultView.class, ResultView.parameters(entry.publicId()));
        link.getElement().setAttribute("aria-label", "Open the result of " + entry.patientReference().orElse(entry.fileName()));
        return link;
    }
}
