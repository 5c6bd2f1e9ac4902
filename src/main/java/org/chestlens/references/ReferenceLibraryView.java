package org.chestlens.references;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.Command;
import jakarta.annotation.security.RolesAllowed;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.chestlens.analysis.AnalysisImages;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.FindingDescription;
import org.chestlens.audit.AuditTrail;
import org.chestlens.security.ChestLensPrincipal;
import org.chestlens.security.CurrentUser;
import org.chestlens.security.Roles;
import org.chestlens.ui.Dates;
import org.chestlens.ui.MainLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.PageRequest;

/**
 * The reference library behind similar-case search: what is stored, an import from a folder on the server or of the
 * default library shipped with ChestLens (run in the background, one at a time in the application) and clearing it.
 */
@Route(value = "admin/references", layout = MainLayout.class)
@PageTitle("Reference library | ChestLens admin")
@Menu(title = "Admin: reference library", order = 84, icon = "vaadin:archive")
@RolesAllowed(Roles.ADMIN)
public class ReferenceLibraryView extends Div {

    private static final Logger log = LoggerFactory.getLogger(ReferenceLibraryView.class);
    static final String ALL_SPLITS = "all";
    static final String DEFAULT_LIBRARY_TEXT = "chest X-rays of the training split of two public data sets whose "
            + "licences allow redistribution (Kermany et al. 2018, CC BY 4.0: children, normal and pneumonia; NIH "
            + "ChestX-ray14, CC0: adults, 14 findings), embedded by the loaded models when loaded. Loading it again "
            + "replaces its cases; your own imports stay.";
    private static final int POLL_MILLIS = 500;

    final Paragraph size = new Paragraph();
    final Grid<ReferenceLibrary.LabelCount> labels = new Grid<>();
    final Grid<ReferenceLibrary.Listed> cases = new Grid<>();
    final Button clear = new Button("Clear library");
    final TextField folder = new TextField("Folder on the server");
    final Select<String> split = new Select<>();
    final IntegerField limit = new IntegerField("Limit");
    final Button importButton = new Button("Import");
    final Button importDefault = new Button("Load the default library");
    final ProgressBar progress = new ProgressBar();
    final Span status = new Span();
    /** The running (or last) import, done once its outcome is recorded and handed to the page: tests wait on it. */
    volatile CompletableFuture<Void> importJob = CompletableFuture.completedFuture(null);

    private final ReferenceLibrary library;
    private final AnalysisService analysisService;
    private final AuditTrail audit;
    private final CurrentUser currentUser;
    private final Map<String, String> findingLabels;

    public ReferenceLibraryView(ReferenceLibrary library, AnalysisService analysisService, AuditTrail audit,
                                CurrentUser currentUser) {
        this.library = library;
        this.analysisService = analysisService;
        this.audit = audit;
        this.currentUser = currentUser;
        this.findingLabels = analysisService.findingCatalogue().stream()
                .collect(Collectors.toMap(FindingDescription::code, FindingDescription::label, (a, b) -> a));
        addClassName("cl-wide");

        Paragraph intro = new Paragraph("Labelled X-rays that similar-case search compares each analysis with. "
                + "A fresh installation starts with the default library shipped with ChestLens (public images whose "
                + "licences allow it, with attribution). To use your own, clear the library and import a folder on this "
                + "server laid out like the training data: an index.csv with a 'path' column, one column per finding "
                + "(1 = present) and optional 'source', 'license' and 'split' columns, next to the images. The same "
                + "import runs from the command line: "
                + "java -jar chestlens.jar import-references --data FOLDER [--split train] [--limit N].");
        intro.addClassName("cl-muted");
        add(new H1("Reference library"), intro, summarySection(), importSection(), casesSection());
        refresh();
        library.runningImport().ifPresentOrElse(running -> {
            // Started on another page or node: follow its progress from PostgreSQL like one's own.
            follow(() -> library.follow(running.id(), progressOn(UI.getCurrent())),
                    "An import is running (started elsewhere: " + running.description() + "); the figures below grow as it goes.");
        }, () -> {
            if (library.busy()) {
                status.setText("An import is running (started elsewhere); the figures below grow as it goes.");
            }
        });
    }

    private Section summarySection() {
        size.setId("reference-count");
        labels.setId("reference-labels");
        labels.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        labels.addColumn(c -> findingLabels.getOrDefault(c.code(), c.code())).setHeader("Finding").setKey("finding");
        labels.addColumn(ReferenceLibrary.LabelCount::cases).setHeader("Cases").setKey("cases").setAutoWidth(true)
                .setFlexGrow(0);
        labels.setAllRowsVisible(true);
        labels.setMaxWidth("32rem");

        clear.setId("clear-references");
        clear.addThemeVariants(ButtonVariant.LUMO_ERROR);
        clear.addClickListener(e -> confirmClear());

        Section section = new Section(new H2("Stored cases"), size, labels, clear);
        section.addClassName("cl-card");
        return section;
    }

    private Section importSection() {
        folder.setId("reference-folder");
        folder.setRequiredIndicatorVisible(true);
        folder.setPlaceholder("/data/cxr");
        folder.setHelperText("Holds index.csv and the images it names (absolute path, or relative to the server's "
                + "working directory)");
        folder.addClassName("cl-grow");
        split.setId("reference-split");
        split.setLabel("Split");
        split.setItems(ALL_SPLITS, "train", "val", "test");
        split.setItemLabelGenerator(s -> s.equals(ALL_SPLITS) ? "All rows" : s);
        split.setValue(ALL_SPLITS);
        split.setHelperText("Rows whose 'split' column has this value");
        limit.setId("reference-limit");
        limit.setMin(0);
        limit.setStepButtonsVisible(true);
        limit.setHelperText("At most this many rows; empty or 0: all");
        limit.setI18n(new IntegerField.IntegerFieldI18n().setMinErrorMessage("Enter 0 or more")
                .setBadInputErrorMessage("Enter a whole number"));
        importButton.setId("import-references");
        importButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        importButton.addClickListener(e -> startImport());
        Div form = new Div(folder, split, limit, importButton);
        form.addClassName("cl-inline-form");

        progress.setId("import-progress");
        progress.setVisible(false);
        progress.setMaxWidth("32rem");
        status.setId("import-status");
        status.getElement().setAttribute("role", "status");

        importDefault.setId("import-default-references");
        importDefault.addClickListener(e -> startDefaultImport());
        importDefault.setVisible(ReferenceLibrary.defaultAvailable());
        Paragraph defaultHelp = new Paragraph("The default library: " + DEFAULT_LIBRARY_TEXT);
        defaultHelp.addClassName("cl-muted");

        Section section = new Section(new H2("Import"), form, progress, status, defaultHelp, importDefault);
        section.addClassName("cl-card");
        return section;
    }

    private Section casesSection() {
        cases.setId("reference-cases");
        cases.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        cases.addComponentColumn(this::thumbnail).setHeader("Image").setKey("image").setWidth("88px").setFlexGrow(0);
        cases.addColumn(this::labelsOf).setHeader("Labels").setKey("labels").setAutoWidth(true);
        cases.addColumn(c -> c.source().orElse("")).setHeader("Source").setKey("source").setAutoWidth(true);
        cases.addColumn(c -> c.license().orElse("")).setHeader("Licence").setKey("license").setAutoWidth(true);
        cases.addColumn(ReferenceLibrary.Listed::sourcePath).setHeader("Path").setKey("path").setFlexGrow(1);
        cases.addColumn(c -> Dates.dateTime(c.importedAt())).setHeader("Imported").setKey("imported")
                .setAutoWidth(true).setFlexGrow(0);
        cases.setItems(query -> library.cases(PageRequest.of(query.getPage(), query.getPageSize())).stream());
        cases.setHeight("28rem");
        Section section = new Section(new H2("Cases, newest first"), cases);
        section.addClassName("cl-card");
        return section;
    }

    private Image thumbnail(ReferenceLibrary.Listed c) {
        Image image = new Image(AnalysisImages.of("reference-" + c.id(), () -> library.thumbnail(c.id())),
                "Reference case: " + labelsOf(c));
        image.addClassName("cl-recent-thumb");
        return image;
    }

    private String labelsOf(ReferenceLibrary.Listed c) {
        return c.labels().isEmpty() ? "No label"
                : c.labels().stream().map(code -> findingLabels.getOrDefault(code, code)).collect(Collectors.joining(", "));
    }

    private void refresh() {
        long stored = library.size();
        size.setText(analysisService.model()
                .map(m -> String.format(Locale.ROOT, "%d reference case%s for the loaded model (%s %s).", stored,
                        stored == 1 ? "" : "s", m.name(), m.version()))
                .orElse("No models are loaded on this server, so there is no reference library to show or import."));
        List<ReferenceLibrary.LabelCount> counts = library.countsByLabel();
        labels.setItems(counts);
        labels.setVisible(!counts.isEmpty());
        clear.setEnabled(stored > 0 && !library.busy());
        cases.getDataProvider().refreshAll();
    }

    private void startImport() {
        folder.setInvalid(false);
        Optional<String> problem = folderProblem(folder.getValue());
        if (problem.isPresent()) {
            folder.setErrorMessage(problem.get());
            folder.setInvalid(true);
            return;
        }
        Integer rows = limit.getValue();
        if (limit.isInvalid() || (rows != null && rows < 0)) {
            limit.setErrorMessage("Enter 0 or more (empty: all rows)");
            limit.setInvalid(true);
            return;
        }
        Path path = Path.of(folder.getValue().trim()).toAbsolutePath().normalize();
        Optional<String> chosenSplit = Optional.ofNullable(split.getValue()).filter(s -> !s.equals(ALL_SPLITS));
        int max = rows == null ? 0 : rows;
        String what = "folder " + path + ", split " + chosenSplit.orElse(ALL_SPLITS) + ", limit " + (max == 0 ? "none" : max);
        follow(() -> library.startImport(path, chosenSplit, max, what, requester(), progressOn(UI.getCurrent())),
                "Importing from " + path + "…");
    }

    private void startDefaultImport() {
        follow(() -> library.importDefaultInBackground(requester()), "Loading the default library…");
    }

    /** The import job has no session (and may run on another node): it audits under the admin who started it. */
    private Optional<ReferenceLibrary.Requester> requester() {
        ChestLensPrincipal admin = currentUser.get().orElseThrow();
        return Optional.of(new ReferenceLibrary.Requester(admin.accountId(), admin.getUsername()));
    }

    private ReferenceLibrary.Progress progressOn(UI ui) {
        return (done, total) -> access(ui, () -> showProgress(done, total));
    }

    /** Starts (or joins) an import and shows how it goes; the job itself audits its outcome. */
    private void follow(java.util.function.Supplier<CompletableFuture<ReferenceLibrary.ImportReport>> start, String runningText) {
        UI ui = UI.getCurrent();
        CompletableFuture<ReferenceLibrary.ImportReport> job;
        try {
            job = start.get();
        } catch (ReferenceLibrary.BusyException e) {
            showOutcome(e.getMessage(), true);
            return;
        }
        running(true);
        status.setText(runningText);
        status.removeClassName("cl-error");
        ui.setPollInterval(POLL_MILLIS);
        importJob = job.handle((report, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String outcome = cause == null ? summary(report) : describe(cause);
            access(ui, () -> finished(outcome, cause != null));
            return null;
        });
    }

    private void showProgress(int done, int total) {
        if (total > 0) {
            progress.setIndeterminate(false);
            progress.setValue(Math.min(1.0, (double) done / total));
            status.setText(String.format(Locale.ROOT, "Importing: %d of %d rows…", done, total));
        }
    }

    private void finished(String outcome, boolean failed) {
        UI.getCurrent().setPollInterval(-1);
        running(false);
        showOutcome(outcome, failed);
        refresh();
    }

    private void running(boolean running) {
        importButton.setEnabled(!running);
        importDefault.setEnabled(!running);
        clear.setEnabled(!running && library.size() > 0);
        progress.setVisible(running);
        progress.setIndeterminate(true);
    }

    private void showOutcome(String message, boolean failed) {
        status.setText(message);
        if (failed) {
            status.addClassName("cl-error");
        } else {
            status.removeClassName("cl-error");
        }
        Notification.show(message, failed ? 8000 : 5000, Notification.Position.BOTTOM_START)
                .addThemeVariants(failed ? NotificationVariant.LUMO_ERROR : NotificationVariant.LUMO_SUCCESS);
    }

    private void confirmClear() {
        long stored = library.size();
        ConfirmDialog dialog = new ConfirmDialog("Clear the reference library?",
                "Deletes all " + stored + " reference cases of the loaded model. Similar-case search then shows only "
                        + "clinicians' own confirmed cases until the next import.", "Delete all", e -> {
                    try {
                        int deleted = library.clear();
                        audit.record("REFERENCES_CLEARED", deleted + " cases deleted");
                        showOutcome("Deleted " + deleted + " reference cases.", false);
                    } catch (ReferenceLibrary.BusyException ex) {
                        showOutcome(ex.getMessage(), true);
                    }
                    refresh();
                });
        dialog.setConfirmButtonTheme("error primary");
        dialog.setCancelable(true);
        dialog.open();
    }

    /** Why the text is not a folder to import from, in a sentence for the field; empty when it is. */
    static Optional<String> folderProblem(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of("Enter the folder that holds index.csv.");
        }
        Path path;
        try {
            path = Path.of(text.trim());
        } catch (InvalidPathException e) {
            return Optional.of("Not a valid path: " + e.getReason() + ".");
        }
        if (!Files.exists(path)) {
            return Optional.of("No such folder on the server: " + path);
        }
        if (!Files.isDirectory(path)) {
            return Optional.of("Not a folder: " + path);
        }
        Path index = path.resolve("index.csv");
        if (!Files.isRegularFile(index)) {
            return Optional.of("This folder holds no index.csv.");
        }
        if (!Files.isReadable(index)) {
            return Optional.of("The server may not read " + index + ".");
        }
        return Optional.empty();
    }

    private String summary(ReferenceLibrary.ImportReport report) {
        return String.format(Locale.ROOT, "Imported %d reference case%s (%d skipped: no readable image or no label) in %.1f s.",
                report.imported(), report.imported() == 1 ? "" : "s", report.skipped(), report.millis() / 1000.0);
    }

    /** A failed import as a sentence for the admin: never a stack trace. */
    private static String describe(Throwable error) {
        if (error instanceof ReferenceLibrary.BusyException || error instanceof ReferenceLibrary.ImportFailedException) {
            return error.getMessage();
        }
        return ReferenceLibrary.failureSentence(error);
    }

    /** Runs on the page if it is still open; the import goes on either way. */
    private static void access(UI ui, Command command) {
        try {
            ui.access(command);
        } catch (UIDetachedException e) {
            log.debug("Reference import: the page that started it is closed");
        }
    }
}
