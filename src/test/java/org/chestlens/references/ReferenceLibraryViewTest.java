package org.chestlens.references;

import static com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mvysny.kaributesting.v10.MockAccessDeniedException;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.AnalysisStatus;
import org.chestlens.audit.AuditEvent;
import org.chestlens.audit.AuditEventRepository;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;

class ReferenceLibraryViewTest extends KaribuTest {

    private static final byte[] QUERY = TestImages.png(TestImages.phantomChest(300, 260, 5));

    @Autowired
    AccountService accounts;
    @Autowired
    ReferenceLibrary library;
    @Autowired
    AnalysisService analysisService;
    @Autowired
    SimilarCases similarCases;
    @Autowired
    AuditEventRepository auditEvents;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    @TempDir
    Path folder;

    /** Paths of this test's cases start with it, so that only they are removed afterwards. */
    private final String prefix = "refs-view-" + System.nanoTime() + "/";

    @AfterEach
    void removeImportedCases() {
        TestReferences.remove(context, prefix);
    }

    @Test
    void adminImportsAFolderInTheBackgroundAndSimilarCasesFindTheCases() throws Exception {
        writeLibrary(4, "val");
        Account admin = signInAsAdmin();
        long before = library.size();

        ReferenceLibraryView view = open();
        _setValue(view.folder, folder.toString());
        _setValue(view.split, "val");
        _click(view.importButton);
        assertThat(view.importButton.isEnabled()).as("disabled while running").isFalse();
        assertThat(view.progress.isVisible()).isTrue();
        assertThat(UI.getCurrent().getPollInterval()).isPositive();
        finish(view);

        // 4 val rows imported, 2 skipped (no image; no label), 1 train row left out.
        assertThat(library.size()).isEqualTo(before + 4);
        assertThat(view.status.getText()).startsWith("Imported 4 reference cases (2 skipped");
        assertThat(view.status.hasClassName("cl-error")).isFalse();
        assertThat(view.importButton.isEnabled()).isTrue();
        assertThat(view.progress.isVisible()).isFalse();
        assertThat(UI.getCurrent().getPollInterval()).isEqualTo(-1);
        assertThat(view.size.getText()).startsWith((before + 4) + " reference cases for the loaded model");
        assertThat(_size(view.labels)).isPositive();
        assertThat(String.join(" ", _getFormattedRow(view.cases, 0))).contains(prefix, "test-source");
        assertThat(library.countsByLabel()).anySatisfy(c -> {
            assertThat(c.code()).isEqualTo("effusion");
            assertThat(c.cases()).isGreaterThanOrEqualTo(1);
        });
        assertThat(latestAudit(admin)).satisfies(e -> {
            assertThat(e.getAction()).isEqualTo("REFERENCES_IMPORTED");
            assertThat(e.getDetail()).contains(folder.toString(), "split val", "Imported 4", "2 skipped");
        });

        List<Long> ours = library.cases(PageRequest.of(0, 500)).stream()
                .filter(c -> c.sourcePath().startsWith(prefix)).map(ReferenceLibrary.Listed::id).toList();
        assertThat(ours).hasSize(4);
        AnalysisResult query = analysisService.analyse(AnalysisRequest.of(QUERY, "query.png"));
        assertThat(query.status()).isEqualTo(AnalysisStatus.COMPLETED);
        List<SimilarCase> similar = similarCases.find(query.publicId(), Optional.empty(), 10);
        assertThat(similar).anySatisfy(c -> {
            assertThat(c.source()).isEqualTo(SimilarCase.Source.REFERENCE);
            assertThat(ours).contains(Long.parseLong(c.id()));
            assertThat(c.similarity()).isGreaterThan(0.9999);
            assertThat(c.findings()).containsExactly("pneumonia", "effusion");
        });
    }

    @Test
    void folderIsCheckedAtTheField() throws IOException {
        signInAsAdmin();
        ReferenceLibraryView view = open();

        _click(view.importButton);
        assertThat(view.folder.isInvalid()).isTrue();
        assertThat(view.folder.getErrorMessage()).isEqualTo("Enter the folder that holds index.csv.");

        _setValue(view.folder, folder.resolve("nowhere").toString());
        _click(view.importButton);
        assertThat(view.folder.getErrorMessage()).startsWith("No such folder on the server");

        Path file = Files.writeString(folder.resolve("notes.txt"), "x");
        _setValue(view.folder, file.toString());
        _click(view.importButton);
        assertThat(view.folder.getErrorMessage()).startsWith("Not a folder");

        _setValue(view.folder, folder.toString());
        _click(view.importButton);
        assertThat(view.folder.getErrorMessage()).isEqualTo("This folder holds no index.csv.");
        assertThat(view.importButton.isEnabled()).isTrue();
        assertThat(view.importJob).isDone();
    }

    @Test
    void anIndexWithoutPathColumnIsAMessageNotAStackTrace() throws Exception {
        Account admin = signInAsAdmin();
        Files.writeString(folder.resolve("index.csv"), "file,split,Pneumonia\nx.png,val,1\n");
        ReferenceLibraryView view = open();
        _setValue(view.folder, folder.toString());
        _click(view.importButton);
        finish(view);

        assertThat(view.folder.isInvalid()).isFalse();
        assertThat(view.status.getText()).isEqualTo("Import failed: " + folder.resolve("index.csv") + " has no 'path' column.");
        assertThat(view.status.hasClassName("cl-error")).isTrue();
        assertThat(view.importButton.isEnabled()).isTrue();
        assertThat(latestAudit(admin).getAction()).isEqualTo("REFERENCES_IMPORT_FAILED");
    }

    /**
     * Another node is importing (what it leaves in PostgreSQL: its db-scheduler execution, picked and alive, and its
     * progress row): the page shows that import's progress, refuses a second one and refuses clearing.
     */
    @Test
    void anImportRunningOnAnotherNodeIsShownAndNoSecondOneStarts() throws Exception {
        writeLibrary(2, "val");
        signInAsAdmin();
        String id = "elsewhere-" + System.nanoTime();
        jdbc.update("insert into reference_import (id, description, status, total, done, imported, skipped, node, started_at, updated_at) "
                + "values (?, 'folder /data/elsewhere', 'RUNNING', 20, 5, 4, 1, 'node-2', now(), now())", id);
        jdbc.update("insert into scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by, "
                + "last_heartbeat, version) values (?, ?, null, now(), true, 'node-2', now(), 1)",
                ReferenceLibrary.IMPORT_TASK, ReferenceLibrary.IMPORT_INSTANCE);
        try {
            ReferenceLibraryView view = open();
            // "An import is running (started elsewhere: ...)" until the first progress read, then its progress.
            awaitText(view, "Importing: 5 of 20 rows…");
            assertThat(view.progress.getValue()).isEqualTo(0.25);
            assertThat(library.busy()).isTrue();
            assertThat(view.importButton.isEnabled()).as("the page follows the other import").isFalse();
            assertThat(view.clear.isEnabled()).isFalse();
            // A second start (another page, the API of the library) and clearing are refused while it runs.
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> library.startImport(folder, Optional.empty(), 0,
                    "second", Optional.empty(), (done, total) -> { })))
                    .isInstanceOf(ReferenceLibrary.BusyException.class)
                    .hasMessage("Another import of the reference library is running. Try again when it has finished.");
            assertThat(org.assertj.core.api.Assertions.catchThrowable(library::clear))
                    .isInstanceOf(ReferenceLibrary.BusyException.class);
            assertThat(jdbc.queryForObject("select count(*) from reference_import where description = 'second'", Integer.class))
                    .isZero();

            // The other node finishes: the page shows its outcome.
            jdbc.update("update reference_import set status = 'DONE', done = 20, imported = 18, skipped = 2, "
                    + "message = 'Imported 18 reference cases', finished_at = now() where id = ?", id);
            jdbc.update("delete from scheduled_tasks where task_name = ?", ReferenceLibrary.IMPORT_TASK);
            finish(view);
            assertThat(view.status.getText()).startsWith("Imported 18 reference cases (2 skipped");
            assertThat(view.importButton.isEnabled()).isTrue();
        } finally {
            jdbc.update("delete from scheduled_tasks where task_name = ?", ReferenceLibrary.IMPORT_TASK);
            jdbc.update("delete from reference_import where id = ?", id);
        }
    }

    /** Lets the page apply what the import's follower sent, until the status shows {@code text} (bounded). */
    private static void awaitText(ReferenceLibraryView view, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!view.status.getText().equals(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            MockVaadin.clientRoundtrip();
        }
        assertThat(view.status.getText()).isEqualTo(text);
    }

    @Test
    void clearingEmptiesTheLibraryAndTheSimilarCaseSearch() throws Exception {
        writeLibrary(2, "val");
        Account admin = signInAsAdmin();
        library.importFolder(folder, Optional.empty(), 0);
        assertThat(library.size()).isPositive();
        AnalysisResult query = analysisService.analyse(AnalysisRequest.of(QUERY, "query.png"));
        assertThat(similarCases.find(query.publicId(), Optional.empty(), 5))
                .anySatisfy(c -> assertThat(c.source()).isEqualTo(SimilarCase.Source.REFERENCE));

        ReferenceLibraryView view = open();
        assertThat(view.clear.isEnabled()).isTrue();
        _click(view.clear);
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));

        assertThat(library.size()).isZero();
        assertThat(view.size.getText()).startsWith("0 reference cases");
        assertThat(view.clear.isEnabled()).isFalse();
        assertThat(_size(view.cases)).isZero();
        assertThat(similarCases.find(query.publicId(), Optional.empty(), 5))
                .noneSatisfy(c -> assertThat(c.source()).isEqualTo(SimilarCase.Source.REFERENCE));
        assertThat(latestAudit(admin).getAction()).isEqualTo("REFERENCES_CLEARED");
    }

    @Test
    void adminLoadsTheDefaultLibraryAgain() throws Exception {
        Account admin = signInAsAdmin();
        ReferenceLibraryView view = open();
        assertThat(view.importDefault.isVisible()).isTrue();
        _click(view.importDefault);
        finish(view);
        assertThat(view.status.getText()).startsWith("Imported ").contains(" reference cases (");
        assertThat(view.status.hasClassName("cl-error")).isFalse();
        assertThat(library.cases(PageRequest.of(0, 2000)).stream()
                .filter(c -> c.sourcePath().startsWith(ReferenceLibrary.DEFAULT_PREFIX))).isNotEmpty()
                .allSatisfy(c -> assertThat(c.license()).isPresent());
        assertThat(latestAudit(admin)).satisfies(e -> {
            assertThat(e.getAction()).isEqualTo("REFERENCES_IMPORTED");
            assertThat(e.getDetail()).startsWith("the default library: Imported");
        });
        TestReferences.remove(context, ReferenceLibrary.DEFAULT_PREFIX);
    }

    @Test
    void cliniciansAreRefused() {
        signIn(424243L, "clinician-refs@example.org", "Clin", false);
        assertThatThrownBy(() -> UI.getCurrent().navigate("admin/references")).isInstanceOf(MockAccessDeniedException.class);
        _assertNone(ReferenceLibraryView.class);
    }

    private Account signInAsAdmin() {
        Account admin = accounts.register(TestAccounts.uniqueEmail("librarian"), "Librarian", TestAccounts.PASSWORD);
        accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        signIn(admin.getId(), admin.getEmail(), "Librarian", true);
        return admin;
    }

    private static ReferenceLibraryView open() {
        UI.getCurrent().navigate(ReferenceLibraryView.class);
        return _get(ReferenceLibraryView.class);
    }

    /** Waits for the background import, then lets the page apply what it sent (as the browser's next poll would). */
    private static void finish(ReferenceLibraryView view) throws Exception {
        view.importJob.get(10, TimeUnit.MINUTES); // a bound for a failure only, generous for a busy machine
        MockVaadin.clientRoundtrip();
    }

    /**
     * {@code n} phantoms in split {@code split} (the first one the query image, labelled pneumonia + effusion), two
     * rows of that split to skip (image missing; no label) and one row of another split.
     */
    private void writeLibrary(int n, String split) throws IOException {
        Files.createDirectories(folder.resolve(prefix));
        List<String> lines = new ArrayList<>(List.of("path,source,split,No Finding,Pneumonia,Effusion"));
        for (int i = 0; i < n; i++) {
            String path = prefix + "case" + i + ".png";
            Files.write(folder.resolve(path), i == 0 ? QUERY
                    : TestImages.png(TestImages.phantomChest(220 + 20 * i, 200 + 10 * i, 70 + i)));
            lines.add(path + ",test-source," + split + "," + (i == 0 ? "0,1,1" : "1,0,0"));
        }
        lines.add(prefix + "missing.png,test-source," + split + ",1,0,0");
        Files.write(folder.resolve(prefix + "unlabelled.png"), TestImages.png(TestImages.phantomChest(240, 220, 98)));
        lines.add(prefix + "unlabelled.png,test-source," + split + ",0,0,0");
        Files.write(folder.resolve(prefix + "other.png"), TestImages.png(TestImages.phantomChest(240, 220, 99)));
        lines.add(prefix + "other.png,test-source,train,1,0,0");
        Files.write(folder.resolve("index.csv"), lines);
    }

    private AuditEvent latestAudit(Account admin) {
        return auditEvents.findByActionContainingIgnoreCaseOrActorEmailContainingIgnoreCaseOrderByOccurredAtDesc(
                admin.getEmail(), admin.getEmail(), PageRequest.of(0, 1)).getContent().get(0);
    }

}
