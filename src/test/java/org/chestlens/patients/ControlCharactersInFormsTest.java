package org.chestlens.patients;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.UploadKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.upload.Upload;
import java.time.LocalDate;
import java.util.UUID;
import org.chestlens.KaribuTest;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.ResultView;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A NUL (or another control character) typed or pasted into a form gives a message beside the field, and nothing is
 * stored. PostgreSQL refuses NUL in text, and the failed insert used to surface as "You already have a patient with
 * this reference" (patient), a generic error (feedback) or an upload error.
 */
class ControlCharactersInFormsTest extends KaribuTest {

    @Autowired
    AccountService accountService;
    @Autowired
    PatientService patientService;
    @Autowired
    FeedbackService feedbackService;

    Account alice;

    @BeforeEach
    void signedIn() {
        alice = accountService.register("alice-" + UUID.randomUUID() + "@example.org", "Dr Alice", "a long enough passphrase 42");
        signIn(alice.getId(), alice.getEmail(), alice.getDisplayName(), false);
    }

    @Test
    void aNulInAPatientsNameOrNotesIsExplainedBesideTheFieldAndNothingIsStored() {
        UI.getCurrent().navigate(PatientListView.class);
        _click(_get(Button.class, spec -> spec.withId("new-patient")));
        PatientEditor editor = _get(PatientEditor.class);
        _setValue(editor.reference, "NUL-1");
        _setValue(editor.name, "Jane\u0000Roe");
        _click(editor.save);
        assertThat(editor.name.isInvalid()).isTrue();
        assertThat(editor.name.getErrorMessage()).contains("control characters").doesNotContain("already have");

        _setValue(editor.name, "Jane Roe");
        _setValue(editor.notes, "smoker\u0000");
        _click(editor.save);
        assertThat(editor.notes.isInvalid()).isTrue();
        assertThat(editor.notes.getErrorMessage()).contains("control characters");
        assertThat(patientService.count()).isZero();

        // Line breaks and tabs are fine in notes.
        _setValue(editor.notes, "smoker\n\tsince 1990");
        _click(editor.save);
        assertThat(patientService.count()).isEqualTo(1);
    }

    @Test
    void aNulInAStudyNoteIsExplainedBesideTheUploadAndNothingIsStored() {
        Patient patient = patientService.create(new PatientDetails("NUL-2", null, null, null, null));
        UI.getCurrent().navigate("patients/" + patient.getId());
        PatientView view = _get(PatientView.class);
        _setValue(view.studyDate, LocalDate.of(2026, 1, 5));
        _setValue(view.studyNote, "follow-up\u0000");
        UploadKt._upload(_get(Upload.class, spec -> spec.withId("xray-upload")), "x.png", "image/png", phantom());
        MockVaadin.clientRoundtrip();
        _get(PatientView.class);
        assertThat(view.upload.getErrorText()).contains("control character").doesNotContain("Something went wrong");
        assertThat(patientService.studyCount(patient.getId())).isZero();
    }

    @Test
    void aNulInAFeedbackNoteIsExplainedBesideTheNoteAndNothingIsStored() {
        Patient patient = patientService.create(new PatientDetails("NUL-3", null, null, null, null));
        String study = patientService.analyseStudy(patient.getId(), AnalysisRequest.of(phantom(), "x.png"),
                LocalDate.of(2026, 1, 5), null).publicId();
        UI.getCurrent().navigate("analysis/" + study);
        _get(ResultView.class);
        TextArea note = _get(TextArea.class, spec -> spec.withId("feedback-note"));
        _setValue(note, "seen\u0000");
        _click(_get(Button.class, spec -> spec.withId("save-feedback")));
        assertThat(note.isInvalid()).isTrue();
        assertThat(note.getErrorMessage()).contains("control character");
        assertThat(feedbackService.find(study)).isEmpty();
    }

    private static byte[] phantom() {
        return TestImages.png(TestImages.phantomChest(300, 260, 5));
    }
}
