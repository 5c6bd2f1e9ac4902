package org.chestlens.patients;

import com.vaadin.flow.component.confirmdialog.ConfirmDialog;

/** The one way to delete a patient from the UI: a confirmation that says exactly what goes. */
final class PatientDeletion {

    private PatientDeletion() {
    }

    static ConfirmDialog confirm(PatientService patientService, Patient patient, Runnable onDeleted) {
        long studies = patientService.studyCount(patient.getId());
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setId("confirm-delete-patient");
        dialog.setHeader("Delete patient " + patient.getReference() + "?");
        dialog.setText(studies == 0
                ? "The patient has no studies. This cannot be undone."
                : "Their " + (studies == 1 ? "study" : studies + " studies")
                  + " will be deleted too: images, heatmaps, results and your feedback. This cannot be undone.");
        dialog.setCancelable(true);
        dialog.setConfirmText(studies == 0 ? "Delete patient" : "Delete patient and " + (studies == 1 ? "1 study" : studies + " studies"));
        dialog.setConfirmButtonTheme("error primary");
        dialog.addConfirmListener(e -> {
            patientService.delete(patient.getId());
            onDeleted.run();
        });
        dialog.open();
        return dialog;
    }
}
