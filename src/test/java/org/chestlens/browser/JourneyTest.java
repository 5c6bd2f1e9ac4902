package org.chestlens.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chestlens.TestAccounts;
import org.chestlens.imaging.TestImages;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** Helpers the analysis and patient journeys share on top of {@link BrowserTest}. */
abstract class JourneyTest extends BrowserTest {

    JavascriptExecutor js() {
        return driver;
    }

    /** Signs in through the login form with {@link TestAccounts#PASSWORD}; ends when the layout shows the user. */
    void signIn(String email) {
        open("login");
        wait.until(d -> d.findElement(By.cssSelector("vaadin-login-form input[name='username']"))).sendKeys(email);
        driver.findElement(By.cssSelector("vaadin-login-form input[name='password']")).sendKeys(TestAccounts.PASSWORD);
        driver.findElement(By.cssSelector("vaadin-login-form vaadin-button[slot='submit']")).click();
        wait.until(d -> d.findElements(By.id("current-user-name")).size() == 1);
        waitForVaadin();
    }

    /** Hands a file to vaadin-upload's file input (in its shadow root), as choosing it in the file dialog would. */
    void chooseFile(Path file) {
        WebElement input = (WebElement) js().executeScript(
                "return arguments[0].shadowRoot.querySelector('input[type=file]') || arguments[0].querySelector('input[type=file]');",
                byId("xray-upload"));
        input.sendKeys(file.toAbsolutePath().normalize().toString()); // chromedriver refuses "a/../b"
    }

    /** Scrolls the element to the middle of the window and gives it keyboard focus. */
    void focus(WebElement element) {
        js().executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", element);
    }

    /** True when the page (or the app layout's scrolling content) is wider than the window. */
    boolean horizontalOverflow() {
        return Boolean.TRUE.equals(js().executeScript(
                "const layout = document.querySelector('vaadin-app-layout');"
                        + "const content = layout && layout.shadowRoot && layout.shadowRoot.querySelector('[content]');"
                        + "const page = document.querySelector('.cl-page');"
                        + "return document.documentElement.scrollWidth > window.innerWidth + 1"
                        + " || (content && content.scrollWidth > content.clientWidth + 1)"
                        + " || (page && page.scrollWidth > page.clientWidth + 1);"));
    }

    /** The whole page, not just the window: the window grows to the content's height for the picture. */
    void fullScreenshot(String name) throws Exception {
        waitForVaadin();
        js().executeScript("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; });"
                + "window.scrollTo(0, 0);");
        Dimension size = driver.manage().window().getSize();
        Number height = (Number) js().executeScript(
                "const c = document.querySelector('.cl-content'); return c ? c.scrollHeight + 80 : document.body.scrollHeight;");
        int tall = Math.min(6000, Math.max(size.getHeight(), height.intValue()));
        driver.manage().window().setSize(new Dimension(size.getWidth(), tall));
        // The page has laid itself out at the new size once two animation frames have been drawn after it.
        wait.until(d -> ((Number) js().executeScript("return window.innerHeight;")).intValue() >= tall - 200);
        js().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "requestAnimationFrame(() => requestAnimationFrame(() => done()));");
        screenshot(name);
        driver.manage().window().setSize(size);
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

    /** Clicks the radio button with this label in a vaadin-radio-group and waits until it is checked. */
    void chooseRadio(WebElement group, String label) {
        WebElement radio = group.findElements(By.cssSelector("vaadin-radio-button")).stream()
                .filter(r -> r.getText().trim().equals(label)).findFirst().orElseThrow();
        focus(radio);
        radio.findElement(By.cssSelector("label")).click();
        waitForVaadin();
        wait.until(d -> Boolean.TRUE.equals(js().executeScript("return arguments[0].checked", radio)));
    }

    /** The result page's X-ray is drawn. */
    boolean baseImageLoaded() {
        return Boolean.TRUE.equals(js().executeScript(
                "const v = document.getElementById('xray-viewer'); const i = v && v.shadowRoot && v.shadowRoot.querySelector('img.base');"
                        + "return !!(i && i.complete && i.naturalWidth > 0);"));
    }

    /** On the patient page: study date and note, then the file; ends on the result page. */
    void uploadStudy(String date, String note, long seed) throws Exception {
        WebElement section = byId("new-study");
        if (section.getDomAttribute("opened") == null) {
            WebElement summary = section.findElement(By.cssSelector("vaadin-details-summary"));
            focus(summary);
            summary.click();
            wait.until(d -> section.getDomAttribute("opened") != null);
        }
        WebElement dateInput = byId("study-date").findElement(By.cssSelector("input"));
        dateInput.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        dateInput.sendKeys(date, Keys.ENTER);
        waitForVaadin();
        typeArea("study-note", note);
        waitForVaadin();
        Path png = Files.createTempFile("study", ".png");
        Files.write(png, TestImages.png(TestImages.phantomChest(900, 820, seed)));
        chooseFile(png);
        wait.until(d -> d.getCurrentUrl().contains("/analysis/"));
        waitForVaadin();
        byId("findings");
    }

    void typeArea(String id, String text) {
        WebElement area = wait.until(d -> {
            WebElement found = d.findElement(By.cssSelector("#" + id + " textarea"));
            return found.isDisplayed() && found.isEnabled() ? found : null;
        });
        focus(area);
        area.clear();
        area.sendKeys(text);
    }

    /** Presses the result page's "Download report (PDF)" and waits for the whole file. */
    Path downloadReport() throws java.io.IOException {
        Path downloads = Files.createTempDirectory("chestlens-report");
        driver.executeCdpCommand("Browser.setDownloadBehavior", java.util.Map.of("behavior", "allow", "downloadPath",
                downloads.toAbsolutePath().toString()));
        WebElement download = byId("download-report");
        focus(download);
        download.sendKeys(Keys.ENTER);
        return wait.withTimeout(java.time.Duration.ofSeconds(30)).until(d -> {
            try (var files = Files.list(downloads)) {
                Path found = files.filter(f -> f.toString().endsWith(".pdf")).findFirst().orElse(null);
                return found != null && Files.size(found) > 1000 ? found : null;
            } catch (java.io.IOException e) {
                return null;
            }
        });
    }
}
