package org.chestlens.admin;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.chestlens.audit.AuditEvent;
import org.chestlens.audit.AuditEventRepository;
import org.chestlens.security.Roles;
import org.chestlens.ui.MainLayout;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;

/** The audit trail, newest first, searchable by action or actor. */
@Route(value = "admin/audit", layout = MainLayout.class)
@PageTitle("Audit trail | ChestLens admin")
@Menu(title = "Admin: audit trail", order = 82, icon = "vaadin:records")
@RolesAllowed(Roles.ADMIN)
public class AuditView extends Div {

    final TextField search = new TextField();
    final Grid<AuditEvent> grid = new Grid<>(AuditEvent.class, false);

    public AuditView(AuditEventRepository events) {
        addClassName("cl-wide");
        search.setPlaceholder("Filter by action or email");
        search.setAriaLabel("Filter the audit trail");
        search.setPrefixComponent(new Icon("vaadin", "search"));
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> grid.getDataProvider().refreshAll());

        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.addColumn(e -> UsersView.DATE_TIME.format(e.getOccurredAt())).setHeader("When").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditEvent::getAction).setHeader("Action").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(e -> e.getActorEmail() == null ? "anonymous" : e.getActorEmail()).setHeader("Who").setAutoWidth(true);
        grid.addColumn(AuditEvent::getDetail).setHeader("Detail").setFlexGrow(1);
        grid.setItems(query -> {
            Pageable page = PageRequest.of(query.getPage(), query.getPageSize());
            String text = search.getValue().trim();
            return (text.isEmpty() ? events.findAllByOrderByOccurredAtDesc(page)
                    : events.findByActionContainingIgnoreCaseOrActorEmailContainingIgnoreCaseOrderByOccurredAtDesc(text, text, page))
                    .stream();
        });
        add(new H1("Audit trail"), search, grid);
    }
}
