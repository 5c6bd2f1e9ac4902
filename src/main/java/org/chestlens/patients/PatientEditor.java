package org.chestlens.patients;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import java.util.function.Consumer;

/**
 * Create or edit a patient in a dialog. The service validates; messages appear under the field
 * they concern and the dialog stays open until the patient is saved or the clinician cancels.
 */
class PatientEditor extends Dialog {

    final TextField reference = new TextField("Patient reference");
    final TextField name = new TextField("Name (optional)");
    final TextField birthYear = new TextField("Birth year (optional)");
    final ComboBox<Sex> sex = new ComboBox<>("Sex (optional)");
    final TextArea notes = new TextArea("Notes (optional)");
    final Button save = new Button();
    final Paragraph formError = new Paragraph();

    private final PatientService patientService;
    private final Long patientId;
    private final Consumer<Patient> onSaved;

    private PatientEditor(PatientService patientService, Patient existing, Consumer<Patient> onSaved) {
        this.patientService = patientService;
        this.patientId = existing == null ? null : existing.getId();
        this.onSaved = onSaved;
        setId("patient-editor");
        setHeaderTitle(existing == null ? "New patient" : "Edit patient " + existing.getReference());
        setCloseOnOutsideClick(false);
        setModal(true);

        reference.setId("patient-reference");
        reference.setRequiredIndicatorVisible(true);
        reference.setMaxLength(PatientService.MAX_REFERENCE);
        reference.setHelperText("A pseudonymous code, such as your study or ward number. Avoid names here.");
        name.setId("patient-name");
        name.setMaxLength(PatientService.MAX_NAME);
        birthYear.setId("patient-birth-year");
        // A text field with digits only: a number field would silently turn "19x5" into an empty value.
        birthYear.setAllowedCharPattern("[0-9]");
        birthYear.setMaxLength(4);
        birthYear.getElement().setAttribute("inputmode", "numeric");
        birthYear.setPlaceholder("e.g. 1958");
        sex.setId("patient-sex");
        sex.setItems(Sex.values());
        sex.setItemLabelGenerator(Sex::label);
        sex.setClearButtonVisible(true);
        sex.setPlaceholder("Not recorded");
        notes.setId("patient-notes");
        notes.setMaxLength(PatientService.MAX_NOTES);
        notes.setMinRows(3);
        for (HasValidation field : fields()) {
            field.setManualValidation(true);
        }
        formError.setId("patient-form-error");
        formError.addClassName("cl-error");
        formError.setVisible(false);

        FormLayout form = new FormLayout(reference, name, birthYear, sex, notes);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("480px", 2));
        form.setColspan(reference, 2);
        form.setColspan(name, 2);
        form.setColspan(notes, 2);
        add(form, formError);
        setMaxWidth("40rem");
        setWidth("100%");

        PatientDetails details = existing == null ? PatientDetails.empty() : existing.details();
        reference.setValue(details.reference());
        name.setValue(details.name() == null ? "" : details.name());
        birthYear.setValue(details.birthYear() == null ? "" : details.birthYear().toString());
        sex.setValue(details.sex());
        notes.setValue(details.notes() == null ? "" : details.notes());

        save.setText(existing == null ? "Create patient" : "Save changes");
        save.setId("save-patient");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(e -> save());
        save.addClickShortcut(Key.ENTER).listenOn(reference, name, birthYear);
        Button cancel = new Button("Cancel", e -> close());
        cancel.setId("cancel-patient");
        getFooter().add(cancel, save);
        addOpenedChangeListener(e -> {
            if (e.isOpened()) {
                reference.focus();
            }
        });
    }

    static PatientEditor forNew(PatientService patientService, Consumer<Patient> onSaved) {
        return new PatientEditor(patientService, null, onSaved);
    }

    static PatientEditor forExisting(PatientService patientService, Patient patient, Consumer<Patient> onSaved) {
        return new PatientEditor(patientService, patient, onSaved);
    }

    void save() {
        for (HasValidation field : fields()) {
            field.setInvalid(false);
        }
        formError.setVisible(false);
        String year = birthYear.getValue().strip();
        if (!year.isEmpty() && !year.matches("\\d{4}")) {
            showError(birthYear, "Enter the birth year as four digits, or leave it empty.");
            return;
        }
        PatientDetails details = new PatientDetails(reference.getValue(), name.getValue(),
                year.isEmpty() ? null : Integer.valueOf(year),
                sex.getValue(), notes.getValue());
        try {
            Patient saved = patientId == null ? patientService.create(details) : patientService.update(patientId, details);
            close();
            onSaved.accept(saved);
        } catch (PatientException e) {
            HasValidation field = switch (e.field() == null ? "" : e.field()) {
                case "reference" -> reference;
                case "name" -> name;
                case "birthYear" -> birthYear;
                case "notes" -> notes;
                default -> null;
            };
            if (field == null) {
                formError.setText(e.getMessage());
                formError.setVisible(true);
            } else {
                showError(field, e.getMessage());
            }
        }
    }

    private HasValidation[] fields() {
        return new HasValidation[] {reference, name, birthYear, sex, notes};
    }

    private static void showError(HasValidation field, String message) {
        field.setErrorMessage(message);
        field.setInvalid(true);
    }
}
