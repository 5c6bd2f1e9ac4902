package org.chestlens.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.test.context.TestPropertySource;

/**
 * Heatmaps and the anomaly map as users see them, with the release models on real X-rays of the training split (from
 * the default reference library in the repository, so the test runs in any clone): the first
 * heatmap is the most probable positive finding, the legend beside it, a negative finding's map only on request and
 * marked, the anomaly map in the same zoomable viewer; at 1440 and 390 px.
 */
@TestPropertySource(properties = "chestlens.models-dir=models")
class HeatmapBrowserIT extends JourneyTest {

    /** Real X-rays from the default reference library shipped in the repository (licences in its NOTICE.md). */
    static final Path LIBRARY = Path.of("src/main/resources/references/images");
    /** A child's bacterial pneumonia (Kermany, CC BY 4.0): Pneumonia 100%, positive. */
    static final Path PNEUMONIA = LIBRARY.resolve("kermany/person1019_bacteria_2950.jpeg");
    /** An adult's film with effusion (NIH, CC0): Effusion 92%, its most probable positive finding. */
    static final Path EFFUSION = LIBRARY.resolve("nih128/00003683_001.jpg");

    @Test
    void positiveFindingsHeatmapFirstWithLegendNegativeOnRequestAnomalyMapZoomable() throws Exception {
        open("upload");
        chooseFile(PNEUMONIA);
        wait.until(d -> d.getCurrentUrl().contains("/analysis/"));
        waitForVaadin();
        assertThat(text("model-info")).contains("chestlens-default");
        // The first heatmap: the most probable positive finding.
        assertThat(selectedHeatmap()).startsWith("Pneumonia (").endsWith(", positive)");
        wait.until(d -> overlayLoaded(byId("xray-viewer")) && baseLoaded(byId("anomaly-map")));
        // A hidden component is not drawn at all: no note on screen.
        assertThat(driver.findElements(By.id("heatmap-note")).stream().noneMatch(WebElement::isDisplayed)).isTrue();
        assertThat(text("heatmap-legend")).contains("fixed", "not stretched per image", "outside the body");
        assertThat(text("anomaly-legend")).contains("blue to red");
        fullScreenshot("heatmap-01-pneumonia-1440");

        // The anomaly map zooms like the X-ray.
        WebElement anomaly = byId("anomaly-map");
        WebElement viewport = anomaly.getShadowRoot().findElement(By.cssSelector(".viewport"));
        focus(viewport);
        viewport.sendKeys("+");
        viewport.sendKeys("+");
        assertThat(anomaly.getShadowRoot().findElement(By.cssSelector(".zoom-level")).getText()).isEqualTo("156%");
        screenshot("heatmap-02-anomaly-map-zoomed-1440");

        // A negative finding's map on request, marked as such.
        String chosen = chooseOption("heatmap-finding", "Effusion (");
        assertThat(chosen).endsWith("negative finding \u2014 map shown on request)");
        wait.until(d -> byId("heatmap-note").isDisplayed());
        assertThat(text("heatmap-note")).isEqualTo("Effusion: negative finding \u2014 map shown on request.");
        wait.until(d -> overlayLoaded(byId("xray-viewer")));
        focus(byId("xray-viewer"));
        screenshot("heatmap-03-negative-on-request-1440");

        // The same result on a phone: a fresh page shows the positive finding's map again.
        phoneWidth();
        driver.navigate().refresh();
        waitForVaadin();
        wait.until(d -> overlayLoaded(byId("xray-viewer")) && baseLoaded(byId("anomaly-map")));
        assertThat(selectedHeatmap()).startsWith("Pneumonia (");
        fullScreenshot("heatmap-04-pneumonia-390");
        assertThat(horizontalOverflow()).as("no sideways scrolling at 390 px").isFalse();

        // An adult film: Effusion first, not the more probable but inapplicable Viral Pneumonia, nor No Finding.
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1440, 900));
        open("upload");
        chooseFile(EFFUSION);
        wait.until(d -> d.getCurrentUrl().contains("/analysis/"));
        waitForVaadin();
        assertThat(selectedHeatmap()).startsWith("Effusion (").endsWith(", positive)");
        wait.until(d -> overlayLoaded(byId("xray-viewer")) && baseLoaded(byId("anomaly-map")));
        fullScreenshot("heatmap-05-effusion-1440");
    }

    /** The text of the heatmap choice's selected option. */
    private String selectedHeatmap() {
        return wait.until(d -> {
            String t = d.findElement(By.cssSelector("#heatmap-finding vaadin-select-value-button")).getText();
            return t.isBlank() ? null : t;
        });
    }

    /** Opens a vaadin-select and clicks the option whose text starts with {@code prefix}; returns its text. */
    private String chooseOption(String id, String prefix) {
        WebElement select = byId(id);
        focus(select); // scrolled to the middle of the window: after the anomaly map the page is scrolled far below it
        select.click();
        WebElement option = wait.until(d -> d.findElements(By.cssSelector("vaadin-select-item[role='option']")).stream()
                .filter(WebElement::isDisplayed).filter(o -> o.getText().startsWith(prefix)).findFirst().orElse(null));
        String label = option.getText();
        // A long list scrolls inside its overlay: bring the option into view before clicking it.
        js().executeScript("arguments[0].scrollIntoView({block: 'center'})", option);
        wait.until(d -> option.isDisplayed() && option.isEnabled());
        option.click();
        waitForVaadin();
        return label;
    }

    private boolean baseLoaded(WebElement viewer) {
        return Boolean.TRUE.equals(js().executeScript(
                "const i = arguments[0].shadowRoot && arguments[0].shadowRoot.querySelector('img.base');"
                        + "return !!(i && i.complete && i.naturalWidth > 0);", viewer));
    }

    private boolean overlayLoaded(WebElement viewer) {
        return Boolean.TRUE.equals(js().executeScript(
                "const i = arguments[0].shadowRoot && arguments[0].shadowRoot.querySelector('img.overlay');"
                        + "return !!(i && i.complete && i.naturalWidth > 0);", viewer));
    }
}
