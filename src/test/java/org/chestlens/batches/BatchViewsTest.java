package org.chestlens.batches;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.UploadKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.shared.communication.PushMode;
import java.time.Duration;
import java.util.List;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.TestDicom;
import org.chestlens.analysis.UploadView;
import org.chestlens.imaging.TestImages;
import org.chestlens.patients.Patient;
import org.chestlens.patients.PatientDetails;
import org.chestlens.patients.PatientService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The batch upload pages driven by Karibu on the real application: upload, live progress, reload, access. */
class BatchViewsTest extends KaribuTest {

    @Autowired
    AccountService accounts;
    @Autowired
    PatientService patients;

    private Account alice;
    private Account bob;

    @BeforeEach
    void clinicians() {
        alice = accounts.register(TestAccounts.uniqueEmail("batch-alice"), "Dr Alice", TestAccounts.PASSWORD);
        bob = accounts.register(TestAccounts.uniqueEmail("batch-bob"), "Dr Bob", TestAccounts.PASSWORD);
    }

    @Test
    void filesDroppedOnThePageBecomeABatchWhoseProgressIsFollowedUntilEveryFileHasItsResult() {
        signInAs(alice);
        assertThat(_find(SideNavItem.class)).extracting(SideNavItem::getLabel).contains("Batch upload");
        UI.getCurrent().navigate(NewBatchView.class);
        NewBatchView page = _get(NewBatchView.class);
        assertThat(page.progress.isVisible()).isFalse();

        UploadKt._upload(page.upload, "first.png", "image/png", TestImages.png(TestImages.phantomChest(320, 300, 31)));
        UploadKt._upload(page.upload, "notes.txt", "text/plain", "not an X-ray".getBytes());
        UploadKt._upload(page.upload, "more.zip", "application/zip", TestZips.zip()
                .add("second.png", TestImages.png(TestImages.phantomChest(320, 300, 32)))
                .add("../outside.png", TestImages.png(TestImages.phantomChest(320, 300, 33))).bytes());

        assertThat(page.progress.isVisible()).isTrue();
        assertThat(page.error.isVisible()).isFalse();
        assertThat(GridKt._size(page.progress.grid)).isEqualTo(4);
        assertThat(page.progress.summary.getText()).contains("of 4 files finished", "2 refused");
        assertThat(GridKt._getCellComponent(page.progress.grid, 1, "file").getElement().getTextRecursively())
                .contains("notes.txt", "Refused", "not a PNG, JPEG or DICOM");
        assertThat(page.progress.batch().orElseThrow().items().get(3).reason().orElseThrow()).contains("leaves the archive's folder");
        assertThat(page.progress.following()).as("follows the batch while files are unfinished").isTrue();
        assertThat(UI.getCurrent().getPushConfiguration().getPushMode()).as("changes are pushed by the server")
                .isEqualTo(PushMode.AUTOMATIC);
        assertThat(UI.getCurrent().getPollInterval()).as("the page does not poll").isEqualTo(-1);

        awaitComplete(page.progress);
        assertThat(page.progress.summary.getText()).startsWith("4 of 4 files finished · 2 analysed · 2 refused");
        assertThat(page.progress.following()).as("stops following once every file has its outcome").isFalse();
        RouterLink result = (RouterLink) GridKt._getCellComponent(page.progress.grid, 0, "result").getChildren()
                .filter(RouterLink.class::isInstance).findFirst().orElseThrow();
        assertThat(result.getHref()).startsWith("analysis/");

        // A reload of the batch's own address (what the page's address became) shows the same batch.
        String id = page.progress.batch().orElseThrow().id();
        UI.getCurrent().navigate("batches/" + id);
        BatchView view = _get(BatchView.class);
        assertThat(GridKt._size(view.progress.grid)).isEqualTo(4);
        assertThat(view.started.getText()).contains("4 files");
        assertThat(view.progress.summary.getText()).startsWith("4 of 4 files finished");

        // Another clinician: the same address is "not found", with nothing of the batch shown.
        signInAs(bob);
        UI.getCurrent().navigate("batches/" + id);
        assertThat(_find(BatchView.class)).isEmpty();
        assertThat(_get(H1.class).getText()).isEqualTo("Page not found");
        assertThat(UI.getCurrent().getElement().getTextRecursively()).doesNotContain("first.png");
    }

    @Test
    void aChosenPatientTakesEveryStudyAndDicomFilesOtherwiseGoToTheirDerivedPatient() {
        signInAs(alice);
        Patient chosen = patients.create(new PatientDetails("WARD-7", null, null, null, null));
        UI.getCurrent().navigate(NewBatchView.class);
        NewBatchView page = _get(NewBatchView.class);
        _setValue(page.patient, chosen);
        UploadKt._upload(page.upload, "a.dcm", "application/dicom",
                TestDicom.of(TestImages.phantomChest(256, 256, 41), "PID-55", "20240105"));
        assertThat(page.patient.isReadOnly()).as("the batch's patient is fixed once it started").isTrue();
        List<BatchItem> items = page.progress.batch().orElseThrow().items();
        assertThat(items.get(0).patientReference()).contains("WARD-7");
        assertThat(items.get(0).studyDate()).hasValueSatisfying(d -> assertThat(d).hasToString("2024-01-05"));

        UI.getCurrent().navigate(NewBatchView.class);
        NewBatchView fresh = _get(NewBatchView.class);
        UploadKt._upload(fresh.upload, "b.dcm", "application/dicom",
                TestDicom.of(TestImages.phantomChest(256, 256, 42), "PID-55", "20240106"));
        assertThat(fresh.progress.batch().orElseThrow().items().get(0).patientReference().orElseThrow())
                .matches("DICOM-[0-9A-F]{10}");
        awaitComplete(fresh.progress);
    }

    @Test
    void theUploadPageAndThePatientListLinkToBatchUpload() {
        signInAs(alice);
        UI.getCurrent().navigate(UploadView.class);
        assertThat(_get(Anchor.class, spec -> spec.withId("batch-upload-link")).getHref()).isEqualTo("batches/new");
        UI.getCurrent().navigate("patients");
        assertThat(_get(Anchor.class, spec -> spec.withId("patients-batch-upload")).getHref()).isEqualTo("batches/new");
    }

    @Test
    void visitorsWithoutAnAccountAreNotLetIn() {
        UI.getCurrent().navigate("batches/new");
        assertThat(_find(NewBatchView.class)).isEmpty();
    }

    /**
     * Lets the changes the server pushes reach the page (Karibu holds the session, so what the feed's thread hands to
     * UI.access waits in the UI's queue), until every file has its outcome (generous bound). The page itself is not
     * asked to read again: what it shows arrived by push.
     */
    private static void awaitComplete(BatchProgress progress) {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        MockVaadin.runUIQueue();
        while (!progress.batch().orElseThrow().complete()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Batch not complete: " + progress.summary.getText());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            MockVaadin.runUIQueue();
        }
    }

    private void signInAs(Account account) {
        signIn(account.getId(), account.getEmail(), account.getDisplayName(), false);
    }
}
