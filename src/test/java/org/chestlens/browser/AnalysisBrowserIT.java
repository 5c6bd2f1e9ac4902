package org.chestlens.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.chestlens.imaging.TestImages;
import org.chestlens.references.ReferenceLibrary;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The anonymous journey in Chromium on a fresh install (the default reference library loaded): upload a generated
 * 2 MB PNG, see the result with labelled similar cases and open one larger, change the heatmap finding and opacity,
 * zoom with the keyboard, download the PDF; and the same pages at 390 px. Upload-to-result times are written to
 * target/screenshots/timings.txt for the reader, never asserted: speed is measured by the benchmark command.
 */
class AnalysisBrowserIT extends JourneyTest {

    static final Path TIMINGS = SCREENSHOTS.resolve("timings.txt");

    @Autowired
    ReferenceLibrary references;

    @Test
    void anonymousUploadResultHeatmapOpacityAndPdf() throws Exception {
        // What a fresh install loads at its first start (DefaultLibraryTest covers that start-up step).
        references.importDefault();
        Path png = twoMegabytePng();
        open("upload");
        screenshot("analysis-01-upload-1440");

        uploadToResult(png, "first upload after start");
        open("upload");
        uploadToResult(png, "second upload");

        assertThat(text("result-title")).isEqualTo("X-ray analysis");
        assertThat(text("retention-notice")).startsWith("Kept until");
        assertThat(text("model-info")).contains("chestlens-test");
        assertThat(text("summary-headline")).isNotBlank();
        // The test models call nothing positive on the phantom: no heatmap until one is asked for, and the page says so.
        assertThat(text("heatmap-note")).startsWith("No finding is positive, so no heatmap is shown.");
        assertThat(viewerAttribute("overlay")).isNull();
        fullScreenshot("analysis-02-result-1440");

        // Similar cases from the default library, each with its diagnosis; one opens larger on click.
        WebElement similar = byId("similar-cases");
        assertThat(similar.findElements(By.cssSelector("button.cl-similar"))).hasSize(6);
        assertThat(similar.getText()).contains("Reference library").doesNotContain("No label");
        String diagnosis = similar.findElement(By.cssSelector("#similar-case-0 .cl-similar-diagnosis")).getText();
        assertThat(diagnosis).isNotBlank();
        WebElement first = byId("similar-case-0");
        focus(first);
        first.sendKeys(Keys.ENTER);
        waitForVaadin();
        WebElement dialog = wait.until(d -> {
            WebElement open = d.findElement(By.id("similar-case-dialog"));
            return "true".equals(open.getDomProperty("open")) ? open : null;
        });
        assertThat(dialog.findElement(By.id("similar-case-dialog-title")).getText()).isEqualTo(diagnosis);
        assertThat(dialog.getText()).contains("Diagnosis (the data set's labels): " + diagnosis, "Similarity", "licence");
        wait.until(d -> Boolean.TRUE.equals(js().executeScript(
                "const i = document.querySelector('#similar-case-dialog img'); return !!(i && i.complete && i.naturalWidth > 0);")));
        assertThat(((Number) js().executeScript(
                "return document.querySelector('#similar-case-dialog img').getBoundingClientRect().width;")).doubleValue())
                .as("shown larger than in the list").isGreaterThan(
                        ((Number) js().executeScript("return document.querySelector('#similar-case-0 img').getBoundingClientRect().width;"))
                                .doubleValue() * 1.5);
        screenshot("analysis-02c-similar-case-1440");
        dialog.sendKeys(Keys.ESCAPE);
        wait.until(d -> !"true".equals(d.findElement(By.id("similar-case-dialog")).getDomProperty("open")));

        // Copy link: to the clipboard, or (where the browser refuses) shown selected for copying by hand.
        String resultUrl = driver.getCurrentUrl();
        WebElement copy = byId("copy-link");
        focus(copy);
        copy.sendKeys(Keys.ENTER);
        waitForVaadin();
        wait.until(d -> !d.findElements(By.id("result-link")).isEmpty() || d.findElements(By.cssSelector("vaadin-notification-card"))
                .stream().anyMatch(c -> c.getText().contains("Link copied")));
        if (!driver.findElements(By.id("result-link")).isEmpty()) {
            wait.until(d -> resultUrl.equals(d.findElement(By.cssSelector("#result-link input")).getDomProperty("value")));
            screenshot("analysis-02b-copy-link-fallback");
            driver.findElement(By.cssSelector("vaadin-confirm-dialog-overlay vaadin-button, vaadin-confirm-dialog vaadin-button[slot='confirm-button']")).click();
            waitForVaadin();
        }

        // A negative finding's heatmap on request (option 0 is "No heatmap", 1 No Finding), marked as such.
        String chosenLabel = chooseInSelect("heatmap-finding", 2);
        assertThat(chosenLabel).endsWith("negative finding \u2014 map shown on request)");
        wait.until(d -> viewerAttribute("overlay") != null);
        wait.until(d -> overlayLoaded());
        assertThat(text("heatmap-note")).endsWith("negative finding \u2014 map shown on request.");

        // Opacity with the keyboard: 70% -> 50% in steps of 5.
        WebElement slider = viewerPart("input.opacity");
        focus(slider);
        slider.sendKeys(Keys.HOME);
        for (int i = 0; i < 10; i++) {
            slider.sendKeys(Keys.ARROW_RIGHT);
        }
        waitForVaadin();
        // The overlay fades to its new opacity (CSS transition): wait for the end value.
        wait.until(d -> "0.5".equals(viewerPart("img.overlay").getCssValue("opacity")));

        // Zoom with the keyboard on the image itself.
        WebElement image = viewerPart(".viewport");
        focus(image);
        image.sendKeys("+");
        image.sendKeys("+");
        assertThat(viewerPart(".zoom-level").getText()).isEqualTo("156%");
        screenshot("analysis-03-heatmap-opacity-zoom-1440");
        image.sendKeys("0");

        // The PDF does not follow the viewer: the same document whatever finding and opacity are on screen.
        Path pdf = downloadReport();
        try (PDDocument document = Loader.loadPDF(Files.readAllBytes(pdf))) {
            String text = new PDFTextStripper().getText(document);
            assertThat(text).contains("ChestLens analysis report", "Threshold", "More unusual than", "chestlens-test",
                    "Not reviewed").doesNotContain("opacity");
        }
        Files.copy(pdf, SCREENSHOTS.resolve("analysis-report.pdf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        // The same result on a phone.
        phoneWidth();
        driver.navigate().refresh();
        waitForVaadin();
        byId("findings");
        wait.until(d -> baseImageLoaded());
        assertThat((Boolean) js().executeScript("return document.getElementById('findings-section').getBoundingClientRect().top"
                + " < document.getElementById('xray-viewer').getBoundingClientRect().top")).as("findings before the image").isTrue();
        fullScreenshot("analysis-04-result-390");
        assertThat(horizontalOverflow()).as("no sideways scrolling at 390 px").isFalse();
        WebElement onPhone = byId("similar-case-0");
        focus(onPhone);
        onPhone.sendKeys(Keys.ENTER);
        waitForVaadin();
        wait.until(d -> "true".equals(d.findElement(By.id("similar-case-dialog")).getDomProperty("open")));
        wait.until(d -> Boolean.TRUE.equals(js().executeScript(
                "const i = document.querySelector('#similar-case-dialog img'); return !!(i && i.complete && i.naturalWidth > 0);")));
        assertThat(((Number) js().executeScript(
                "return document.getElementById('similar-case-dialog').getBoundingClientRect().right;")).doubleValue())
                .as("the larger view fits the phone's width").isLessThanOrEqualTo(390);
        screenshot("analysis-04b-similar-case-390");
        byId("similar-case-close").click();
        wait.until(d -> !"true".equals(d.findElement(By.id("similar-case-dialog")).getDomProperty("open")));
        open("upload");
        screenshot("analysis-05-upload-390");
        assertThat(horizontalOverflow()).isFalse();
    }

    @Test
    void refusedAndRejectedUploadsAreExplained() throws Exception {
        open("upload");
        Path text = Files.createTempFile("notes", ".txt");
        Files.writeString(text, "not an image");
        chooseFile(text);
        wait.until(d -> !d.findElement(By.id("upload-error")).getText().isBlank());
        assertThat(text("upload-error")).contains("PNG, JPEG or DICOM");
        screenshot("analysis-06-refused-upload");

        Path colour = Files.createTempFile("holiday", ".png");
        Files.write(colour, TestImages.png(TestImages.colourPattern(600, 500)));
        chooseFile(colour);
        wait.until(d -> d.getCurrentUrl().contains("/analysis/"));
        waitForVaadin();
        assertThat(text("result-title")).isEqualTo("ChestLens cannot analyse this image");
        assertThat(text("rejection-suggestion")).startsWith("What to upload instead");
        screenshot("analysis-07-rejected");
    }

    /** Seconds from handing over the file to the result page with its X-ray drawn; records the stages. */
    double uploadToResult(Path png, String label) throws IOException {
        long start = System.nanoTime();
        chooseFile(png);
        wait.until(d -> d.getCurrentUrl().contains("/analysis/"));
        double navigated = (System.nanoTime() - start) / 1e9;
        waitForVaadin();
        byId("findings");
        double rendered = (System.nanoTime() - start) / 1e9;
        wait.until(d -> baseImageLoaded());
        double seconds = (System.nanoTime() - start) / 1e9;
        recordTiming(String.format(Locale.ROOT, "upload-to-result, %.1f MB PNG, %s: %.2f s (result URL %.2f s, "
                        + "findings shown %.2f s, X-ray drawn %.2f s; server: %s)", Files.size(png) / 1e6, label, seconds,
                navigated, rendered, seconds, text("model-info")));
        return seconds;
    }

    @Test
    void progressAndPreviewWhileUploading() throws Exception {
        Path png = twoMegabytePng();
        open("upload");
        // A slow link (about 1 MB/s up), so the uploading state stays long enough to be seen.
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 20,
                "downloadThroughput", -1, "uploadThroughput", 1_000_000));
        chooseFile(png);
        wait.until(d -> d.findElement(By.id("upload-status")).getText().startsWith("Uploading"));
        assertThat(text("upload-file-name")).startsWith(png.getFileName().toString()).contains("MB");
        assertThat((Boolean) js().executeScript(
                "const i = document.querySelector('.cl-upload-preview-image'); return i.complete && i.naturalWidth > 0;")).isTrue();
        screenshot("analysis-08-uploading-with-preview");
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", -1));
        wait.until(d -> d.getCurrentUrl().contains("/analysis/"));
    }

    /** A generated chest phantom, big and noisy enough to weigh about 2 MB as PNG. */
    static Path twoMegabytePng() throws IOException {
        byte[] bytes = TestImages.png(TestImages.phantomChest(1800, 1700, 11));
        assertThat(bytes.length).as("test image size").isBetween(1_900_000, 3_200_000);
        Path file = Files.createTempFile("phantom-2mb", ".png");
        Files.write(file, bytes);
        return file;
    }


    private SearchContext viewerRoot() {
        return byId("xray-viewer").getShadowRoot();
    }

    WebElement viewerPart(String css) {
        return wait.until(d -> viewerRoot().findElement(By.cssSelector(css)));
    }

    String viewerAttribute(String name) {
        return byId("xray-viewer").getDomAttribute(name);
    }

    boolean overlayLoaded() {
        return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                "const v = document.getElementById('xray-viewer'); const i = v && v.shadowRoot && v.shadowRoot.querySelector('img.overlay');"
                        + "return !!(i && i.complete && i.naturalWidth > 0);"));
    }


    static void recordTiming(String line) throws IOException {
        System.out.println("[timing] " + line);
        Files.createDirectories(SCREENSHOTS);
        Files.writeString(TIMINGS, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }
}
