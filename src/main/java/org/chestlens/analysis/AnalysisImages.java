package org.chestlens.analysis;

import com.vaadin.flow.server.streams.DownloadHandler;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams an analysis' images to the page that shows them. The handlers belong to the page's
 * components, so only a session that was allowed to open the page can fetch them; the service
 * checks access again on every request.
 */
public final class AnalysisImages {

    private static final Logger log = LoggerFactory.getLogger(AnalysisImages.class);

    private AnalysisImages() {
    }

    public static DownloadHandler of(String baseName, Supplier<Optional<ImageBytes>> source) {
        return event -> {
            Optional<ImageBytes> image = source.get();
            if (image.isEmpty()) {
                event.getResponse().setStatus(404);
                return;
            }
            ImageBytes bytes = image.get();
            event.setContentType(bytes.mediaType());
            event.setContentLength(bytes.bytes().length);
            event.getResponse().setHeader("Cache-Control", "private, max-age=3600");
            event.getResponse().setHeader("Content-Disposition", "inline; filename=\"" + baseName + "." + bytes.extension() + "\"");
            try {
                event.getOutputStream().write(bytes.bytes());
            } catch (IOException e) {
                // The browser stopped loading (the reader chose another heatmap, or left): nothing is wrong here.
                log.debug("Image {} not sent completely: {}", baseName, e.toString());
            }
        };
    }

    public static DownloadHandler image(AnalysisService service, String publicId, Optional<Long> requester) {
        return of("xray", () -> service.image(publicId, requester));
    }

    public static DownloadHandler thumbnail(AnalysisService service, String publicId, Optional<Long> requester) {
        return of("thumbnail", () -> service.thumbnail(publicId, requester));
    }

    public static DownloadHandler heatmap(AnalysisService service, String publicId, Optional<Long> requester, String findingCode) {
        return of("heatmap-" + findingCode, () -> service.heatmap(publicId, requester, findingCode));
    }

    public static DownloadHandler anomalyMap(AnalysisService service, String publicId, Optional<Long> requester) {
        return of("anomaly-map", () -> service.anomalyMap(publicId, requester));
    }
}
