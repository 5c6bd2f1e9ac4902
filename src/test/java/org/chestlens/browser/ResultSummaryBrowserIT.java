package org.chestlens.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.TestDicom;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * "Summary first" in Chromium: the result page of a completed, a rejected and a DICOM analysis at 1440 and 390 px
 * (on a phone the summary and the findings come before the image), and a clinician's PDF report with their verdicts
 * and note, rendered to PNG with pdftoppm for looking at. Screenshots in target/screenshots/result-*.
 */
class ResultSummaryBrowserIT extends JourneyTest {

    @Autowired
    AccountService accountService;

    @Test
    void completedRejectedAndDicomResultsAtDesktopAndPhoneWidth() throws Exception {
        Path png = file("phantom", ".png", TestImages.png(TestImages.phantomChest(900, 820, 5)));
        open("upload");
        chooseFile(png);
        String completed = waitForResult();
        assertThat(text("summary-headline")).isNotBlank();
        assertThat(text("summary-disclaimer")).contains("not a diagnosis");
        assertThat(text("study-statement")).contains("No Finding");
        assertThat(driver.findElements(By.cssSelector("#findings tbody tr[data-code='no_finding']"))).isEmpty();
        assertThat(top("summary-banner")).as("the summary opens the page").isLessThan(top("findings-section"));
        wait.until(d -> baseImageLoaded());
        fullScreenshot("result-01-completed-1440");
        openDetails();
        screenshot("result-02-completed-details-1440");

        phoneWidth();
        driver.get(completed);
        waitForVaadin();
        wait.until(d -> baseImageLoaded());
        assertThat(top("summary-banner")).isLessThan(top("findings-section"));
        assertThat(top("findings-section")).as("on a phone the findings come before the image")
                .isLessThan(top("xray-viewer"));
        assertThat(horizontalOverflow()).as("no sideways scrolling at 390 px").isFalse();
        fullScreenshot("result-03-completed-390");
        driver.manage().window().setSize(new Dimension(1440, 900));

        open("upload");
        chooseFile(file("holiday", ".png", TestImages.png(TestImages.colourPattern(600, 500))));
        String rejected = waitForResult();
        assertThat(text("result-title")).isEqualTo("ChestLens cannot analyse this image");
        assertThat(driver.findElements(By.id("summary-banner"))).as("no findings, no summary of them").isEmpty();
        fullScreenshot("result-04-rejected-1440");
        phoneWidth();
        driver.get(rejected);
        waitForVaadin();
        fullScreenshot("result-05-rejected-390");
        assertThat(horizontalOverflow()).isFalse();
        driver.manage().window().setSize(new Dimension(1440, 900));

        open("upload");
        chooseFile(file("chest", ".dcm", TestDicom.of(TestImages.phantomChest(700, 640, 7))));
        String dicom = waitForResult();
        assertThat(text("result-meta")).contains("DICOM");
        byId("window-preset");
        wait.until(d -> baseImageLoaded());
        fullScreenshot("result-06-dicom-1440");
        phoneWidth();
        driver.get(dicom);
        waitForVaadin();
        wait.until(d -> baseImageLoaded());
        assertThat(top("findings-section")).isLessThan(top("xray-viewer"));
        fullScreenshot("result-07-dicom-390");
        assertThat(horizontalOverflow()).isFalse();
    }

    @Test
    void theClinicianReportCarriesTheVerdictsAndTheNote() throws Exception {
        String email = TestAccounts.uniqueEmail("report");
        accountService.register(email, "Dr Report", TestAccounts.PASSWORD);
        signIn(email);

        // A study of a patient, uploaded from the patient's page as a clinician does.
        open("patients");
        click("new-patient");
        type("patient-reference", "R-0001");
        click("save-patient");
        wait.until(d -> d.getCurrentUrl().matches(".*/patients/\\d+$"));
        waitForVaadin();
        uploadStudy("1/5/2026", "Referral: breathless on exertion", 5);
        List<WebElement> groups = driver.findElements(By.cssSelector("#feedback vaadin-radio-group"));
        chooseRadio(groups.get(0), "Rejected");
        chooseRadio(groups.get(1), "Confirmed");
        WebElement note = wait.until(d -> d.findElement(By.cssSelector("#feedback-note textarea")));
        focus(note);
        note.sendKeys("Seen on CT: effusion only.");
        WebElement save = byId("save-feedback");
        focus(save);
        save.sendKeys(Keys.ENTER);
        waitForVaadin();
        wait.until(d -> d.findElement(By.id("feedback-status")).getText().contains("1 confirmed, 1 rejected"));

        Path pdf = downloadReport();
        Path kept = SCREENSHOTS.resolve("result-report.pdf");
        Files.copy(pdf, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (PDDocument document = Loader.loadPDF(Files.readAllBytes(kept))) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            String text = stripper.getText(document);
            assertThat(text).contains("Rejected", "Confirmed", "Seen on CT: effusion only.", "Reviewed by Dr Report on",
                    "Patient R-0001", "Study date 2026-01-05", "Upload note Referral: breathless on exertion");
            assertThat(document.getNumberOfPages()).isEqualTo(1);
        }
        // The report as a picture, for looking at (poppler-utils, where installed).
        Path pdftoppm = Path.of("/usr/bin/pdftoppm");
        if (Files.isExecutable(pdftoppm)) {
            Process process = new ProcessBuilder(pdftoppm.toString(), "-png", "-r", "100", kept.toString(),
                    SCREENSHOTS.resolve("result-08-report").toString()).redirectErrorStream(true).start();
            assertThat(process.waitFor()).isZero();
        }
    }

    private String waitForResult() {
        wait.until(d -> d.getCurrentUrl().contains("/analysis/"));
        waitForVaadin();
        byId("result-title");
        return driver.getCurrentUrl();
    }

    private void openDetails() {
        WebElement summary = wait.until(d -> d.findElement(By.cssSelector("#findings .cl-finding-details summary")));
        focus(summary);
        summary.click();
        waitForVaadin();
    }

    private long top(String id) {
        return ((Number) ((JavascriptExecutor) driver).executeScript(
                "return document.getElementById(arguments[0]).getBoundingClientRect().top;", id)).longValue();
    }

    private static Path file(String prefix, String suffix, byte[] bytes) throws IOException {
        Path file = Files.createTempFile(prefix, suffix);
        Files.write(file, bytes);
        return file;
    }
}
