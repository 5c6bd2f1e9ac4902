package org.chestlens.analysis;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.UploadKt;
import com.vaadin.flow.component.UI;

/** Karibu steps on the upload and result pages that tests of other features (reports, patients) share. */
public final class ResultPages {

    private ResultPages() {
    }

    /** Uploads on the upload page, as the current user, and returns the result page it opens. */
    public static ResultView upload(String fileName, byte[] bytes) {
        UI.getCurrent().navigate(UploadView.class);
        UploadView page = _get(UploadView.class);
        UploadKt._upload(page.upload.upload, fileName, "application/octet-stream", bytes);
        MockVaadin.clientRoundtrip();
        return _get(ResultView.class);
    }

    /** The public id of the result page now shown. */
    public static String publicIdOfOpenResult() {
        String path = UI.getCurrent().getInternals().getActiveViewLocation().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
