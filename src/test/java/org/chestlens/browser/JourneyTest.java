package org.chestlens.browser;

import java.nio.file.Path;
import java.util.List;
import org.chestlens.TestAccounts;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
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
}
