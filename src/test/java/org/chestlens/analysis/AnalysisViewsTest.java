package org.chestlens.analysis;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.UploadKt;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.NativeTable;
import com.vaadin.flow.component.html.NativeTableRow;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.chestlens.KaribuTest;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.accounts.ProfileView;
import org.chestlens.imaging.TestImages;
import org.chestlens.ui.Numbers;
import org.chestlens.ui.XrayViewer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The upload and result pages with the real pipeline (tiny test models, real PostgreSQL). */
class AnalysisViewsTest extends KaribuTest {

    static final byte[] PHANTOM = TestImages.png(TestImages.phantomChest(300, 260, 5));

    @Autowired
    AnalysisService analysisService;
    @Autowired
    AccountService accountService;

    @Test
    void anonymousUploadOpensTheResultWithFindingsHeatmapAnomalyAndModel() {
        ResultView view = ResultPages.upload("phantom.png", PHANTOM);
        AnalysisResult result = analysisService.find(ResultPages.publicIdOfOpenResult(), Optional.empty()).orElseThrow();
        assertThat(_get(H1.class, spec -> spec.withId("result-title")).getText()).isEqualTo("X-ray analysis");

        // Reported findings only, most probable first, each with percentage, threshold and a worded badge; the
        // models' normal finding (No Finding) is the study-level statement above the table, not a row.
        List<NativeTableRow> rows = _get(NativeTable.class, spec -> spec.withId("findings")).getBody().getRows().stream()
                .filter(r -> r.getElement().hasAttribute("data-code")).toList();
        List<Finding> abnormal = result.findings().stream().filter(f -> !f.normal()).toList();
        assertThat(result.findings()).hasSize(4);
        assertThat(rows).hasSize(abnormal.size()).hasSize(3);
        for (int i = 0; i < rows.size(); i++) {
            Finding finding = abnormal.get(i);
            String text = rows.get(i).getElement().getTextRecursively();
            assertThat(text).startsWith(finding.label())
                    .contains(Numbers.percent(finding.probability()), Numbers.percent(finding.threshold()))
                    .contains(finding.callText());
        }
        assertThat(text("study-statement")).startsWith("Whole study: ").contains("No Finding");
        // Each row's details open below it, across the table: the members' own numbers and the validation PPV.
        NativeTableRow first = rows.get(0);
        com.vaadin.flow.component.html.NativeDetails toggle = _get(first, com.vaadin.flow.component.html.NativeDetails.class);
        NativeTableRow details = _get(NativeTable.class, spec -> spec.withId("findings")).getBody().getRows().stream()
                .filter(r -> abnormal.get(0).code().equals(r.getElement().getAttribute("data-details-for"))).findFirst()
                .orElseThrow();
        assertThat(details.isVisible()).isFalse();
        toggle.setOpen(true);
        com.vaadin.flow.component.ComponentUtil.fireEvent(toggle,
                new com.vaadin.flow.component.html.NativeDetails.ToggleEvent(toggle, true));
        assertThat(details.isVisible()).isTrue();
        assertThat(details.getElement().getTextRecursively()).contains("Each model:", "sensitivity", "PPV");
        // The summary opens the page: right under the title.
        assertThat(_get(ResultView.class).getChildren().skip(1).findFirst().orElseThrow().getId()).contains("summary-banner");
        assertThat(UI.getCurrent().getElement().getTextRecursively()).doesNotContain("Cardiomegaly");

        assertThat(text("retention-notice")).startsWith("Kept until").contains("Anyone with the link");
        assertThat(text("model-info")).contains("chestlens-test");
        assertThat(text("result-disclaimer")).isNotBlank();
        assertThat(text("anomaly-headline")).matches("More unusual than \\d+% of normal X-rays");
        _get(Section.class, spec -> spec.withId("similar-cases"));
        assertThat(_find(Section.class, spec -> spec.withId("feedback"))).isEmpty();
        assertThat(view.windowPreset.isAttached()).as("window presets only for DICOM").isFalse();

        // The test models call no reported finding positive here, and the most probable one is No Finding: no heatmap
        // is shown by default (the page used to open on No Finding's), and the page says why.
        assertThat(result.positiveFindings()).isEmpty();
        assertThat(result.findings().get(0).code()).isEqualTo("no_finding");
        assertThat(view.heatmapFinding.getValue()).isNull();
        assertThat(view.viewer.getElement().hasAttribute("overlay")).isFalse();
        assertThat(text("heatmap-note")).startsWith("No finding is positive, so no heatmap is shown.");
        // A negative finding's map only on request, marked as such in the choice, the note and the viewer's label.
        Finding negative = result.findings().get(1);
        assertThat(view.heatmapFinding.getItemLabelGenerator().apply(negative))
                .endsWith("negative finding \u2014 map shown on request)");
        _setValue(view.heatmapFinding, negative);
        assertThat(view.selectedHeatmapFinding()).isEqualTo(negative.code());
        assertThat(view.viewer.getElement().getAttribute("overlay")).isNotBlank();
        assertThat(text("heatmap-note")).isEqualTo(negative.label() + ": negative finding \u2014 map shown on request.");
        assertThat(view.heatmapNote.getClassNames()).contains("cl-on-request");
        assertThat(view.viewer.getElement().getProperty("overlayLabel")).contains("negative finding");
        assertThat(view.heatmapFinding.getItemLabelGenerator().apply(result.findings().get(0)))
                .as("No Finding is a statement about the study").contains("statement about the whole study");
        // Back to none.
        _setValue(view.heatmapFinding, null);
        assertThat(view.viewer.getElement().hasAttribute("overlay")).isFalse();
        // The legend says what the colours mean; the anomaly map is in the same zoomable viewer, with its own legend.
        assertThat(text("heatmap-legend")).contains("fixed", "not stretched per image", "outside the body");
        XrayViewer anomaly = _get(XrayViewer.class, spec -> spec.withId("anomaly-map"));
        assertThat(anomaly.getElement().getAttribute("src")).isNotBlank();
        assertThat(anomaly.getElement().getProperty("alt")).startsWith("Anomaly map");
        assertThat(text("anomaly-legend")).contains("blue to red", "largest differences");
    }

    @Test
    void refusedUploadsAreExplainedBesideTheDropZone() {
        UI.getCurrent().navigate(UploadView.class);
        UploadView view = _get(UploadView.class);
        UploadKt._upload(view.upload.upload, "notes.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        MockVaadin.clientRoundtrip();
        _get(UploadView.class);
        assertThat(view.upload.getErrorText()).contains("PNG, JPEG or DICOM");
    }

    @Test
    void rejectedImageExplainsWhyAndWhatToUploadInstead() {
        ResultView view = ResultPages.upload("holiday.png", TestImages.png(TestImages.colourPattern(300, 260)));
        assertThat(_get(H1.class, spec -> spec.withId("result-title")).getText()).isEqualTo("ChestLens cannot analyse this image");
        assertThat(text("rejection-reason")).contains("colour image");
        assertThat(text("rejection-suggestion")).startsWith("What to upload instead:").contains("greyscale");
        assertThat(_find(NativeTable.class, spec -> spec.withId("findings"))).isEmpty();
        assertThat(_find(Section.class, spec -> spec.withId("similar-cases"))).isEmpty();
        assertThat(view.viewer.getElement().hasAttribute("overlay")).isFalse();
    }

    @Test
    void dicomResultsOfferWindowPresetsAndKeepNoIdentifyingTags() {
        ResultView view = ResultPages.upload("chest.dcm", TestDicom.of(TestImages.phantomChest(300, 260, 7)));
        assertThat(text("result-meta")).contains("DICOM");
        assertThat(view.windowPreset.isAttached()).isTrue();
        _setValue(view.windowPreset, XrayViewer.WindowPreset.LUNGS);
        assertThat(view.viewer.getWindowPreset()).isEqualTo(XrayViewer.WindowPreset.LUNGS);
        byte[] stored = analysisService.image(ResultPages.publicIdOfOpenResult(), Optional.empty()).orElseThrow().bytes();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("Doe^Jane", "SECRET-ID-1234");
        // Kept as a PNG rendering (stored while the graphs ran), with its thumbnail.
        assertThat(analysisService.image(ResultPages.publicIdOfOpenResult(), Optional.empty()).orElseThrow().mediaType()).isEqualTo("image/png");
        assertThat(java.util.Arrays.copyOf(stored, 4)).containsExactly(0x89, 'P', 'N', 'G');
        assertThat(analysisService.thumbnail(ResultPages.publicIdOfOpenResult(), Optional.empty())).isPresent();
    }

    @Test
    void anAnalysisMadeWhileSignedInOpensOnlyForItsOwner() {
        Account alice = register("alice");
        Account bob = register("bob");
        signInAs(alice);
        ResultView view = ResultPages.upload("mine.png", PHANTOM);
        String publicId = ResultPages.publicIdOfOpenResult();
        assertThat(text("retention-notice")).startsWith("Kept in your account");
        _get(Section.class, spec -> spec.withId("feedback"));
        _get(Section.class, spec -> spec.withId("result-patient"));

        UI.getCurrent().navigate(ProfileView.class);
        assertThat(_get(Section.class, spec -> spec.withId("recent-analyses")).getElement().getTextRecursively())
                .contains("mine.png");

        signInAs(bob);
        UI.getCurrent().navigate("analysis/" + publicId);
        _get(Paragraph.class, spec -> spec.withId("result-not-found"));
        assertThat(UI.getCurrent().getElement().getTextRecursively()).doesNotContain("mine.png");
        UI.getCurrent().navigate(ProfileView.class);
        assertThat(_get(Section.class, spec -> spec.withId("recent-analyses")).getElement().getTextRecursively())
                .doesNotContain("mine.png");

        signOut();
        UI.getCurrent().navigate("analysis/" + publicId);
        _get(Paragraph.class, spec -> spec.withId("result-not-found"));
    }

    @Test
    void theLinkHolderCanDeleteAnAnonymousAnalysis() {
        ResultView view = ResultPages.upload("phantom.png", PHANTOM);
        String publicId = ResultPages.publicIdOfOpenResult();
        _click(_get(Button.class, spec -> spec.withId("delete-analysis")));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        _get(UploadView.class);
        assertThat(analysisService.find(publicId, Optional.empty())).isEmpty();
        UI.getCurrent().navigate("analysis/" + publicId);
        _get(Paragraph.class, spec -> spec.withId("result-not-found"));
    }

    @Test
    void unknownLinksSayNotFound() {
        UI.getCurrent().navigate("analysis/" + "A".repeat(22));
        assertThat(text("result-not-found")).contains("does not exist");
    }

    private static String text(String id) {
        return _get(com.vaadin.flow.component.Component.class, spec -> spec.withId(id)).getElement().getTextRecursively();
    }

    private Account register(String name) {
        return accountService.register(name + "-" + UUID.randomUUID() + "@example.org", "Dr " + name, "a long enough passphrase 42");
    }

    private void signInAs(Account account) {
        signIn(account.getId(), account.getEmail(), account.getDisplayName(), false);
    }
}
