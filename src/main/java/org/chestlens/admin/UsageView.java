package org.chestlens.admin;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Svg;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.NativeDetails;
import com.vaadin.flow.component.html.NativeTable;
import com.vaadin.flow.component.html.NativeTableCell;
import com.vaadin.flow.component.html.NativeTableHeaderCell;
import com.vaadin.flow.component.html.NativeTableRow;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import java.util.Locale;
import org.chestlens.admin.UsageReport.Bucket;
import org.chestlens.security.Roles;
import org.chestlens.ui.Dates;
import org.chestlens.ui.MainLayout;
import org.chestlens.ui.Numbers;

/**
 * Administrators review usage over a period: volume (anonymous and registered), users, latency, finding and
 * rejection rates, model releases in use. Everything comes from {@link UsageStatistics}, so analyses purged
 * since, or deleted with their account, still count.
 */
@Route(value = "admin/usage", layout = MainLayout.class)
@PageTitle("Usage | ChestLens admin")
@Menu(title = "Admin: usage", order = 79, icon = "vaadin:chart")
@RolesAllowed(Roles.ADMIN)
public class UsageView extends Div {

    final Select<UsagePeriod> period = new Select<>();
    final Div content = new Div();

    private final UsageStatistics statistics;
    /** What is shown now; for tests. */
    UsageReport report;

    public UsageView(UsageStatistics statistics) {
        this.statistics = statistics;
        addClassNames("cl-wide", "cl-usage");

        period.setLabel("Period");
        period.setId("usage-period");
        period.setItems(UsagePeriod.values());
        period.setItemLabelGenerator(p -> p.label);
        period.setValue(UsagePeriod.LAST_30_DAYS);
        period.addValueChangeListener(e -> show());

        RouterLink audit = new RouterLink("Open the audit trail", AuditView.class);
        audit.setId("audit-link");
        audit.addClassName("cl-usage-audit");
        Div head = new Div(new H1("Usage"), period, audit);
        head.addClassName("cl-usage-head");

        content.setId("usage-content");
        add(head, content);
        show();
    }

    private void show() {
        show(statistics.report(period.getValue()));
    }

    /** Shows the given report (tests hand in one of a quiet period for the empty state). */
    void show(UsageReport shown) {
        report = shown;
        content.removeAll();
        Paragraph range = new Paragraph(Dates.date(report.firstDay()) + " to "
                + Dates.date(report.lastDay()) + " (days in " + report.zone().getId() + " time)");
        range.addClassName("cl-muted");
        range.setId("usage-range");
        content.add(range, cards());
        if (report.empty()) {
            content.add(emptyState());
            return;
        }
        content.add(volumeChart(), findingRates(), rejections(), models());
    }

    private Div cards() {
        UsageReport.Volume v = report.volume();
        Div cards = new Div();
        cards.addClassName("cl-stats");
        cards.setId("usage-cards");
        if (!report.empty()) {
            cards.add(card("stat-analyses", "Analyses", number(v.total()),
                    number(v.completed()) + " completed, " + number(v.rejected()) + " rejected"));
            cards.add(card("stat-rejection-rate", "Rejection rate", Numbers.rate(v.rejectionRate()),
                    "could not be analysed (see the reasons below)"));
            cards.add(card("stat-registered", "Registered / anonymous", number(v.registered()) + " / " + number(v.anonymous()),
                    Numbers.rate(v.registered() / (double) v.total()) + " by signed-in users, " + number(v.viaApi()) + " through the API"));
            cards.add(card("stat-users", "Active users", number(v.activeUsers()), "accounts that made an analysis"));
            cards.add(report.latency().map(l -> card("stat-latency", "Latency (median)", millis(l.p50()),
                            "95th percentile " + millis(l.p95()) + ", slowest " + millis(l.max())))
                    .orElseGet(() -> card("stat-latency", "Latency", "n/a", "not recorded for these analyses")));
        }
        UsageReport.Accounts a = report.accounts();
        cards.add(card("stat-accounts", "Accounts", number(a.total()),
                number(a.newInRange()) + " new in the period, " + number(a.disabled()) + " disabled, "
                        + number(a.admins()) + (a.admins() == 1 ? " admin" : " admins")));
        return cards;
    }

    private static Div card(String id, String label, String value, String detail) {
        Span labelSpan = new Span(label);
        labelSpan.addClassName("cl-stat-label");
        Span valueSpan = new Span(value);
        valueSpan.addClassName("cl-stat-value");
        Span detailSpan = new Span(detail);
        detailSpan.addClassName("cl-stat-detail");
        Div card = new Div(labelSpan, valueSpan, detailSpan);
        card.addClassName("cl-stat");
        card.setId(id);
        return card;
    }

    private Div emptyState() {
        Icon icon = new Icon("vaadin", "chart");
        icon.getElement().setAttribute("aria-hidden", "true");
        H2 title = new H2("No analyses in this period");
        Paragraph hint = new Paragraph("Numbers appear here as soon as someone analyses an X-ray, signed in or not. "
                + "Choose a longer period to look further back.");
        hint.addClassName("cl-muted");
        Div empty = new Div(icon, title, hint);
        empty.addClassName("cl-usage-empty");
        empty.setId("usage-empty");
        return empty;
    }

    private Div volumeChart() {
        List<Bucket> buckets = report.buckets();
        UsageReport.BucketSize size = report.bucketSize();
        long max = UsageChart.scaleMax(buckets);

        Div axis = new Div(axisLabel(max, "0%"), axisLabel(max / 2, "50%"), axisLabel(0, "100%"));
        axis.addClassName("cl-usage-yaxis");
        axis.getElement().setAttribute("aria-hidden", "true");
        Svg bars = new Svg(UsageChart.svg(buckets, size, max, UsageChart.summary(buckets, size)));
        bars.addClassName("cl-usage-bars");
        bars.setId("usage-chart");
        Div xAxis = new Div();
        xAxis.addClassName("cl-usage-xaxis");
        xAxis.getElement().setAttribute("aria-hidden", "true");
        xAxis.add(new Span(UsageChart.axisLabel(buckets.get(0).start(), size)));
        if (buckets.size() > 1) {
            xAxis.add(new Span(UsageChart.axisLabel(buckets.get(buckets.size() - 1).start(), size)));
        }
        Div plot = new Div(axis, bars, new Div(), xAxis);
        plot.addClassName("cl-usage-plot");

        Div legend = new Div(legendItem("registered", "Registered, completed"),
                legendItem("anonymous", "Anonymous, completed"), legendItem("rejected", "Rejected"));
        legend.addClassName("cl-usage-legend");

        NativeDetails table = new NativeDetails("Show the numbers as a table", bucketTable(buckets, size));
        table.addClassName("cl-details");
        table.setId("usage-table");

        return section("usage-volume", "Analyses per " + size.noun, plot, legend, table);
    }

    private static Span axisLabel(long value, String top) {
        Span label = new Span(number(value));
        label.getStyle().set("top", top);
        return label;
    }

    private static Span legendItem(String kind, String text) {
        Span swatch = new Span();
        swatch.addClassNames("cl-swatch", "cl-swatch-" + kind);
        Span item = new Span(swatch, new Span(text));
        item.addClassName("cl-usage-legend-item");
        return item;
    }

    private static Div bucketTable(List<Bucket> buckets, UsageReport.BucketSize size) {
        NativeTable table = new NativeTable();
        table.addClassName("cl-findings");
        table.setCaptionText("Registered and anonymous include the rejected analyses.");
        String first = size == UsageReport.BucketSize.DAY ? "Day" : size == UsageReport.BucketSize.WEEK ? "Week of" : "Month";
        table.getHead().addRows(new NativeTableRow(header(first), header("Analyses"), header("Registered"),
                header("Anonymous"), header("Rejected")));
        for (Bucket b : buckets) {
            NativeTableHeaderCell day = new NativeTableHeaderCell(size == UsageReport.BucketSize.MONTH
                    ? UsageChart.period(b.start(), size) : Dates.date(b.start()));
            day.getElement().setAttribute("scope", "row");
            table.getBody().addRows(new NativeTableRow(day, new NativeTableCell(number(b.total())),
                    new NativeTableCell(number(b.registered())), new NativeTableCell(number(b.anonymous())),
                    new NativeTableCell(number(b.rejected()))));
        }
        Div scroll = new Div(table);
        scroll.addClassName("cl-table-scroll");
        return scroll;
    }

    private static NativeTableHeaderCell header(String text) {
        NativeTableHeaderCell cell = new NativeTableHeaderCell(text);
        cell.getElement().setAttribute("scope", "col");
        return cell;
    }

    private Div findingRates() {
        Grid<UsageReport.FindingRate> grid = grid("usage-findings");
        grid.addColumn(UsageReport.FindingRate::label).setHeader("Finding").setFlexGrow(2);
        grid.addColumn(f -> number(f.positive())).setHeader("Positive").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(f -> Numbers.rate(f.rate())).setHeader("Rate").setTextAlign(ColumnTextAlign.END);
        grid.setItems(report.findings());
        Paragraph note = new Paragraph("Share of the " + number(report.volume().completed())
                + " completed analyses in which the models reported the finding as positive.");
        note.addClassName("cl-caption");
        return section("usage-finding-rates", "Positive findings", note, grid);
    }

    private Div rejections() {
        if (report.rejections().isEmpty()) {
            Paragraph none = new Paragraph("No analysis was rejected in this period.");
            none.addClassName("cl-muted");
            return section("usage-rejections", "Rejections", none);
        }
        long rejected = report.volume().rejected();
        Grid<UsageReport.RejectionCount> grid = grid("usage-rejection-grid");
        // The rule's code under the sentence: two narrow columns fewer on a phone.
        grid.addComponentColumn(r -> twoLines(r.reason(), "rule " + r.rule())).setHeader("Reason given").setKey("reason")
                .setFlexGrow(1);
        grid.addColumn(r -> number(r.count())).setHeader("Analyses").setTextAlign(ColumnTextAlign.END)
                .setWidth("6.5rem").setFlexGrow(0);
        grid.addColumn(r -> Numbers.rate(r.count() / (double) rejected)).setHeader("Share").setTextAlign(ColumnTextAlign.END)
                .setWidth("5rem").setFlexGrow(0);
        grid.setItems(report.rejections());
        Paragraph note = new Paragraph(number(rejected) + " of " + number(report.volume().total()) + " analyses ("
                + Numbers.rate(report.volume().rejectionRate()) + ") were rejected by the \"cannot analyse\" gate.");
        note.addClassName("cl-caption");
        return section("usage-rejections", "Rejections", note, grid);
    }

    private Div models() {
        Grid<UsageReport.ModelUse> grid = grid("usage-models");
        grid.addComponentColumn(m -> twoLines(m.name(), "version " + m.version())).setHeader("Model release").setKey("release")
                .setFlexGrow(1);
        grid.addColumn(m -> number(m.analyses())).setHeader("Analyses").setTextAlign(ColumnTextAlign.END)
                .setWidth("6.5rem").setFlexGrow(0);
        grid.addColumn(m -> Dates.date(m.firstUsed().atZone(report.zone()).toLocalDate()) + " to "
                + Dates.date(m.lastUsed().atZone(report.zone()).toLocalDate())).setHeader("In use").setFlexGrow(1);
        grid.setItems(report.models());
        Paragraph note = new Paragraph("Analyses in this period; in use from the first to the last analysis ever made with the release.");
        note.addClassName("cl-caption");
        return section("usage-model-versions", "Model versions", note, grid);
    }

    private static Div twoLines(String main, String secondary) {
        Span second = new Span(secondary);
        second.addClassName("cl-usage-secondary");
        Div cell = new Div(new Span(main), second);
        cell.addClassName("cl-usage-cell");
        return cell;
    }

    private static <T> Grid<T> grid(String id) {
        Grid<T> grid = new Grid<>();
        grid.setId(id);
        grid.setAllRowsVisible(true);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        return grid;
    }

    private static Div section(String id, String title, Component... children) {
        Div section = new Div(new H2(title));
        section.add(children);
        section.addClassNames("cl-card", "cl-usage-section");
        section.setId(id);
        return section;
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }


    static String millis(double ms) {
        return ms < 1000 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }
}
