package org.chestlens.reports;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.server.streams.DownloadHandler;
import java.util.List;
import java.util.Optional;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.ResultContribution;
import org.chestlens.security.CurrentUser;

/** "Download report (PDF)" on the result page: the document the API's {@code report.pdf} serves. */
@org.springframework.stereotype.Component
class ReportDownload implements ResultContribution {

    private final AnalysisReport report;
    private final CurrentUser currentUser;

    ReportDownload(AnalysisReport report, CurrentUser currentUser) {
        this.report = report;
        this.currentUser = currentUser;
    }

    @Override
    public List<Component> actions(AnalysisResult result, Optional<Long> requesterId) {
        String publicId = result.publicId();
        String fileName = AnalysisReport.fileName(result);
        // Who asks is read again at download time: a session signed out since the page was drawn gets nothing.
        DownloadHandler pdf = event -> {
            Optional<byte[]> bytes = report.pdf(publicId, currentUser.accountId());
            if (bytes.isEmpty()) {
                event.getResponse().setStatus(404);
                return;
            }
            event.setFileName(fileName);
            event.setContentType("application/pdf");
            event.setContentLength(bytes.get().length);
            event.getOutputStream().write(bytes.get());
        };
        Anchor download = new Anchor(pdf, AttachmentType.DOWNLOAD, "");
        download.add(new Icon(VaadinIcon.DOWNLOAD_ALT), new Span("Download report (PDF)"));
        download.setId("download-report");
        download.addClassName("cl-button-link");
        return List.of(download);
    }
}
