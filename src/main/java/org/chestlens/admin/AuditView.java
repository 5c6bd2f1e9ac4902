package org.chestlens.admin;

import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import jakarta.annotation.security.RolesAllowed;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import org.chestlens.audit.AuditActions;
import org.chestlens.audit.AuditEvent;
import org.chestlens.audit.AuditQuery;
import org.chestlens.audit.AuditTrail;
import org.chestlens.security.Roles;
import org.chestlens.ui.Dates;
import org.chestlens.ui.MainLayout;

/**
 * The audit trail, newest first: who signed in, changed or viewed what. Filters by user, action, detail (e.g.
 * "patient 12": who looked at that patient) and days; the CSV export holds exactly what the filters select.
 */
@Route(value = "admin/audit", layout = MainLayout.class)
@PageTitle("Audit trail | ChestLens admin")
@Menu(title = "Admin: audit trail", order = 82, icon = "vaadin:records")
@RolesAllowed(Roles.ADMIN)
public class AuditView extends Div {

    final TextField user = new TextField("User");
    final ComboBox<String> action = new ComboBox<>("Action");
    final TextField detail = new TextField("Detail contains");
    final DatePicker from = new DatePicker("From");
    final DatePicker to = new DatePicker("To");
    final Grid<AuditEvent> grid = new Grid<>(AuditEvent.class, false);
    final Anchor export;

    private final AuditTrail audit;
    // Read by the CSV download, which runs outside the UI lock.
    private volatile AuditQuery query = AuditQuery.all(Dates.zone());

    public AuditView(AuditTrail audit, Clock clock) {
        this.audit = audit;
        addClassName("cl-wide");

        user.setId("audit-user");
        user.setPlaceholder("Email, or \"anonymous\"");
        user.setPrefixComponent(new Icon("vaadin", "user"));
        detail.setId("audit-detail");
        detail.setPlaceholder("e.g. patient 12");
        for (TextField field : new TextField[] {user, detail}) {
            field.setClearButtonVisible(true);
            field.setValueChangeMode(ValueChangeMode.LAZY);
            field.addValueChangeListener(e -> filtersChanged());
        }
        action.setId("audit-action");
        action.setItems(audit.actions());
        action.setItemLabelGenerator(AuditActions::label);
        action.setPlaceholder("Any action");
        action.setClearButtonVisible(true);
        action.addValueChangeListener(e -> filtersChanged());
        LocalDate today = LocalDate.now(clock.withZone(Dates.zone()));
        from.setId("audit-from");
        to.setId("audit-to");
        for (DatePicker day : new DatePicker[] {from, to}) {
            day.setMax(today);
            day.setClearButtonVisible(true);
            day.addValueChangeListener(e -> filtersChanged());
        }
        from.addValueChangeListener(e -> to.setMin(e.getValue()));
        to.addValueChangeListener(e -> from.setMax(e.getValue() == null ? today : e.getValue()));

        DownloadHandler csv = event -> {
            AuditQuery selected = query;
            event.setFileName("chestlens-audit-" + today + ".csv");
            event.setContentType("text/csv; charset=utf-8");
            Writer out = new OutputStreamWriter(event.getOutputStream(), StandardCharsets.UTF_8);
            audit.writeCsv(selected, out);
            out.flush();
            audit.record("AUDIT_EXPORTED", describe(selected));
        };
        export = new Anchor(csv, AttachmentType.DOWNLOAD, "");
        export.add(new Icon(VaadinIcon.DOWNLOAD_ALT), new Span("Export CSV"));
        export.setId("audit-export");
        export.addClassName("cl-button-link");

        Div filters = new Div(user, action, detail, from, to, export);
        filters.addClassName("cl-inline-form");
        filters.addClassName("cl-audit-filters");
        filters.setId("audit-filters");

        grid.setId("audit-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.addColumn(e -> Dates.dateTimeSeconds(e.getOccurredAt())).setHeader("When").setKey("when")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(e -> e.getActorEmail() == null ? "anonymous" : e.getActorEmail()).setHeader("Who").setKey("who")
                .setAutoWidth(true);
        grid.addColumn(e -> AuditActions.label(e.getAction())).setHeader("Action").setKey("action").setAutoWidth(true);
        grid.addColumn(AuditEvent::getDetail).setHeader("Detail").setKey("detail").setFlexGrow(1);
        grid.setItems(q -> audit.search(query, q.getPage(), q.getPageSize()).stream());
        add(new H1("Audit trail"), filters, grid);
    }

    private void filtersChanged() {
        query = new AuditQuery(user.getValue(), action.getValue(), detail.getValue(), from.getValue(), to.getValue(),
                Dates.zone());
        grid.getDataProvider().refreshAll();
    }

    private static String describe(AuditQuery query) {
        StringBuilder text = new StringBuilder("filters:");
        append(text, "user", query.user());
        append(text, "action", query.action());
        append(text, "detail", query.detail());
        append(text, "from", query.from() == null ? null : query.from().toString());
        append(text, "to", query.to() == null ? null : query.to().toString());
        return text.toString().endsWith(":") ? "everything" : text.toString();
    }

    private static void append(StringBuilder text, String name, String value) {
        if (value != null && !value.isBlank()) {
            text.append(' ').append(name).append('=').append(value.trim());
        }
    }
}
