package org.chestlens.patients;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.RouterLink;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.chestlens.analysis.AnalysisImages;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.AnalysisStatus;
import org.chestlens.analysis.AnalysisSummary;
import org.chestlens.analysis.FindingsTable;
import org.chestlens.analysis.ResultView;
import org.chestlens.ui.Dates;
import org.chestlens.ui.Numbers;

/** A patient's studies, newest first: thumbnail, date, what was found, and the way to the full result. */
final class PatientTimeline {

    private PatientTimeline() {
    }

    static Component of(AnalysisService analysisService, PatientService patientService, FeedbackService feedbackService,
                        Patient patient, List<AnalysisSummary> studies, Optional<Long> requester, Runnable changed) {
        Div panel = new Div();
        panel.setId("timeline");
        panel.addClassName("cl-timeline");
        if (studies.isEmpty()) {
            Paragraph none = new Paragraph("No studies yet. Add one above: upload an X-ray with its study date, "
                    + "or attach an analysis you made earlier.");
            none.setId("timeline-empty");
            none.addClassName("cl-muted");
            panel.add(none);
            return panel;
        }
        Map<String, String> labels = patientService.findingLabels();
        Set<String> normal = analysisService.normalFindingCodes();
        Map<String, Feedback> feedback = feedbackService.findAll(studies.stream().map(AnalysisSummary::publicId).toList());
        OrderedList list = new OrderedList();
        list.addClassName("cl-timeline-list");
        list.getElement().setAttribute("aria-label", "Studies of " + patient.getReference() + ", newest first");
        for (AnalysisSummary study : studies) {
            list.add(item(analysisService, patientService, patient, study, requester, labels, normal,
                    Optional.ofNullable(feedback.get(study.publicId())), changed));
        }
        panel.add(list);
        return panel;
    }

    private static ListItem item(AnalysisService analysisService, PatientService patientService, Patient patient,
                                 AnalysisSummary study, Optional<Long> requester, Map<String, String> labels,
                                 Set<String> normal, Optional<Feedback> feedback, Runnable changed) {
        String date = Dates.date(PatientService.studyDate(study));
        Image thumb = new Image(AnalysisImages.thumbnail(analysisService, study.publicId(), requester),
                "X-ray of " + date);
        thumb.addClassName("cl-timeline-thumb");

        H3 heading = new H3(date);
        heading.addClassName("cl-timeline-date");
        Div text = new Div(heading);
        text.addClassName("cl-timeline-text");
        if (study.studyDate().isEmpty()) {
            Span analysed = new Span("No study date given: the date shown is when it was analysed.");
            analysed.addClassName("cl-muted");
            text.add(analysed);
        }
        Div badges = new Div();
        badges.addClassName("cl-badges");
        if (study.status() == AnalysisStatus.REJECTED) {
            Span rejected = new Span("Could not be analysed");
            rejected.getElement().getThemeList().add("badge contrast");
            badges.add(rejected);
        } else if (study.positiveFindings().isEmpty()) {
            Span none = new Span("No finding above threshold");
            none.getElement().getThemeList().add("badge success");
            badges.add(none);
        } else {
            for (String code : study.positiveFindings()) {
                Span badge = new Span(labels.getOrDefault(code, code) + " "
                        + Numbers.percent(study.probabilities().getOrDefault(code, 0.0)));
                badge.getElement().getThemeList().add(FindingsTable.positiveTheme(normal.contains(code)));
                badges.add(badge);
            }
        }
        text.add(badges);
        if (study.status() != AnalysisStatus.REJECTED) {
            Span anomaly = new Span("More unusual than " + Math.round(study.anomalyPercentile()) + "% of normal X-rays");
            anomaly.addClassName("cl-muted");
            text.add(anomaly);
        }
        feedback.flatMap(FeedbackService::summary).ifPresent(summary -> {
            Span reviewed = new Span("Your feedback: " + summary);
            reviewed.addClassName("cl-timeline-feedback");
            text.add(reviewed);
        });

        RouterLink open = new RouterLink("Open result", ResultView.class, ResultView.parameters(study.publicId()));
        open.addClassName("cl-timeline-open");
        open.getElement().setAttribute("aria-label", "Open result of " + date);
        Button detach = new Button("Remove from patient", e -> confirmDetach(patientService, patient, study, date, changed));
        detach.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        detach.getElement().setAttribute("aria-label", "Remove the study of " + date + " from this patient");
        Div actions = new Div(open, detach);
        actions.addClassName("cl-timeline-actions");
        text.add(actions);

        ListItem item = new ListItem(thumb, text);
        item.addClassName("cl-timeline-item");
        item.getElement().setAttribute("data-public-id", study.publicId());
        return item;
    }

    private static void confirmDetach(PatientService patientService, Patient patient, AnalysisSummary study, String date,
                                      Runnable changed) {
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setId("confirm-detach");
        dialog.setHeader("Remove the study of " + date + " from " + patient.getReference() + "?");
        dialog.setText("The analysis stays in your account (see your profile) and can be attached again.");
        dialog.setCancelable(true);
        dialog.setConfirmText("Remove from patient");
        dialog.addConfirmListener(e -> {
            patientService.detach(study.publicId(), patient.getId());
            PatientListView.notify("Study of " + date + " removed from " + patient.getReference() + ".");
            changed.run();
        });
        dialog.open();
    }
}
