package org.chestlens.batches;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.component.upload.UploadI18N;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.UploadEvent;
import jakarta.annotation.security.RolesAllowed;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.patients.Patient;
import org.chestlens.patients.PatientService;
import org.chestlens.security.Roles;
import org.chestlens.ui.Dates;
import org.chestlens.ui.MainLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.chestlens.ui.UploadTexts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.domain.PageRequest;
import org.springframework.util.unit.DataSize;

/**
 * Many X-rays at once: the clinician drops files or ZIP archives; the first file starts a batch, every file joins it
 * as it arrives (queued for analysis at once), and the progress below follows them. The address becomes the batch's
 * own ({@code /batches/{id}}), so a reload, or opening it later, shows the same batch.
 */
@Route(value = "batches/new", layout = MainLayout.class)
@PageTitle("Upload many X-rays | ChestLens")
@Menu(title = "Batch upload", order = 11, icon = "vaadin:upload-alt")
@RolesAllowed(Roles.CLINICIAN)
public class NewBatchView extends Div implements BeforeEnterObserver {

    private static final Logger log = LoggerFactory.getLogger(NewBatchView.class);

    final ComboBox<Patient> patient = new ComboBox<>("File all studies under (optional)");
    final Upload upload = new Upload();
    final Div error = new Div();
    final BatchProgress progress;
    final Div recent = new Div();

    private final BatchService batches;
    /** The batch this page fills; set by the first file (uploads arrive side by side). */
    private String batchId;

    public NewBatchView(BatchService batches, BatchProgressFeed feed, PatientService patients,
                        @Value("${chestlens.upload.max-bytes:30MB}") DataSize maxSize) {
        this.batches = batches;
        this.progress = new BatchProgress(batches, feed);
        addClassName("cl-wide");
        add(new H1("Upload many X-rays"));
        Paragraph intro = new Paragraph("Drop many chest X-rays at once, or ZIP archives of them: each file is analysed "
                + "in the background and appears below with a link to its result. You may close this page; the batch "
                + "goes on and stays under Batch upload.");
        intro.addClassName("cl-lead");

        patient.setId("batch-patient");
        patient.setItems(patients.search("", PageRequest.of(0, 500)).getContent());
        patient.setItemLabelGenerator(Patient::displayLabel);
        patient.setClearButtonVisible(true);
        patient.setHelperText("Without a patient, DICOM files go to your patient for their DICOM patient ID (created "
                + "if needed) and other files stay unfiled.");
        patient.setWidth("min(100%, 28em)");

        upload.setId("batch-upload");
        upload.setMaxFiles(batches.maxFiles());
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, maxSize.toBytes()));
        upload.setDropLabelIcon(new Icon(VaadinIcon.COPY));
        upload.setI18n(texts(maxSize));
        // Each file is read as a stream straight into the batch (ZIPs entry by entry), without the UI lock.
        upload.setUploadHandler(this::receive);
        upload.addFileRejectedListener(e -> showError(e.getErrorMessage()));

        error.setId("batch-error");
        error.addClassName("cl-upload-error");
        error.getElement().setAttribute("role", "alert");
        error.setVisible(false);

        UnorderedList facts = new UnorderedList(
                new ListItem("PNG, JPEG and DICOM files (recognised from their content), or ZIP archives of them, each up to "
                        + maxSize.toMegabytes() + " MB; up to " + batches.maxFiles() + " files in a batch. For a "
                        + "folder, open it in the file chooser and select all its files, or ZIP it."),
                new ListItem("DICOM files of one patient are filed together under a reference derived from the DICOM "
                        + "patient ID, with the study date from the file; the patient's name and ID are not stored."),
                new ListItem("Files that cannot be analysed (not an image, damaged, an archive inside an archive) are "
                        + "listed with the reason; the others go on."));
        facts.addClassName("cl-muted");

        recent.setId("recent-batches");
        add(intro, patient, upload, error, progress, facts, recent);
        showRecent();
    }

    /**
     * Vaadin keeps this view when the menu opens it again (its address was the batch's): a new visit is a new batch.
     */
    @Override
    public synchronized void beforeEnter(BeforeEnterEvent event) {
        batchId = null;
        patient.setReadOnly(false);
        patient.clear();
        progress.setVisible(false);
        error.setVisible(false);
        upload.clearFileList();
    }

    /** Runs on the upload's request thread, without the UI lock. */
    private void receive(UploadEvent event) throws IOException {
        UI ui = event.getUI();
        String fileName = event.getFileName();
        try {
            String id = batch(ui);
            batches.add(id, new BatchService.Source() {
                @Override
                public String name() {
                    return fileName;
                }

                @Override
                public InputStream open() {
                    return event.getInputStream();
                }
            });
            ui.access(() -> {
                progress.show(id);
                recent.setVisible(false);
            });
        } catch (BatchException e) {
            ui.access(() -> showError(e.getMessage()));
        } catch (IOException e) {
            ui.access(() -> showError("The upload of " + fileName + " did not complete. Check your connection and "
                    + "send it again."));
        } catch (RuntimeException e) {
            log.error("Batch upload of a file failed", e);
            ui.access(() -> showError("Something went wrong while receiving " + fileName + ". Nothing of it was kept; "
                    + "please send it again."));
        }
    }

    /** The page's batch, started by the first file with the patient chosen then (no longer changeable). */
    private synchronized String batch(UI ui) {
        if (batchId == null) {
            Optional<Long> chosen = Optional.empty();
            Long[] value = new Long[1];
            ui.accessSynchronously(() -> {
                value[0] = patient.getOptionalValue().map(Patient::getId).orElse(null);
                patient.setReadOnly(true);
            });
            chosen = Optional.ofNullable(value[0]);
            String id = batches.start(chosen, AnalysisRequest.Channel.UI);
            batchId = id;
            // The address names the batch: a reload opens BatchView on the same batch.
            ui.access(() -> ui.getPage().getHistory().replaceState(null, "batches/" + id));
        }
        return batchId;
    }

    private void showError(String message) {
        error.removeAll();
        error.add(new Icon(VaadinIcon.WARNING), new Paragraph(message));
        error.setVisible(true);
    }

    private void showRecent() {
        List<Batch> latest = batches.recent(10);
        recent.setVisible(!latest.isEmpty());
        if (latest.isEmpty()) {
            return;
        }
        recent.add(new H2("Your recent batches"));
        UnorderedList list = new UnorderedList();
        for (Batch b : latest) {
            ListItem item = new ListItem(BatchProgress.link(b.id(), Dates.dateTime(b.createdAt())));
            item.add(" – " + b.finished() + " of " + b.items().size() + " finished, "
                    + b.count(BatchItemStatus.DONE) + " analysed" + (b.complete() ? "" : " (in progress)"));
            list.add(item);
        }
        recent.add(list);
    }

    private static UploadI18N texts(DataSize maxSize) {
        UploadI18N i18n = UploadTexts.common("Adding to the batch...");
        i18n.setDropFiles(new UploadI18N.DropFiles().setOne("Drop X-rays or ZIP archives here")
                .setMany("Drop X-rays or ZIP archives here"));
        i18n.setAddFiles(new UploadI18N.AddFiles().setOne("Choose files...").setMany("Choose files..."));
        i18n.setError(new UploadI18N.Error()
                .setTooManyFiles("That is more files than one batch holds; send the rest as another batch.")
                .setFileIsTooBig("This file is larger than " + maxSize.toMegabytes() + " MB, the largest this server "
                        + "accepts. Split the archive into smaller ones.")
                .setIncorrectFileType("Upload PNG, JPEG or DICOM files, or ZIP archives of them."));
        return i18n;
    }
}
