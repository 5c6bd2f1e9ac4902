package org.chestlens.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.AccountService;
import org.chestlens.batches.TestZips;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Batch upload in Chromium with the production bundle: /batches/new opened directly, several files and a ZIP chosen
 * at once, progress followed until every file has its outcome, the address become the batch's, a reload showing the
 * same batch, a result opened from it; at 1440 and 390 px.
 */
class BatchBrowserIT extends JourneyTest {

    @Autowired
    AccountService accountService;

    @Test
    void manyFilesAndAZipChosenAtOnceAreFollowedToTheirResultsAndSurviveAReload() throws Exception {
        String email = TestAccounts.uniqueEmail("batch-browser");
        accountService.register(email, "Dr Batch", TestAccounts.PASSWORD);
        signIn(email);

        open("batches/new");
        screenshot("batch-01-new-1440");
        Path dir = Files.createTempDirectory("chestlens-batch");
        Path a = Files.write(dir.resolve("a.png"), TestImages.png(TestImages.phantomChest(320, 300, 61)));
        Path b = Files.write(dir.resolve("b.png"), TestImages.png(TestImages.phantomChest(320, 300, 62)));
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not an X-ray");
        Path zip = Files.write(dir.resolve("ward.zip"), TestZips.zip()
                .add("c.png", TestImages.png(TestImages.phantomChest(320, 300, 63)))
                .add("../d.png", TestImages.png(TestImages.phantomChest(320, 300, 64))).bytes());
        WebElement input = (WebElement) js().executeScript(
                "return arguments[0].shadowRoot.querySelector('input[type=file]') || arguments[0].querySelector('input[type=file]');",
                byId("batch-upload"));
        // Several files in one choice, as the file dialog gives them.
        input.sendKeys(String.join("\n", List.of(a, b, notes, zip).stream()
                .map(p -> p.toAbsolutePath().normalize().toString()).toList()));

        // Progress arrives by server push: the page loaded Vaadin's push client when the batch started (it does not poll).
        wait.until(d -> (Boolean) js().executeScript("return performance.getEntriesByType('resource')"
                + ".some(function (e) { return e.name.indexOf('vaadinPush') >= 0; });"));
        wait.until(d -> d.findElement(By.id("batch-summary")).getText().startsWith("5 of 5 files finished"));
        assertThat(text("batch-summary")).contains("3 analysed", "2 refused");
        assertThat(driver.getCurrentUrl()).as("the address names the batch").matches(".*/batches/[A-Za-z0-9_-]{22}$");
        assertThat(byId("batch-items").getText()).contains("notes.txt", "ward.zip/../d.png");
        screenshot("batch-02-finished-1440");

        driver.navigate().refresh();
        waitForVaadin();
        assertThat(text("batch-summary")).startsWith("5 of 5 files finished");
        assertThat(text("batch-started")).contains("5 files");
        screenshot("batch-03-reloaded-1440");

        phoneWidth();
        // The page switches the grid to one column when the browser reports the narrower window.
        wait.until(d -> d.findElement(By.id("batch-items")).getAttribute("compact") != null);
        waitForVaadin();
        screenshot("batch-04-reloaded-390");
        assertThat(horizontalOverflow()).as("no sideways scrolling at 390 px").isFalse();

        WebElement result = wait.until(d -> d.findElement(By.cssSelector("#batch-items a.cl-batch-result")));
        focus(result); // scrolled into the middle of the window before the click
        wait.until(d -> result.isDisplayed());
        result.click();
        wait.until(d -> d.getCurrentUrl().contains("/analysis/"));
        waitForVaadin();
    }
}
