package org.chestlens.reports;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.mvysny.kaributesting.v10.DownloadKt;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextArea;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.chestlens.KaribuTest;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.accounts.ApiTokenService;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.Finding;
import org.chestlens.analysis.ResultPages;
import org.chestlens.imaging.TestImages;
import org.chestlens.ui.Numbers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The PDF report agrees with the clinician: after rejecting one finding and confirming another on the result page,
 * the report downloaded from that page shows both verdicts beside the models' results, the note, who reviewed it and
 * when; the API's report.pdf is the same document. Text read back with PDFBox.
 */
class ReportTest extends KaribuTest {

    static final byte[] PHANTOM = TestImages.png(TestImages.phantomChest(300, 260, 5));
    static final String NOTE = "Effusion seen on lateral view; no cardiomegaly on echo.";

    @Autowired
    AccountService accountService;
    @Autowired
    AnalysisService analysisService;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    MockMvc mvc;

    @Test
    void theDownloadedReportShowsTheVerdictsBesideTheModelsTheNoteAndWhoReviewedItWhen() throws Exception {
        Account alice = accountService.register("alice-" + UUID.randomUUID() + "@example.org", "Dr Alice Report",
                "a long enough passphrase 42");
        signIn(alice.getId(), alice.getEmail(), alice.getDisplayName(), false);
        ResultPages.upload("chest.png", PHANTOM);
        String publicId = ResultPages.publicIdOfOpenResult();
        AnalysisResult result = analysisService.find(publicId, Optional.of(alice.getId())).orElseThrow();
        List<Finding> abnormal = result.findings().stream().filter(f -> !f.normal()).toList();
        Finding rejected = abnormal.get(0);
        Finding confirmed = abnormal.get(1);

        _setValue(radio("verdict-" + rejected.code()), "REJECTED");
        _setValue(radio("verdict-" + confirmed.code()), "CONFIRMED");
        _setValue(_get(TextArea.class, spec -> spec.withId("feedback-note")), NOTE);
        _click(_get(Button.class, spec -> spec.withId("save-feedback")));

        byte[] pdf = DownloadKt._download(_get(Anchor.class, spec -> spec.withId("download-report")));
        String text;
        try (PDDocument document = Loader.loadPDF(pdf)) {
            assertThat(document.getNumberOfPages()).as("a typical study fits on one A4 page").isEqualTo(1);
            text = byPosition().getText(document);
            long pictures = document.getPage(0).getResources().getXObjectNames().spliterator().estimateSize();
            long positives = abnormal.stream().filter(Finding::positive).count();
            // The heatmaps of the positive findings (or the plain X-ray when none is), plus the colour scale.
            assertThat(pictures).isEqualTo(positives == 0 ? 1 : Math.min(3, positives) + 1);
        }
        // Each finding's row: the models' result, then the clinician's verdict.
        assertThat(line(text, rejected.label())).contains(rejected.probabilityText(), rejected.callText(), "Rejected");
        assertThat(line(text, confirmed.label())).contains(confirmed.probabilityText(), confirmed.callText(), "Confirmed");
        for (Finding other : abnormal.subList(2, abnormal.size())) {
            assertThat(line(text, other.label())).contains("Not reviewed");
        }
        assertThat(text).contains("Reviewed by Dr Alice Report on", "1 finding confirmed, 1 rejected", NOTE,
                "Analysis id", publicId, "/analysis/" + publicId, "not a diagnosis")
                .doesNotContain("POSITIVE");
        assertThat(text).containsPattern("Reviewed by Dr Alice Report on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}");
        if (result.studyDate().isEmpty()) {
            assertThat(text).contains("Study date Not given");
        }
        for (Finding f : abnormal) {
            assertThat(text).contains(Numbers.percent(f.threshold()));
        }

        // The API serves the same document (only the minute it was generated may differ).
        String token = "Bearer " + tokens.create(alice.getId(), "report", Duration.ofDays(1)).secret();
        byte[] api = mvc.perform(get("/api/v1/analyses/" + publicId + "/report.pdf").header("Authorization", token))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray();
        assertThat(withoutGenerated(textOf(api))).isEqualTo(withoutGenerated(text));
    }

    @Test
    void anAnonymousReportSaysItWasNotReviewedAndNamesItsLinkAndExpiry() throws Exception {
        ResultPages.upload("anonymous.png", PHANTOM);
        String publicId = ResultPages.publicIdOfOpenResult();
        String text = textOf(DownloadKt._download(_get(Anchor.class, spec -> spec.withId("download-report"))));
        assertThat(text).contains("Not reviewed: an analysis made without signing in has no clinician's review.",
                "Anyone with the link, until", publicId);
        assertThat(Arrays.stream(text.split("\\R")).filter(l -> l.contains("Rejected") || l.contains("Confirmed"))).isEmpty();
    }

    private static String line(String text, String label) {
        return Arrays.stream(text.split("\\R")).filter(l -> l.startsWith(label + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + label + " in:\n" + text));
    }

    private static String textOf(byte[] pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return byPosition().getText(document);
        }
    }

    /** Lines as they sit on the page: a table row's cells on one line, whatever order they were drawn in. */
    private static PDFTextStripper byPosition() throws IOException {
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setSortByPosition(true);
        return stripper;
    }

    private static String withoutGenerated(String text) {
        return text.replaceAll("Generated [^\\n]* by ChestLens", "Generated by ChestLens");
    }

    @SuppressWarnings("unchecked")
    private static RadioButtonGroup<String> radio(String id) {
        return _get(RadioButtonGroup.class, spec -> spec.withId(id));
    }
}
