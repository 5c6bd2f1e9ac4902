package org.chestlens.patients;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.Finding;
import org.chestlens.analysis.FindingsTable;
import org.chestlens.analysis.ResultContribution;
import org.chestlens.ui.Dates;

/**
 * On the result page of a clinician's own analysis: which patient it belongs to (or a way to file it
 * under one), and the clinician's feedback on each finding.
 */
@org.springframework.stereotype.Component
class PatientResultContribution implements ResultContribution {

    static final String NOT_REVIEWED = "NOT_REVIEWED";

    private final PatientService patientService;
    private final FeedbackService feedbackService;

    PatientResultContribution(PatientService patientService, FeedbackService feedbackService) {
        this.patientService = patientService;
        this.feedbackService = feedbackService;
    }

    @Override
    public Optional<String> patientLabel(AnalysisResult result) {
        return result.patientId().flatMap(patientService::find).map(Patient::displayLabel);
    }

    @Override
    public List<Component> sections(AnalysisResult result, Runnable changed) {
        return result.completed()
                ? List.of(patientSection(result, changed), feedbackSection(result))
                : List.of(patientSection(result, changed));
    }

    private Component patientSection(AnalysisResult result, Runnable changed) {
        Section section = new Section(new H2("Patient"));
        section.setId("result-patient");
        section.addClassName("cl-card");
        Optional<Patient> patient = result.patientId().flatMap(patientService::find);
        if (patient.isPresent()) {
            RouterLink link = new RouterLink(patient.get().displayLabel(), PatientView.class,
                    PatientView.parameters(patient.get().getId()));
            link.setId("result-patient-link");
            Paragraph line = new Paragraph(new Span("A study of "), link, new Span(result.studyDate()
                    .map(d -> ", taken " + Dates.date(d) + ".").orElse(".")));
            section.add(line, new Paragraph("The patient's page shows all studies over time and compares them."));
            return section;
        }
        ComboBox<Patient> choice = new ComboBox<>("File under patient");
        choice.setId("attach-patient");
        choice.setItemLabelGenerator(Patient::displayLabel);
        choice.setItems(query -> patientService.search(query.getFilter().orElse(""),
                VaadinSpringDataHelpers.toSpringPageRequest(query)).stream());
        choice.setPlaceholder("Search your patients");
        choice.setClearButtonVisible(true);
        DatePicker studyDate = new DatePicker("Taken on (optional)");
        studyDate.setId("attach-study-date");
        studyDate.setMax(LocalDate.now());
        studyDate.setClearButtonVisible(true);
        result.studyDate().ifPresent(studyDate::setValue);
        Button attach = new Button("Attach", new Icon(VaadinIcon.PAPERCLIP));
        attach.setId("attach-to-patient");
        attach.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        attach.setEnabled(false);
        choice.addValueChangeListener(e -> attach.setEnabled(e.getValue() != null));
        attach.addClickListener(e -> {
            Patient chosen = choice.getValue();
            try {
                patientService.attach(result.publicId(), chosen.getId(), Optional.ofNullable(studyDate.getValue()));
                PatientListView.notify("Filed under " + chosen.getReference() + ".");
                changed.run();
            } catch (PatientException ex) {
                HasValidation field = "studyDate".equals(ex.field()) ? studyDate : choice;
                field.setErrorMessage(ex.getMessage());
                field.setInvalid(true);
            }
        });
        Button create = new Button("New patient...", new Icon(VaadinIcon.PLUS), e ->
                PatientEditor.forNew(patientService, created -> {
                    patientService.attach(result.publicId(), created.getId(), Optional.ofNullable(studyDate.getValue()));
                    PatientListView.notify("Patient " + created.getReference() + " created; this analysis is filed under it.");
                    changed.run();
                }).open());
        create.setId("attach-new-patient");
        create.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Div row = new Div(choice, studyDate, attach, create);
        row.addClassName("cl-inline-form");
        Paragraph hint = new Paragraph("This analysis belongs to no patient yet. Filing it under one adds it to the "
                + "patient's timeline and trends; without a date it is dated by the day it was analysed.");
        hint.addClassName("cl-muted");
        section.add(hint, row);
        return section;
    }

    private Component feedbackSection(AnalysisResult result) {
        Section section = new Section(new H2("Your feedback"));
        section.setId("feedback");
        section.addClassName("cl-card");
        Paragraph intro = new Paragraph("Once you know the answer (from follow-up, CT, a colleague), confirm or reject each "
                + "finding. Findings you confirm make this case show up in your own similar-case searches.");
        intro.addClassName("cl-muted");
        section.add(intro);
        Optional<Feedback> existing = feedbackService.find(result.publicId());

        Map<String, RadioButtonGroup<String>> choices = new LinkedHashMap<>();
        Div rows = new Div();
        rows.addClassName("cl-feedback-rows");
        for (Finding finding : result.findings()) {
            RadioButtonGroup<String> verdict = new RadioButtonGroup<>();
            verdict.setItems(NOT_REVIEWED, Verdict.CONFIRMED.name(), Verdict.REJECTED.name());
            verdict.setItemLabelGenerator(v -> NOT_REVIEWED.equals(v) ? "Not reviewed" : Verdict.valueOf(v).label());
            verdict.setValue(existing.flatMap(f -> f.verdict(finding.code())).map(Verdict::name).orElse(NOT_REVIEWED));
            verdict.setAriaLabel("Your verdict on " + finding.label());
            verdict.setId("verdict-" + finding.code());
            Span label = new Span(finding.label());
            label.addClassName("cl-feedback-label");
            Span model = new Span("Model: " + finding.probabilityText() + " ");
            model.addClassName("cl-muted");
            Div name = new Div(label, model, FindingsTable.badge(finding));
            name.addClassName("cl-feedback-finding");
            Div row = new Div(name, verdict);
            row.addClassName("cl-feedback-row");
            rows.add(row);
            choices.put(finding.code(), verdict);
        }
        TextArea note = new TextArea("Note (optional)");
        note.setId("feedback-note");
        note.setMaxLength(AnalysisRequest.MAX_NOTE_LENGTH);
        note.setWidthFull();
        note.setValue(existing.flatMap(Feedback::getNote).orElse(""));
        Paragraph status = new Paragraph(existing.map(PatientResultContribution::savedText).orElse("No feedback yet."));
        status.setId("feedback-status");
        status.addClassName("cl-muted");
        status.getElement().setAttribute("aria-live", "polite");
        Button save = new Button("Save feedback");
        save.setId("save-feedback");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(e -> {
            Map<String, Verdict> verdicts = new LinkedHashMap<>();
            choices.forEach((code, group) -> {
                if (group.getValue() != null && !NOT_REVIEWED.equals(group.getValue())) {
                    verdicts.put(code, Verdict.valueOf(group.getValue()));
                }
            });
            try {
                Feedback saved = feedbackService.save(result.publicId(), verdicts, note.getValue());
                note.setInvalid(false);
                status.setText(savedText(saved));
                PatientListView.notify("Feedback saved.");
            } catch (PatientException ex) {
                note.setErrorMessage(ex.getMessage());
                note.setInvalid(true);
            }
        });
        section.add(rows, note, save, status);
        return section;
    }

    private static String savedText(Feedback feedback) {
        return "Saved " + Dates.dateTime(feedback.getUpdatedAt())
                + FeedbackService.summary(feedback).map(s -> ": " + s + ".").orElse(": nothing reviewed.");
    }
}
