package org.chestlens.patients;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.UploadKt;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.upload.Upload;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.chestlens.KaribuTest;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.AnalysisSummary;
import org.chestlens.analysis.ResultView;
import org.chestlens.analysis.UploadRefusedException;
import org.chestlens.analysis.UploadView;
import org.chestlens.imaging.TestImages;
import org.chestlens.references.SimilarCase;
import org.chestlens.references.SimilarCases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;

/** A clinician's patient with real analyses (tiny test models, real PostgreSQL): studies, trends, compare, feedback. */
class PatientStudiesTest extends KaribuTest {

    static final LocalDate JANUARY = LocalDate.of(2026, 1, 5);
    static final LocalDate FEBRUARY = LocalDate.of(2026, 2, 10);

    @Autowired
    AccountService accountService;
    @Autowired
    PatientService patientService;
    @Autowired
    FeedbackService feedbackService;
    @Autowired
    AnalysisService analysisService;
    @Autowired
    SimilarCases similarCases;

    Account alice;
    Account bob;

    @BeforeEach
    void twoClinicians() {
        alice = register("alice");
        bob = register("bob");
    }

    @Test
    void twoStudiesMakeATimelineTrendsAndAComparison() {
        signInAs(alice);
        Patient patient = patientService.create(new PatientDetails("P-7", "Jane Roe", 1958, Sex.FEMALE, null));
        String january = uploadStudy(patient, JANUARY, "baseline", phantom(5));
        assertThat(text("result-meta")).contains("Patient: P-7 (Jane Roe)", "Study date", "Note: baseline");
        assertThat(text("result-patient")).contains("A study of P-7 (Jane Roe)");
        String february = uploadStudy(patient, FEBRUARY, "follow-up", phantom(9));

        UI.getCurrent().navigate("patients/" + patient.getId());
        PatientView view = _get(PatientView.class);
        List<ListItem> items = _find(ListItem.class, spec -> spec.withClasses("cl-timeline-item"));
        assertThat(items).extracting(i -> i.getElement().getAttribute("data-public-id")).containsExactly(february, january);
        assertThat(items.get(0).getElement().getTextRecursively()).contains("2026-02-10");
        assertThat(text("patient-facts")).contains("Studies", "2", "2026-02-10");

        // Trends: one chart per reported finding with both studies in date order, described in words.
        List<TrendsPanel.Trend> trends = TrendsPanel.trends(patientService.studies(patient.getId()), patientService.findingCatalogue());
        assertThat(trends).hasSize(4).allSatisfy(t -> assertThat(t.points()).extracting(TrendChart.Point::date)
                .containsExactly(JANUARY, FEBRUARY));
        view.tabs.setSelectedIndex(1);
        String svg = _get(Component.class, spec -> spec.withId("trend-0")).getElement().getChild(2).getProperty("innerHTML");
        assertThat(svg).startsWith("<svg").contains("role='img'", "<desc", "2026-01-05",
                "2026-02-10", "class='threshold'");

        view.tabs.setSelectedIndex(2);
        // Compare: latest against the one before, one finding and window for both, viewers in one sync group.
        ComparePanel compare = view.compare;
        assertThat(compare.later.getValue().publicId()).isEqualTo(february);
        assertThat(compare.earlier.getValue().publicId()).isEqualTo(january);
        // The test models call no reported finding positive in either study: no heatmap to start with (not No
        // Finding's, the most probable); any finding's on request.
        assertThat(compare.finding.getValue()).isNull();
        assertThat(compare.earlierViewer.getElement().hasAttribute("overlay")).isFalse();
        assertThat(compare.earlierViewer.getElement().getAttribute("sync-group"))
                .isEqualTo(compare.laterViewer.getElement().getAttribute("sync-group")).isNotBlank();
        _setValue(compare.finding, compare.finding.getListDataView().getItems().toList().get(0));
        assertThat(compare.earlierViewer.getElement().getAttribute("overlay")).isNotBlank();
        String earlierOverlay = compare.earlierViewer.getElement().getAttribute("overlay");
        _setValue(compare.finding, compare.finding.getListDataView().getItems().toList().get(1));
        assertThat(compare.earlierViewer.getElement().getAttribute("overlay")).isNotEqualTo(earlierOverlay);
        assertThat(text("compare-changes")).contains("Findings in both studies").containsPattern("(up|down) \\d+ points?|unchanged")
                .containsPattern("still (positive|negative|possible)|became (positive|negative|possible)");
        // The whole study's call first; No Finding is that call, not a row that could read "70%, Negative".
        assertThat(text("compare-study-row")).startsWith("Whole study");
        java.util.List<com.vaadin.flow.component.html.NativeTableRow> changeRows = _get(
                com.vaadin.flow.component.html.NativeTable.class, spec -> spec.withClasses("cl-findings")).getBody().getRows();
        assertThat(changeRows).extracting(r -> r.getElement().getTextRecursively()).noneMatch(t -> t.startsWith("No Finding"));
        // Each change is the difference of the two percentages shown in its row.
        for (var row : changeRows.subList(1, changeRows.size())) {
            // The two studies' cells: "45% Negative"; whole numbers only ("<1%", ">99%" are checked by NumbersTest).
            java.util.List<String> percents = row.getChildren().skip(1).limit(2)
                    .map(c -> c.getElement().getTextRecursively().replaceAll("^(\\d+)%.*", "$1")).toList();
            if (percents.stream().allMatch(p -> p.matches("\\d+"))) {
                int delta = Integer.parseInt(percents.get(1)) - Integer.parseInt(percents.get(0));
                assertThat(row.getElement().getTextRecursively()).contains(delta == 0 ? "unchanged"
                        : (delta > 0 ? "up " : "down ") + Math.abs(delta) + (Math.abs(delta) == 1 ? " point," : " points,"));
            }
        }
        _setValue(compare.earlier, compare.later.getValue());
        MockVaadin.clientRoundtrip();

        // The patient list shows the latest study and its positive findings.
        UI.getCurrent().navigate(PatientListView.class);
        var grid = _get(PatientListView.class).grid;
        assertThat(GridKt._getFormatted(grid, 0, "lastStudy")).isEqualTo("2026-02-10");
        AnalysisResult latest = analysisService.find(february, Optional.of(alice.getId())).orElseThrow();
        assertThat(GridKt._get(grid, 0).latestPositiveFindings())
                .containsExactlyElementsOf(latest.positiveFindings().stream().map(f -> f.label()).toList());
    }

    @Test
    void feedbackIsStoredAndConfirmedFindingsFeedSimilarCases() {
        signInAs(alice);
        Patient patient = patientService.create(new PatientDetails("FB-1", null, null, null, null));
        String publicId = uploadStudy(patient, JANUARY, null, phantom(5));

        _setValue(radio("verdict-pneumonia"), Verdict.CONFIRMED.name());
        _setValue(radio("verdict-effusion"), Verdict.REJECTED.name());
        _setValue(_get(TextArea.class, spec -> spec.withId("feedback-note")), "Consolidation confirmed on CT");
        _click(_get(Button.class, spec -> spec.withId("save-feedback")));
        assertThat(text("feedback-status")).contains("1 confirmed, 1 rejected, note");
        assertThat(analysisService.find(publicId, Optional.of(alice.getId())).orElseThrow().confirmedFindings())
                .containsExactly("pneumonia");

        // Reopened, the page shows the feedback as saved.
        UI.getCurrent().navigate("analysis/" + publicId);
        assertThat(radio("verdict-pneumonia").getValue()).isEqualTo("CONFIRMED");
        assertThat(radio("verdict-effusion").getValue()).isEqualTo("REJECTED");
        assertThat(radio("verdict-covid_19").getValue()).isEqualTo(PatientResultContribution.NOT_REVIEWED);

        // A later analysis of the same clinician finds the confirmed case among its similar cases.
        String other = uploadStudy(patient, FEBRUARY, null, phantom(9));
        assertThat(similarCases.find(other, Optional.of(alice.getId()), 6))
                .anySatisfy(c -> {
                    assertThat(c.source()).isEqualTo(SimilarCase.Source.OWN_ANALYSIS);
                    assertThat(c.id()).isEqualTo(publicId);
                    assertThat(c.findings()).containsExactly("pneumonia");
                });
        assertThat(text("similar-cases")).contains("Your confirmed case", "Pneumonia");

        // Withdrawing the confirmation takes the case out again.
        UI.getCurrent().navigate("analysis/" + publicId);
        _setValue(radio("verdict-pneumonia"), PatientResultContribution.NOT_REVIEWED);
        _click(_get(Button.class, spec -> spec.withId("save-feedback")));
        assertThat(analysisService.find(publicId, Optional.of(alice.getId())).orElseThrow().confirmedFindings()).isEmpty();
    }

    @Test
    void analysesMadeWhileSignedInCanBeAttachedFromTheResultOrThePatientAndRemovedAgain() {
        signInAs(alice);
        Patient patient = patientService.create(new PatientDetails("AT-1", null, null, null, null));
        String first = uploadUnfiled("first.png", phantom(5));
        ComboBox<Patient> choice = _get(ComboBox.class, spec -> spec.withId("attach-patient"));
        _setValue(choice, patient);
        _setValue(_get(DatePicker.class, spec -> spec.withId("attach-study-date")), JANUARY);
        _click(_get(Button.class, spec -> spec.withId("attach-to-patient")));
        assertThat(text("result-patient")).contains("A study of AT-1", "taken " + org.chestlens.ui.Dates.date(JANUARY));
        assertThat(analysisService.find(first, Optional.of(alice.getId())).orElseThrow().studyDate()).contains(JANUARY);
        assertThat(patientService.studyCount(patient.getId())).isEqualTo(1);

        String second = uploadUnfiled("second.png", phantom(9));
        UI.getCurrent().navigate("patients/" + patient.getId());
        _click(_get(Button.class, spec -> spec.withId("attach-analysis")));
        AttachDialog dialog = _get(AttachDialog.class);
        assertThat(dialog.getElement().getTextRecursively()).contains("second.png").doesNotContain("first.png");
        _setValue(_get(dialog, DatePicker.class, spec -> spec.withId("attach-study-date")), FEBRUARY);
        _click(_get(dialog, Button.class, spec -> spec.withClasses("cl-attach-button")));
        assertThat(patientService.studies(patient.getId())).extracting(AnalysisSummary::publicId).containsExactly(second, first);
        assertThat(_find(ListItem.class, spec -> spec.withClasses("cl-timeline-item"))).hasSize(2);

        _click(_find(Button.class, spec -> spec.withText("Remove from patient")).get(0));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        assertThat(_find(ListItem.class, spec -> spec.withClasses("cl-timeline-item"))).hasSize(1);
        assertThat(analysisService.find(second, Optional.of(alice.getId()))).get()
                .satisfies(a -> assertThat(a.patientId()).isEmpty());
        assertThat(analysisService.find(first, Optional.of(alice.getId())).orElseThrow().patientId()).contains(patient.getId());
    }

    @Test
    void deletingAPatientDeletesTheirStudiesAfterSayingHowMany() {
        signInAs(alice);
        Patient patient = patientService.create(new PatientDetails("DEL-1", null, null, null, null));
        String a = uploadStudy(patient, JANUARY, null, phantom(5));
        String b = uploadStudy(patient, FEBRUARY, null, phantom(9));
        feedbackService.save(a, Map.of("pneumonia", Verdict.CONFIRMED), "x");
        UI.getCurrent().navigate("patients/" + patient.getId());
        _click(_get(Button.class, spec -> spec.withId("delete-patient")));
        ConfirmDialog dialog = _get(ConfirmDialog.class);
        assertThat(ConfirmDialogKt.getText(dialog)).contains("2 studies");
        ConfirmDialogKt._fireConfirm(dialog);
        _get(PatientListView.class);
        assertThat(analysisService.find(a, Optional.of(alice.getId()))).isEmpty();
        assertThat(analysisService.find(b, Optional.of(alice.getId()))).isEmpty();
        assertThat(feedbackService.find(a)).isEmpty();
    }

    @Test
    void anotherClinicianReachesNeitherPatientNorStudiesNorFeedback() {
        signInAs(alice);
        Patient patient = patientService.create(new PatientDetails("SECRET-7", "Private Person", null, null, null));
        String study = uploadStudy(patient, JANUARY, "private note", phantom(5));
        feedbackService.save(study, Map.of("pneumonia", Verdict.CONFIRMED), "private feedback");

        signInAs(bob);
        UI.getCurrent().navigate("patients/" + patient.getId());
        _get(Paragraph.class, spec -> spec.withId("patient-not-found"));
        UI.getCurrent().navigate("analysis/" + study);
        _get(Paragraph.class, spec -> spec.withId("result-not-found"));
        assertThat(UI.getCurrent().getElement().getTextRecursively())
                .doesNotContain("SECRET-7", "Private Person", "private note", "private feedback");

        assertThat(patientService.studies(patient.getId())).isEmpty();
        assertThat(patientService.study(patient.getId(), study)).isEmpty();
        assertThat(patientService.studyCount(patient.getId())).isZero();
        assertThat(feedbackService.find(study)).isEmpty();
        assertThatThrownBy(() -> feedbackService.save(study, Map.of("pneumonia", Verdict.REJECTED), "vandal"))
                .isInstanceOf(PatientException.class);
        assertThatThrownBy(() -> patientService.analyseStudy(patient.getId(), AnalysisRequest.of(phantom(5), "x.png"), JANUARY, null))
                .isInstanceOf(UploadRefusedException.class);
        assertThatThrownBy(() -> patientService.attach(study, patient.getId(), Optional.empty())).isInstanceOf(PatientException.class);
        assertThatThrownBy(() -> patientService.detach(study, patient.getId())).isInstanceOf(PatientException.class);
        assertThat(patientService.unattachedAnalyses(10)).isEmpty();
        assertThatThrownBy(() -> patientService.delete(patient.getId())).isInstanceOf(PatientException.class);
        signInAs(alice);
        assertThat(patientService.studyCount(patient.getId())).isEqualTo(1);
    }

    @Test
    void aStudyDateInTheFutureIsRefusedBesideTheUpload() {
        signInAs(alice);
        Patient patient = patientService.create(new PatientDetails("FUT-1", null, null, null, null));
        UI.getCurrent().navigate("patients/" + patient.getId());
        PatientView view = _get(PatientView.class);
        view.studyDate.setMax(null);
        _setValue(view.studyDate, LocalDate.now().plusDays(10));
        UploadKt._upload(_get(Upload.class, spec -> spec.withId("xray-upload")), "x.png", "image/png", phantom(5));
        MockVaadin.clientRoundtrip();
        _get(PatientView.class);
        assertThat(view.upload.getErrorText()).contains("future");
        assertThat(patientService.studyCount(patient.getId())).isZero();
    }

    private String uploadStudy(Patient patient, LocalDate date, String note, byte[] png) {
        UI.getCurrent().navigate("patients/" + patient.getId());
        PatientView view = _get(PatientView.class);
        _setValue(view.studyDate, date);
        if (note != null) {
            _setValue(view.studyNote, note);
        }
        UploadKt._upload(_get(Upload.class, spec -> spec.withId("xray-upload")), "study.png", "image/png", png);
        MockVaadin.clientRoundtrip();
        _get(ResultView.class);
        return currentPublicId();
    }

    private String uploadUnfiled(String fileName, byte[] png) {
        UI.getCurrent().navigate(UploadView.class);
        UploadKt._upload(_get(Upload.class, spec -> spec.withId("xray-upload")), fileName, "image/png", png);
        MockVaadin.clientRoundtrip();
        _get(ResultView.class);
        return currentPublicId();
    }

    private static String currentPublicId() {
        String path = UI.getCurrent().getInternals().getActiveViewLocation().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @SuppressWarnings("unchecked")
    private static RadioButtonGroup<String> radio(String id) {
        return _get(RadioButtonGroup.class, spec -> spec.withId(id));
    }

    private static String text(String id) {
        return _get(Component.class, spec -> spec.withId(id)).getElement().getTextRecursively();
    }

    private static byte[] phantom(long seed) {
        return TestImages.png(TestImages.phantomChest(300, 260, seed));
    }

    private Account register(String name) {
        return accountService.register(name + "-" + UUID.randomUUID() + "@example.org", "Dr " + name, "a long enough passphrase 42");
    }

    private void signInAs(Account account) {
        signIn(account.getId(), account.getEmail(), account.getDisplayName(), false);
    }
}
