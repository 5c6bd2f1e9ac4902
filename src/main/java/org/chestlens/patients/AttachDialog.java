package org.chestlens.patients;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chestlens.analysis.AnalysisImages;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.AnalysisStatus;
import org.chestlens.analysis.AnalysisSummary;

/** Files one of the clinician's earlier analyses (made while signed in, not yet under a patient) under this patient. */
class AttachDialog extends Dialog {

    static final int LIMIT = 30;

    AttachDialog(PatientService patientService, AnalysisService analysisService, Patient patient,
                 Optional<Long> requester, Runnable attached) {
        setId("attach-dialog");
        setHeaderTitle("Attach an analysis to " + patient.getReference());
        setWidth("100%");
        setMaxWidth("44rem");
        List<AnalysisSummary> candidates = patientService.unattachedAnalyses(LIMIT);
        DatePicker studyDate = new DatePicker("Study date (optional)");
        studyDate.setId("attach-study-date");
        studyDate.setMax(LocalDate.now());
        studyDate.setHelperText("When the X-ray was taken. Left empty, the study is dated by the day it was analysed.");
        studyDate.setClearButtonVisible(true);
        if (candidates.isEmpty()) {
            Paragraph none = new Paragraph("You have no analyses outside a patient. Analyses you make while signed in "
                    + "from the Upload page appear here, newest first.");
            none.setId("attach-empty");
            add(none);
        } else {
            Map<String, String> labels = patientService.findingLabels();
            Paragraph intro = new Paragraph("Your analyses that belong to no patient yet, newest first.");
            intro.addClassName("cl-muted");
            Div list = new Div();
            list.addClassName("cl-attach-list");
            list.getElement().setAttribute("role", "list");
            for (AnalysisSummary summary : candidates) {
                String when = ResultDates.analysed(summary);
                Image thumb = new Image(AnalysisImages.thumbnail(analysisService, summary.publicId(), requester),
                        "X-ray analysed " + when);
                thumb.addClassName("cl-attach-thumb");
                String findings = summary.status() == AnalysisStatus.REJECTED ? "Could not be analysed"
                        : summary.positiveFindings().isEmpty() ? "No finding above threshold"
                        : "Positive: " + String.join(", ", summary.positiveFindings().stream()
                                .map(code -> labels.getOrDefault(code, code)).toList());
                Span text = new Span(when + (summary.fileName().isBlank() ? "" : " \u00b7 " + summary.fileName())
                        + " \u00b7 " + findings);
                text.addClassName("cl-attach-text");
                Button attach = new Button("Attach", e -> {
                    try {
                        patientService.attach(summary.publicId(), patient.getId(), Optional.ofNullable(studyDate.getValue()));
                        close();
                        PatientListView.notify("Analysis of " + when + " attached to " + patient.getReference() + ".");
                        attached.run();
                    } catch (PatientException ex) {
                        studyDate.setErrorMessage(ex.getMessage());
                        studyDate.setInvalid(true);
                    }
                });
                attach.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SMALL);
                attach.getElement().setAttribute("aria-label", "Attach the analysis of " + when);
                attach.addClassName("cl-attach-button");
                Div row = new Div(thumb, text, attach);
                row.addClassName("cl-attach-row");
                row.getElement().setAttribute("role", "listitem");
                row.getElement().setAttribute("data-public-id", summary.publicId());
                list.add(row);
            }
            add(intro, studyDate, list);
        }
        Button cancel = new Button("Cancel", e -> close());
        getFooter().add(cancel);
    }
}
