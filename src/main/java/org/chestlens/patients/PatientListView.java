package org.chestlens.patients;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import jakarta.annotation.security.RolesAllowed;
import org.chestlens.analysis.FindingsTable;
import org.chestlens.security.Roles;
import org.chestlens.ui.CompactWidth;
import org.chestlens.ui.MainLayout;
import java.util.Objects;
import java.util.stream.Stream;
import org.springframework.data.domain.PageRequest;

/** The signed-in clinician's patients: search, page through, open, create, edit, delete. */
@Route(value = "patients", layout = MainLayout.class)
@PageTitle("My patients | ChestLens")
@Menu(title = "My patients", order = 10, icon = "vaadin:users")
@RolesAllowed(Roles.CLINICIAN)
public class PatientListView extends Div {

    /** Below this width the grid shows one combined patient column instead of four narrow ones. */
    static final int COMPACT_WIDTH = 700;

    final TextField search = new TextField();
    final Button create = new Button("New patient", new Icon(VaadinIcon.PLUS));
    final Grid<PatientOverview> grid = new Grid<>();
    final Paragraph count = new Paragraph();
    final Div empty = new Div();

    private final PatientService patientService;
    private final Grid.Column<PatientOverview> patientColumn;
    private final Grid.Column<PatientOverview>[] detailColumns;
    private final Grid.Column<PatientOverview> actionsColumn;

    @SuppressWarnings("unchecked")
    public PatientListView(PatientService patientService) {
        this.patientService = patientService;
        addClassName("cl-wide");

        search.setId("patient-search");
        search.setPlaceholder("Search by reference or name");
        search.setAriaLabel("Search patients by reference or name");
        search.setPrefixComponent(new Icon(VaadinIcon.SEARCH));
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> refresh());
        search.addClassName("cl-grow");

        create.setId("new-patient");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(e -> PatientEditor.forNew(patientService, this::created).open());

        // The batches feature depends on patients: linked by address.
        com.vaadin.flow.component.html.Anchor batch = new com.vaadin.flow.component.html.Anchor("batches/new", "Batch upload");
        batch.setId("patients-batch-upload");
        HorizontalLayout toolbar = new HorizontalLayout(search, batch, create);
        toolbar.setAlignSelf(com.vaadin.flow.component.orderedlayout.FlexComponent.Alignment.CENTER, batch);
        toolbar.addClassName("cl-toolbar");
        toolbar.setWidthFull();

        count.setId("patient-count");
        count.addClassName("cl-muted");

        grid.setId("patients");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(false);
        grid.setPageSize(25);
        patientColumn = grid.addComponentColumn(this::patientCell).setHeader("Patient")
                .setKey("reference").setSortProperty("reference").setFlexGrow(2).setAutoWidth(false);
        Grid.Column<PatientOverview> name = grid.addColumn(o -> o.patient().getName().orElse(""))
                .setHeader("Name").setKey("name").setSortProperty("name").setFlexGrow(2);
        Grid.Column<PatientOverview> born = grid.addColumn(o -> o.patient().getBirthYear().map(String::valueOf).orElse(""))
                .setHeader("Born").setKey("birthYear").setSortProperty("birthYear").setFlexGrow(0).setWidth("6rem");
        Grid.Column<PatientOverview> sex = grid.addColumn(o -> o.patient().getSex().map(Sex::label).orElse(""))
                .setHeader("Sex").setKey("sex").setSortProperty("sex").setFlexGrow(0).setWidth("6rem");
        detailColumns = new Grid.Column[] {name, born, sex};
        grid.addColumn(PatientOverview::lastStudyText).setHeader("Last study").setKey("lastStudy")
                .setFlexGrow(1);
        grid.addComponentColumn(PatientListView::findingsCell).setHeader("Latest positive findings")
                .setKey("latestFindings").setFlexGrow(3);
        actionsColumn = grid.addComponentColumn(this::actions).setHeader("Actions").setKey("actions").setFlexGrow(0)
                .setAutoWidth(true);
        grid.setItems(query -> patientService.overview(search.getValue(),
                VaadinSpringDataHelpers.toSpringPageRequest(query)).stream());
        grid.addItemClickListener(e -> {
            if (e.getColumn() != null && !"actions".equals(e.getColumn().getKey())) {
                open(e.getItem().patient());
            }
        });

        empty.setId("patients-empty");
        empty.addClassName("cl-notice");

        add(new H1("My patients"), toolbar, count, grid, empty);
        refresh();
        // Phones get one combined column.
        CompactWidth.follow(this, COMPACT_WIDTH, this::compact);
    }

    void compact(boolean compact) {
        for (Grid.Column<PatientOverview> column : detailColumns) {
            column.setVisible(!compact);
        }
        // Edit and delete stay on the patient's page, one tap away.
        actionsColumn.setVisible(!compact);
        patientColumn.setHeader(compact ? "Patient" : "Reference");
        grid.getElement().setAttribute("compact", compact);
    }

    void refresh() {
        grid.getDataProvider().refreshAll();
        long total = patientService.count();
        long matching = patientService.overview(search.getValue(), PageRequest.of(0, 1))
                .getTotalElements();
        String text = search.getValue().isBlank() ? "" : search.getValue().strip();
        count.setText(text.isEmpty()
                ? (total == 1 ? "1 patient" : total + " patients") + (total > 1 ? ", most recently active first" : "")
                : matching + " of " + total + " patients match \"" + text + "\"");
        grid.setVisible(matching > 0);
        empty.setVisible(matching == 0);
        empty.removeAll();
        if (total == 0) {
            empty.add(new Paragraph("You have no patients yet. Create one to keep a patient's X-rays together, "
                    + "follow each finding over time and compare studies."));
        } else if (matching == 0) {
            empty.add(new Paragraph("No patient's reference or name contains \"" + text + "\"."));
        }
    }

    private void created(Patient patient) {
        notify("Patient " + patient.getReference() + " created.");
        open(patient);
    }

    private void open(Patient patient) {
        getUI().ifPresent(ui -> ui.navigate(PatientView.class, new RouteParameters(PatientView.PATIENT_ID, String.valueOf(patient.getId()))));
    }

    private Component patientCell(PatientOverview overview) {
        Patient patient = overview.patient();
        RouterLink link = new RouterLink(patient.getReference(), PatientView.class,
                new RouteParameters(PatientView.PATIENT_ID, String.valueOf(patient.getId())));
        link.addClassName("cl-patient-link");
        Div cell = new Div(link);
        cell.addClassName("cl-patient-cell");
        // Shown only in the compact (phone) layout, where the detail columns are hidden.
        String details = String.join(" · ", Stream.of(
                        patient.getName().orElse(null),
                        patient.getBirthYear().map(y -> "born " + y).orElse(null),
                        patient.getSex().map(Sex::label).orElse(null))
                .filter(Objects::nonNull).toList());
        if (!details.isEmpty()) {
            Span sub = new Span(details);
            sub.addClassName("cl-compact-only");
            cell.add(sub);
        }
        return cell;
    }

    static Component findingsCell(PatientOverview overview) {
        Div cell = new Div();
        cell.addClassName("cl-badges");
        if (overview.latestPositive().isEmpty()) {
            Span none = new Span(overview.lastStudyDate().isPresent() ? "None above threshold" : "No studies yet");
            none.addClassName("cl-muted");
            cell.add(none);
        }
        for (PatientOverview.PositiveFinding finding : overview.latestPositive()) {
            Span badge = new Span(finding.label());
            badge.getElement().getThemeList().add(FindingsTable.positiveTheme(finding.normal()));
            cell.add(badge);
        }
        return cell;
    }

    private Component actions(PatientOverview overview) {
        Patient patient = overview.patient();
        Button edit = new Button(new Icon(VaadinIcon.EDIT), e -> PatientEditor.forExisting(patientService, patient, saved -> {
            refresh();
            notify("Patient " + saved.getReference() + " saved.");
        }).open());
        edit.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
        edit.setAriaLabel("Edit patient " + patient.getReference());
        edit.setTooltipText("Edit");
        edit.setId("edit-patient-" + patient.getId());
        Button delete = new Button(new Icon(VaadinIcon.TRASH), e -> PatientDeletion.confirm(patientService, patient, () -> {
            refresh();
            notify("Patient " + patient.getReference() + " deleted.");
        }));
        delete.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE, ButtonVariant.LUMO_ERROR);
        delete.setAriaLabel("Delete patient " + patient.getReference());
        delete.setTooltipText("Delete");
        delete.setId("delete-patient-" + patient.getId());
        HorizontalLayout actions = new HorizontalLayout(edit, delete);
        actions.setSpacing(false);
        actions.addClassName("cl-row-actions");
        return actions;
    }

    static void notify(String text) {
        Notification.show(text, 4000, Notification.Position.BOTTOM_START)
                .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }
}
