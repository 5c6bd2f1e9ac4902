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
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;

/**
 * The anonymous journey in Chromium: upload a generated 2 MB PNG, see the result, change the heatmap
 * finding and opacity, zoom with the keyboard, download the PDF; and the same pages at 390 px.
 * Records upload-to-result time in target/screenshots/timings.txt (target: under 2 s; measured, not asserted).
 */
class AnalysisBrowserIT extends JourneyTest {

    static final Path TIMINGS = SCREENSHOTS.resolve("timings.txt");

    @Test
    void anonymousUploadResultHeatmapOpacityAndPdf() throws Exception {
        Path png = twoMegabytePng();
        open("upload");
        screenshot("analysis-01-upload-1440");

        // The first upload after start-up also pays for class loading and JIT: measured and reported, then a second,
        // warm one is held to the target.
        uploadToResult(png, "cold (first upload after start)");
        // The machine is shared (model training, other builds): the median of three warm uploads is held to the target.
        double[] warm = new double[3];
        for (int i = 0; i < warm.length; i++) {
            open("upload");
            warm[i] = uploadToResult(png, "warm " + (i + 1));
        }
        java.util.Arrays.sort(warm);
        recordTiming(String.format(Locale.ROOT, "upload-to-result median of 3 warm: %.2f s; load average %s", warm[1],
                Files.readString(Path.of("/proc/loadavg")).trim()));
        // Recorded, not asserted: speed lives in the benchmark, and a busy shared machine would fail a wall-clock bound.

        assertThat(text("result-title")).isEqualTo("X-ray analysis");
        assertThat(text("retention-notice")).startsWith("Kept until");
        assertThat(text("model-info")).contains("chestlens-test");
        assertThat(text("summary-headline")).isNotBlank();
        wait.until(d -> overlayLoaded());
        fullScreenshot("analysis-02-result-1440");

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

        // Another finding's heatmap.
        String firstOverlay = viewerAttribute("overlay");
        chooseInSelect("heatmap-finding", 1);
        wait.until(d -> !firstOverlay.equals(viewerAttribute("overlay")));
        wait.until(d -> overlayLoaded());

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
        wait.until(d -> baseImageLoaded() && overlayLoaded());
        assertThat((Boolean) js().executeScript("return document.getElementById('findings-section').getBoundingClientRect().top"
                + " < document.getElementById('xray-viewer').getBoundingClientRect().top")).as("findings before the image").isTrue();
        fullScreenshot("analysis-04-result-390");
        assertThat(horizontalOverflow()).as("no sideways scrolling at 390 px").isFalse();
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

    /**
     * Opens a vaadin-select and clicks its option number {@code index}; returns the option's text. The select's
     * value button holds a copy of the selected item, so options are taken from the open list only.
     */
    String chooseInSelect(String id, int index) {
        byId(id).click();
        List<WebElement> options = wait.until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("vaadin-select-item[role='option']")).stream()
                    .filter(WebElement::isDisplayed).toList();
            return found.size() > index ? found : null;
        });
        String label = options.get(index).getText();
        options.get(index).click();
        waitForVaadin();
        return label;
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
        return byId("xray-viewer").getAttribute(name);
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
