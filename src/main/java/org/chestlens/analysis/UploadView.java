package org.chestlens.analysis;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.time.Duration;
import java.util.Optional;
import org.chestlens.security.CurrentUser;
import org.chestlens.ui.MainLayout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.util.unit.DataSize;

/** The main action: one X-ray in, its result page out. Anonymous visitors and clinicians alike. */
@Route(value = "upload", layout = MainLayout.class)
@PageTitle("Analyse an X-ray | ChestLens")
@Menu(title = "Upload", order = 1, icon = "vaadin:upload")
@AnonymousAllowed
public class UploadView extends Div {

    final XrayUpload upload;

    public UploadView(AnalysisService analysisService, CurrentUser currentUser,
                      @Value("${chestlens.upload.max-bytes:30MB}") DataSize maxSize,
                      @Value("${chestlens.analysis.anonymous-retention:7d}") Duration retention) {
        addClassName("cl-upload-page");
        Optional<Long> accountId = currentUser.accountId();
        add(new H1("Analyse a chest X-ray"));
        if (!analysisService.available()) {
            Paragraph unavailable = new Paragraph(analysisService.unavailableReason()
                    .orElse("The analysis service is not available right now.") + " No image is accepted until it is.");
            unavailable.setId("analysis-unavailable");
            unavailable.addClassName("cl-notice");
            add(unavailable);
            upload = null;
            return;
        }
        Paragraph intro = new Paragraph("Upload one frontal chest X-ray (PA or AP view). ChestLens estimates the "
                + "probability of each finding, shows where on the image the evidence lies, and says plainly when it "
                + "cannot analyse an image.");
        intro.addClassName("cl-lead");
        upload = new XrayUpload(maxSize, request -> analysisService.analyse(request.withOwner(accountId)),
                result -> getUI().ifPresent(ui -> ui.navigate(ResultView.class, ResultView.parameters(result.publicId()))));

        UnorderedList facts = new UnorderedList(
                new ListItem("Formats: PNG, JPEG or DICOM (recognised from the file itself), up to "
                        + maxSize.toMegabytes() + " MB."),
                new ListItem("Names, dates and other metadata are removed from the stored image."),
                new ListItem(accountId.isPresent()
                        ? "Signed in: the analysis is kept in your account until you delete it. To file it under a "
                          + "patient, upload from the patient's page or attach it from the result."
                        : "Without an account, the image and result are kept for " + describe(retention)
                          + " and then deleted. Anyone with the result link can open it until then."));
        if (accountId.isPresent()) {
            // batches depends on analysis, so the link is by address, not by view class.
            Anchor many = new Anchor("batches/new", "Batch upload");
            many.setId("batch-upload-link");
            ListItem batch = new ListItem(new com.vaadin.flow.component.html.Span("Many X-rays at once, or a ZIP of them: "), many);
            facts.add(batch);
        }
        facts.setId("upload-facts");
        facts.addClassName("cl-muted");
        add(intro, upload, facts);
    }

    static String describe(Duration retention) {
        long days = retention.toDays();
        if (days >= 1 && retention.equals(Duration.ofDays(days))) {
            return days == 1 ? "1 day" : days + " days";
        }
        long hours = Math.max(1, retention.toHours());
        return hours == 1 ? "1 hour" : hours + " hours";
    }
}
