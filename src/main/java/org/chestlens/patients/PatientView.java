package org.chestlens.patients;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.RolesAllowed;
import java.util.Optional;
import org.chestlens.security.Roles;
import org.chestlens.ui.MainLayout;

/** One patient: details, studies over time, trends and comparison. Only the owner can open it. */
@Route(value = "patients/:" + PatientView.PATIENT_ID + "(\\d{1,18})", layout = MainLayout.class)
@RolesAllowed(Roles.CLINICIAN)
public class PatientView extends Div implements BeforeEnterObserver, HasDynamicTitle {

    static final String PATIENT_ID = "patientId";

    private final PatientService patientService;
    private Patient patient;

    public PatientView(PatientService patientService) {
        this.patientService = patientService;
        addClassName("cl-wide");
        addClassName("cl-patient");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Optional<Patient> found = event.getRouteParameters().getLong(PATIENT_ID).flatMap(patientService::find);
        removeAll();
        if (found.isEmpty()) {
            patient = null;
            showNotFound();
            return;
        }
        patient = found.get();
        render();
    }

    @Override
    public String getPageTitle() {
        return (patient == null ? "Patient not found" : "Patient " + patient.getReference()) + " | ChestLens";
    }

    private void showNotFound() {
        H1 title = new H1("Patient not found");
        Paragraph text = new Paragraph("This patient does not exist or is not in your list. "
                + "Each clinician sees only the patients they created.");
        text.setId("patient-not-found");
        add(title, text, new RouterLink("Back to my patients", PatientListView.class));
    }

    private void render() {
        RouterLink back = new RouterLink("My patients", PatientListView.class);
        back.addClassName("cl-back");
        H1 title = new H1(patient.displayLabel());
        title.setId("patient-title");

        Button edit = new Button("Edit", new Icon(VaadinIcon.EDIT), e -> PatientEditor.forExisting(patientService, patient, saved -> {
            PatientListView.notify("Patient " + saved.getReference() + " saved.");
            patient = saved;
            removeAll();
            render();
        }).open());
        edit.setId("edit-patient");
        Button delete = new Button("Delete", new Icon(VaadinIcon.TRASH), e -> PatientDeletion.confirm(patientService, patient, () -> {
            PatientListView.notify("Patient " + patient.getReference() + " deleted.");
            getUI().ifPresent(ui -> ui.navigate(PatientListView.class));
        }));
        delete.setId("delete-patient");
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        HorizontalLayout actions = new HorizontalLayout(edit, delete);
        actions.addClassName("cl-actions");

        add(back, title, facts(), actions);
    }

    private Div facts() {
        Div facts = new Div();
        facts.setId("patient-facts");
        facts.addClassName("cl-facts");
        facts.add(fact("Reference", patient.getReference()));
        facts.add(fact("Name", patient.getName().orElse("Not recorded")));
        facts.add(fact("Birth year", patient.getBirthYear().map(String::valueOf).orElse("Not recorded")));
        facts.add(fact("Sex", patient.getSex().map(Sex::label).orElse("Not recorded")));
        patient.getNotes().ifPresent(notes -> {
            Div fact = fact("Notes", notes);
            fact.addClassName("cl-fact-wide");
            facts.add(fact);
        });
        return facts;
    }

    private static Div fact(String label, String value) {
        Span term = new Span(label);
        term.addClassName("cl-fact-label");
        Span description = new Span(value);
        description.addClassName("cl-fact-value");
        Div fact = new Div(term, description);
        fact.addClassName("cl-fact");
        return fact;
    }
}
