package org.chestlens.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The clinician's journey in Chromium: create a patient, upload two studies with dates and notes,
 * see both on the worklist (which follows a study arriving and leaving without a reload), give feedback on one (it
 * leaves the worklist), then the timeline, the trend charts and the side-by-side comparison with synchronised heatmap
 * settings; at 1440 and 390 px.
 */
class PatientBrowserIT extends JourneyTest {

    @Autowired
    AccountService accountService;
    @Autowired
    AnalysisService analyses;

    @Test
    void createPatientUploadTwoStudiesFeedbackTimelineTrendsAndCompare() throws Exception {
        String email = TestAccounts.uniqueEmail("clinician");
        Account clinician = accountService.register(email, "Dr Journey", TestAccounts.PASSWORD);
        signIn(email);

        open("patients");
        fullScreenshot("patient-01-empty-list-1440");
        click("new-patient");
        type("patient-reference", "P-0042");
        type("patient-name", "Jane Roe");
        type("patient-birth-year", "1958");
        WebElement sex = byId("patient-sex").findElement(By.cssSelector("input"));
        sex.sendKeys("Female");
        sex.sendKeys(Keys.ENTER);
        typeArea("patient-notes", "Smoker, COPD");
        screenshot("patient-02-new-patient-dialog");
        click("save-patient");
        wait.until(d -> d.getCurrentUrl().matches(".*/patients/\\d+$"));
        waitForVaadin();
        String patientUrl = driver.getCurrentUrl();
        assertThat(text("patient-title")).isEqualTo("P-0042 (Jane Roe)");

        uploadStudy("1/5/2026", "baseline, PA erect", 5);
        assertThat(text("result-meta")).contains("Patient: P-0042 (Jane Roe)", "Study date: 2026-01-05", "Note: baseline, PA erect");

        driver.get(patientUrl);
        waitForVaadin();
        uploadStudy("2/10/2026", "follow-up after antibiotics", 9);
        assertThat(text("result-patient")).contains("A study of P-0042 (Jane Roe)");
        String secondResult = driver.getCurrentUrl();

        // Both studies wait on the worklist (typed address) until they have feedback.
        open("worklist");
        wait.until(d -> d.findElement(By.id("worklist")).getText().contains("2026-02-10"));
        assertThat(text("worklist-count")).isEqualTo("2 studies waiting for review, most urgent first");
        assertThat(driver.findElement(By.id("worklist")).getText()).contains("P-0042", "2026-01-05", "2026-02-10");
        fullScreenshot("patient-03a-worklist-1440");
        // The open page follows live: a study analysed for this clinician elsewhere (here the service, as a batch job
        // or the API would) arrives by server push without a reload, and leaves again when deleted.
        String elsewhere = analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(300, 260, 77)),
                "arrived-live.png").withOwner(clinician.getId())).publicId();
        wait.until(d -> d.findElement(By.id("worklist")).getText().contains("arrived-live.png"));
        assertThat(text("worklist-count")).isEqualTo("3 studies waiting for review, most urgent first");
        assertThat(text("worklist-updated")).matches("Updated \\d\\d:\\d\\d:\\d\\d");
        fullScreenshot("patient-03a2-worklist-live-arrival-1440");
        assertThat(analyses.delete(elsewhere, Optional.of(clinician.getId()))).isTrue();
        wait.until(d -> !d.findElement(By.id("worklist")).getText().contains("arrived-live.png"));
        assertThat(text("worklist-count")).isEqualTo("2 studies waiting for review, most urgent first");
        driver.get(secondResult);
        waitForVaadin();

        // Feedback on the second study: confirm the most probable finding, reject the next.
        List<WebElement> groups = driver.findElements(By.cssSelector("#feedback vaadin-radio-group"));
        chooseRadio(groups.get(0), "Confirmed");
        chooseRadio(groups.get(1), "Rejected");
        typeArea("feedback-note", "Consolidation confirmed on CT");
        WebElement save = byId("save-feedback");
        focus(save);
        save.sendKeys(Keys.ENTER);
        waitForVaadin();
        wait.until(d -> d.findElement(By.id("feedback-status")).getText().contains("1 confirmed, 1 rejected"));
        fullScreenshot("patient-03-result-with-patient-and-feedback-1440");

        // Feedback took the study off the worklist; the other one opens from its row.
        open("worklist");
        wait.until(d -> d.findElement(By.id("worklist")).getText().contains("2026-01-05"));
        assertThat(driver.findElement(By.id("worklist")).getText()).doesNotContain("2026-02-10");
        assertThat(text("worklist-count")).isEqualTo("1 study waiting for review");
        fullScreenshot("patient-03b-worklist-after-feedback-1440");
        WebElement openLink = driver.findElement(By.cssSelector("#worklist vaadin-grid-cell-content a"));
        focus(openLink);
        openLink.click();
        wait.until(d -> d.getCurrentUrl().matches(".*/analysis/[A-Za-z0-9_-]+$"));
        waitForVaadin();
        assertThat(text("result-meta")).contains("Study date: 2026-01-05");

        driver.get(patientUrl);
        waitForVaadin();
        assertThat(driver.findElements(By.cssSelector(".cl-timeline-item"))).hasSize(2);
        assertThat(driver.findElements(By.cssSelector(".cl-timeline-item h3")).get(0).getText()).isEqualTo("2026-02-10");
        wait.until(d -> allImagesLoaded());
        fullScreenshot("patient-04-timeline-1440");

        tab("Trends");
        wait.until(d -> d.findElements(By.cssSelector(".cl-trend svg")).size() == 4);
        assertThat(driver.findElement(By.cssSelector(".cl-trend svg desc")).getAttribute("textContent"))
                .contains("2026-01-05", "2026-02-10");
        fullScreenshot("patient-05-trends-1440");

        tab("Compare");
        WebElement earlier = byId("compare-viewer-earlier");
        WebElement later = byId("compare-viewer-later");
        // Nothing is positive in either study (test models): no heatmap until one is chosen (0: "No heatmap",
        // 1: No Finding).
        assertThat(later.getDomAttribute("overlay")).isNull();
        chooseInSelect("compare-finding", 2);
        wait.until(d -> overlayLoaded(earlier) && overlayLoaded(later));
        // Opacity moved on one image moves on both; so does zoom.
        WebElement slider = part(earlier, "input.opacity");
        focus(slider);
        slider.sendKeys(Keys.HOME);
        for (int i = 0; i < 8; i++) {
            slider.sendKeys(Keys.ARROW_RIGHT);
        }
        waitForVaadin();
        // The overlay fades to its new opacity (CSS transition): wait for the end value.
        wait.until(d -> "0.4".equals(part(later, "img.overlay").getCssValue("opacity")));
        WebElement image = part(later, ".viewport");
        focus(image);
        image.sendKeys("+");
        assertThat(part(earlier, ".zoom-level").getText()).isEqualTo("125%");
        assertThat(text("compare-changes")).containsPattern("(up|down) \\d+ points|unchanged");
        fullScreenshot("patient-06-compare-1440");

        // Phone width: the same page, one column.
        phoneWidth();
        driver.get(patientUrl);
        waitForVaadin();
        wait.until(d -> allImagesLoaded());
        fullScreenshot("patient-07-timeline-390");
        assertThat(horizontalOverflow()).as("no sideways scrolling at 390 px").isFalse();
        tab("Trends");
        fullScreenshot("patient-08-trends-390");
        tab("Compare");
        chooseInSelect("compare-finding", 2);
        wait.until(d -> overlayLoaded(byId("compare-viewer-later")));
        fullScreenshot("patient-09-compare-390");
        assertThat(horizontalOverflow()).isFalse();
        open("patients");
        fullScreenshot("patient-10-list-390");
        open("worklist");
        wait.until(d -> d.findElement(By.id("worklist")).getText().contains("2026-01-05"));
        fullScreenshot("patient-10a-worklist-390");
        assertThat(horizontalOverflow()).as("no sideways scrolling of the worklist at 390 px").isFalse();
        driver.manage().window().setSize(new Dimension(1440, 900));
        open("patients");
        assertThat(driver.findElement(By.id("patients")).getText()).contains("P-0042", "2026-02-10");
        fullScreenshot("patient-11-list-1440");
    }

    private void tab(String label) {
        WebElement tab = driver.findElements(By.cssSelector("vaadin-tab")).stream()
                .filter(t -> t.getText().startsWith(label)).findFirst().orElseThrow();
        focus(tab);
        tab.click();
        waitForVaadin();
    }


    private WebElement part(WebElement viewer, String css) {
        SearchContext root = viewer.getShadowRoot();
        return wait.until(d -> root.findElement(By.cssSelector(css)));
    }

    private boolean overlayLoaded(WebElement viewer) {
        return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                "const i = arguments[0].shadowRoot && arguments[0].shadowRoot.querySelector('img.overlay');"
                        + "return !!(i && i.complete && i.naturalWidth > 0);", viewer));
    }

    private boolean allImagesLoaded() {
        return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.images).filter(i => i.getAttribute('src')).every(i => i.complete && i.naturalWidth > 0);"));
    }


}
