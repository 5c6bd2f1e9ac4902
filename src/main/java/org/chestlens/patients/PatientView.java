package org.chestlens.patients;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.AnalysisStatus;
import org.chestlens.analysis.AnalysisSummary;
import org.chestlens.analysis.ResultView;
import org.chestlens.analysis.XrayUpload;
import org.chestlens.security.CurrentUser;
import org.chestlens.security.Roles;
import org.chestlens.ui.Dates;
import org.chestlens.ui.MainLayout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.util.unit.DataSize;

/**
 * One patient: details, a new study (upload with study date and note, or an earlier analysis attached),
 * the timeline of studies, each finding's probability over time, and two studies side by side.
 * Only the owning clinician can open it; for anyone else it does not exist.
 */
@Route(value = "patients/:" + PatientView.PATIENT_ID + "(\\d{1,18})", layout = MainLayout.class)
@RolesAllowed(Roles.CLINICIAN)
public class PatientView extends Div implements BeforeEnterObserver, HasDynamicTitle {

    static final String PATIENT_ID = "patientId";

    final DatePicker studyDate = new DatePicker("Study date");
    final TextArea studyNote = new TextArea("Note (optional)");
    TabSheet tabs;
    XrayUpload upload;
    ComparePanel compare;

    private final PatientService patientService;
    private final FeedbackService feedbackService;
    private final AnalysisService analysisService;
    private final Optional<Long> requester;
    private final DataSize maxUploadSize;
    private final Clock clock;
    private Patient patient;
    private List<AnalysisSummary> studies = List.of();

    public PatientView(PatientService patientService, FeedbackService feedbackService, AnalysisService analysisService,
                       CurrentUser currentUser, Clock clock, @Value("${chestlens.upload.max-bytes:30MB}") DataSize maxUploadSize) {
        this.patientService = patientService;
        this.feedbackService = feedbackService;
        this.analysisService = analysisService;
        this.requester = currentUser.accountId();
        this.clock = clock;
        this.maxUploadSize = maxUploadSize;
        addClassName("cl-wide");
        addClassName("cl-patient");
    }

    static RouteParameters parameters(long patientId) {
        return new RouteParameters(PATIENT_ID, String.valueOf(patientId));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        patient = event.getRouteParameters().getLong(PATIENT_ID).flatMap(patientService::view).orElse(null);
        render();
    }

    @Override
    public String getPageTitle() {
        return (patient == null ? "Patient not found" : "Patient " + patient.getReference()) + " | ChestLens";
    }

    private void render() {
        removeAll();
        if (patient == null) {
            add(new H1("Patient not found"));
            Paragraph text = new Paragraph("This patient does not exist or is not in your list. "
                    + "Each clinician sees only the patients they created.");
            text.setId("patient-not-found");
            add(text, new RouterLink("Back to my patients", PatientListView.class));
            return;
        }
        studies = patientService.studies(patient.getId());

        RouterLink back = new RouterLink("My patients", PatientListView.class);
        back.addClassName("cl-back");
        H1 title = new H1(patient.displayLabel());
        title.setId("patient-title");
        add(back, title, facts(), actions(), newStudy());

        // A new tab sheet on every render, showing the tab that was open before.
        int selected = tabs == null ? 0 : tabs.getSelectedIndex();
        tabs = new TabSheet();
        tabs.setId("patient-tabs");
        tabs.addClassName("cl-patient-tabs");
        Component timeline = PatientTimeline.of(analysisService, patientService, feedbackService, patient, studies, requester, this::refresh);
        tabs.add("Studies (" + studies.size() + ")", timeline);
        tabs.add("Trends", TrendsPanel.of(studies, patientService.findingCatalogue()));
        compare = new ComparePanel(patientService, analysisService, patient, studies, requester);
        tabs.add("Compare", compare);
        tabs.setSelectedIndex(Math.max(0, selected));
        add(tabs);
    }

    void refresh() {
        patient = patientService.find(patient.getId()).orElse(null);
        render();
    }

    private Component actions() {
        Button edit = new Button("Edit", new Icon(VaadinIcon.EDIT), e -> PatientEditor.forExisting(patientService, patient, saved -> {
            PatientListView.notify("Patient " + saved.getReference() + " saved.");
            refresh();
        }).open());
        edit.setId("edit-patient");
        Button delete = new Button("Delete", new Icon(VaadinIcon.TRASH), e -> PatientDeletion.confirm(patientService, patient, () -> {
            PatientListView.notify("Patient " + patient.getReference() + " deleted.");
            getUI().ifPresent(ui -> ui.navigate(PatientListView.class));
        }));
        delete.setId("delete-patient");
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
        HorizontalLayout actions = new HorizontalLayout(edit, delete);
        actions.addClassName("cl-actions");
        return actions;
    }

    /**
     * Upload with study date and note, or attach an earlier analysis. Folded away once the patient has
     * studies, so the timeline stays in view; open for a new patient, where it is the next step.
     */
    private Component newStudy() {
        Div content = new Div();
        Details section = new Details(new Span("Add a study: upload an X-ray or attach an earlier analysis"), content);
        section.setId("new-study");
        section.addClassName("cl-card");
        section.addClassName("cl-new-study");
        section.setOpened(studies.isEmpty());
        if (!analysisService.available()) {
            Paragraph unavailable = new Paragraph(analysisService.unavailableReason()
                    .orElse("The analysis service is not available right now."));
            unavailable.addClassName("cl-notice");
            content.add(unavailable);
            return section;
        }
        studyDate.setId("study-date");
        studyDate.setRequiredIndicatorVisible(true);
        studyDate.setMax(LocalDate.now(clock));
        if (studyDate.isEmpty()) {
            studyDate.setValue(LocalDate.now(clock));
        }
        studyDate.setHelperText("When the X-ray was taken.");
        studyNote.setId("study-note");
        studyNote.setMaxLength(AnalysisRequest.MAX_NOTE_LENGTH);
        studyNote.setPlaceholder("e.g. follow-up after antibiotics, AP supine");
        // Dropping a file does not take focus from the note: its text must already be on the server by then.
        studyNote.setValueChangeMode(ValueChangeMode.EAGER);
        Div fields = new Div(studyDate, studyNote);
        fields.addClassName("cl-study-fields");
        long patientId = patient.getId();
        upload = new XrayUpload(maxUploadSize,
                request -> patientService.analyseStudy(patientId, request, studyDate.getValue(), studyNote.getValue()),
                result -> getUI().ifPresent(ui -> ui.navigate(ResultView.class, ResultView.parameters(result.publicId()))));
        Button attach = new Button("Attach an earlier analysis", new Icon(VaadinIcon.PAPERCLIP),
                e -> new AttachDialog(patientService, analysisService, patient, requester, this::refresh).open());
        attach.setId("attach-analysis");
        attach.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Paragraph hint = new Paragraph("Set the date and note first, then drop or choose the X-ray; the result opens "
                + "when it is analysed. Analyses you made while signed in can be attached instead.");
        hint.addClassName("cl-muted");
        content.add(fields, upload, hint, attach);
        return section;
    }

    private Div facts() {
        Div facts = new Div();
        facts.setId("patient-facts");
        facts.addClassName("cl-facts");
        facts.add(fact("Reference", patient.getReference()));
        facts.add(fact("Name", patient.getName().orElse("Not recorded")));
        facts.add(fact("Birth year", patient.getBirthYear().map(String::valueOf).orElse("Not recorded")));
        facts.add(fact("Sex", patient.getSex().map(Sex::label).orElse("Not recorded")));
        long completed = studies.stream().filter(s -> s.status() == AnalysisStatus.COMPLETED).count();
        facts.add(fact("Studies", studies.isEmpty() ? "None yet"
                : studies.size() + (completed == studies.size() ? "" : " (" + (studies.size() - completed) + " not analysable)")));
        Optional<AnalysisSummary> latest = studies.stream().findFirst();
        latest.ifPresent(s -> facts.add(fact("Last study", Dates.date(PatientService.studyDate(s)))));
        patient.getNotes().ifPresent(notes -> {
            Div fact = fact("Notes", notes);
            fact.addClassName("cl-fact-wide");
            facts.add(fact);
        });
        return facts;
    }

    static Div fact(String label, String value) {
        Span term = new Span(label);
        term.addClassName("cl-fact-label");
        Span description = new Span(value);
        description.addClassName("cl-fact-value");
        Div fact = new Div(term, description);
        fact.addClassName("cl-fact");
        return fact;
    }
}
