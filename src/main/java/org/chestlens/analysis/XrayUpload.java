package org.chestlens.analysis;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.component.upload.UploadI18N;
import com.vaadin.flow.server.streams.UploadHandler;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.chestlens.ui.UploadTexts;
import org.springframework.util.unit.DataSize;

/**
 * Drag and drop or choose one X-ray (PNG, JPEG or DICOM, recognised from its bytes), see its name and a
 * preview while it uploads, then "Analysing..." until the result is stored; problems are said in plain
 * words right beside the drop zone. Used by the upload page and by a patient's page (which adds the
 * patient, study date and note to the request).
 */
public class XrayUpload extends Div {

    private static final Logger log = LoggerFactory.getLogger(XrayUpload.class);

    final Upload upload = new Upload();
    final Div error = new Div();
    private final Div preview = new Div();
    private final Image previewImage = new Image();
    private final Span previewName = new Span();
    private final Span previewStatus = new Span();

    private final Function<AnalysisRequest, AnalysisResult> analyser;
    private final Consumer<AnalysisResult> onAnalysed;

    /**
     * @param analyser   analyses the request made from the file (adding owner, patient, study date or note),
     *                   usually through {@link AnalysisService#analyse}
     * @param onAnalysed what happens next (usually: open the result); runs with the UI locked
     */
    public XrayUpload(DataSize maxSize, Function<AnalysisRequest, AnalysisResult> analyser,
                      Consumer<AnalysisResult> onAnalysed) {
        this.analyser = analyser;
        this.onAnalysed = onAnalysed;
        addClassName("cl-upload");

        upload.setId("xray-upload");
        upload.setMaxFiles(1);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, maxSize.toBytes()));
        upload.setDropLabelIcon(new Icon(VaadinIcon.FILE_PICTURE));
        upload.setI18n(texts(maxSize));
        // Files are recognised from their bytes: DICOM files often have no extension, so none is refused by name.
        upload.setUploadHandler(UploadHandler.inMemory((metadata, bytes) -> analyse(metadata.fileName(), bytes)));
        upload.addFileRejectedListener(e -> showError(e.getErrorMessage()));
        upload.addFailedListener(e -> {
            if (!error.isVisible()) {
                showError("The upload of " + e.getFileName() + " did not complete. Check your connection and try again.");
            }
        });
        upload.addStartedListener(e -> clearError());
        // A round trip after the upload request, so what the analysis changed reaches the browser at once.
        upload.getElement().addEventListener("upload-success", e -> { });
        upload.getElement().addEventListener("upload-error", e -> { });

        error.setId("upload-error");
        error.addClassName("cl-upload-error");
        error.getElement().setAttribute("role", "alert");
        error.setVisible(false);

        previewImage.setAlt("Preview of the chosen file");
        previewImage.addClassName("cl-upload-preview-image");
        previewName.addClassName("cl-upload-preview-name");
        previewName.setId("upload-file-name");
        previewStatus.addClassName("cl-upload-preview-status");
        previewStatus.setId("upload-status");
        previewStatus.getElement().setAttribute("aria-live", "polite");
        preview.add(previewImage, new Div(previewName, previewStatus));
        preview.addClassName("cl-upload-preview");
        preview.setId("upload-preview");
        preview.getElement().setAttribute("hidden", true);

        add(upload, error, preview);
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        // The preview is made in the browser from the chosen file, before and during the upload;
        // DICOM has no browser preview, so its name stands alone until the analysed image is shown.
        attachEvent.getUI().getPage().executeJs("""
                const upload = $0, box = $1, img = $2, name = $3, status = $4;
                let url;
                const kb = (n) => n >= 1e6 ? (n / 1e6).toFixed(1) + ' MB' : Math.max(1, Math.round(n / 1e3)) + ' kB';
                upload.addEventListener('upload-before', (e) => {
                  const file = e.detail.file;
                  if (url) { URL.revokeObjectURL(url); url = undefined; }
                  const isImage = /^image\\/(png|jpeg)$/.test(file.type);
                  if (isImage) { url = URL.createObjectURL(file); img.src = url; img.hidden = false; }
                  else { img.removeAttribute('src'); img.hidden = true; }
                  name.textContent = file.name + ' (' + kb(file.size) + ')' + (isImage ? '' : ' - no preview for this format, shown after analysis');
                  status.textContent = 'Uploading...';
                  box.hidden = false;
                });
                upload.addEventListener('upload-progress', (e) => {
                  const p = e.detail.file.progress;
                  status.textContent = p >= 100 ? 'Analysing the X-ray...' : 'Uploading... ' + p + '%';
                });
                upload.addEventListener('upload-error', () => { status.textContent = ''; });
                """, upload.getElement(), preview.getElement(), previewImage.getElement(), previewName.getElement(),
                previewStatus.getElement());
    }

    /** Runs with the UI locked (the in-memory handler calls back through UI.access). */
    private void analyse(String fileName, byte[] bytes) {
        try {
            AnalysisResult result = analyser.apply(AnalysisRequest.of(bytes, fileName));
            previewStatus.setText("Analysed. Opening the result...");
            onAnalysed.accept(result);
        } catch (InvalidUploadException e) {
            showError(e.getMessage());
        } catch (AnalysisUnavailableException e) {
            showError(e.getMessage());
        } catch (UploadRefusedException e) {
            showError(e.getMessage());
        } catch (RuntimeException e) {
            log.error("Analysis of an upload failed", e);
            showError("Something went wrong while analysing " + fileName + ". Nothing was stored. Please try again; "
                    + "if it happens again, try another file or contact the administrator.");
        }
    }

    void showError(String message) {
        error.removeAll();
        error.add(new Icon(VaadinIcon.WARNING), new Paragraph(message));
        error.setVisible(true);
        previewStatus.setText("");
        // The browser showed the preview; it goes with the refused file.
        preview.getElement().executeJs("this.hidden = true");
        upload.clearFileList();
    }

    private void clearError() {
        error.setVisible(false);
        error.removeAll();
    }

    public String getErrorText() {
        return error.isVisible() ? error.getElement().getTextRecursively() : "";
    }

    private static UploadI18N texts(DataSize maxSize) {
        UploadI18N i18n = UploadTexts.common("Analysing the X-ray...");
        i18n.setDropFiles(new UploadI18N.DropFiles().setOne("Drop a chest X-ray here (PNG, JPEG or DICOM)"));
        i18n.setAddFiles(new UploadI18N.AddFiles().setOne("Choose file..."));
        i18n.setError(new UploadI18N.Error()
                .setTooManyFiles("Analyse one X-ray at a time.")
                .setFileIsTooBig("This file is larger than " + maxSize.toMegabytes() + " MB, the largest this server accepts.")
                .setIncorrectFileType("Upload a PNG, JPEG or DICOM file."));
        return i18n;
    }
}
