package org.chestlens.ui;

import com.vaadin.flow.component.upload.UploadI18N;
import java.util.List;

/** The upload component's texts every upload page shares: progress, its errors, the file buttons and units. */
public final class UploadTexts {

    private UploadTexts() {
    }

    /** Shared texts with {@code processing} shown while the server works on a received file; the page adds the rest. */
    public static UploadI18N common(String processing) {
        UploadI18N i18n = new UploadI18N();
        UploadI18N.Uploading uploading = new UploadI18N.Uploading();
        uploading.setStatus(new UploadI18N.Uploading.Status().setConnecting("Connecting...")
                .setStalled("The upload has stalled").setProcessing(processing).setHeld("Waiting"));
        uploading.setRemainingTime(new UploadI18N.Uploading.RemainingTime().setPrefix("remaining time: ")
                .setUnknown("remaining time unknown"));
        uploading.setError(new UploadI18N.Uploading.Error().setServerUnavailable("The server did not answer. Try again.")
                .setUnexpectedServerError("The server could not receive the file. Try again.")
                .setForbidden("Your session has ended. Reload the page and try again."));
        i18n.setUploading(uploading);
        i18n.setFile(new UploadI18N.File().setRetry("Retry").setStart("Start").setRemove("Remove"));
        i18n.setUnits(new UploadI18N.Units(List.of("B", "kB", "MB", "GB", "TB")));
        return i18n;
    }
}
