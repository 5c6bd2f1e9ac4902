package org.chestlens.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Base for journeys in a real browser: Debian's Chromium, headless, driven by Debian's chromedriver
 * (named explicitly, so Selenium never downloads a driver or a browser), against the application
 * on a random port with its production frontend bundle. Screenshots go to target/screenshots/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class BrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /**
     * How long a wait may take before the test fails: waits end as soon as the page shows what they wait for, so this
     * only bounds a failure. Generous, for a 2-core machine busy with other work (a sign-in took over 30 s there).
     */
    static final Duration PATIENCE = Duration.ofSeconds(180);

    @LocalServerPort
    protected int port;

    protected ChromeDriver driver;
    protected WebDriverWait wait;

    @BeforeEach
    void startBrowser() throws IOException {
        driver = chromium();
        wait = new WebDriverWait(driver, PATIENCE);
        Files.createDirectories(SCREENSHOTS);
    }

    /** A headless Chromium for a journey. */
    public static ChromeDriver chromium() throws IOException {
        // Never skipped without a word: without the browser these journeys fail, saying what to install (.ci/run
        // installs it), or are left out on purpose with -DskipBrowserTests=true.
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("Browser journeys need Debian's chromium and chromium-driver (apt-get install -y chromium "
                        + "chromium-driver), or -DskipBrowserTests=true to leave them out").isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--user-data-dir=" + Files.createTempDirectory("chestlens-chromium"));
        // The console, read after each journey: the pages must run under their Content-Security-Policy.
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver chromium = new ChromeDriver(service, options);
        chromium.manage().window().setSize(new Dimension(1440, 900));
        return chromium;
    }

    @AfterEach
    void stopBrowser() {
        if (driver == null) {
            return;
        }
        try {
            List<String> violations = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(LogEntry::getMessage)
                    .filter(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy")
                            || m.contains("Permissions-Policy") || m.contains("Permissions policy"))
                    .toList();
            assertThat(violations).as("security policy messages in the browser console").isEmpty();
        } finally {
            driver.quit();
        }
    }

    protected void open(String path) {
        driver.get("http://localhost:" + port + "/" + path);
        waitForVaadin();
    }

    /** Waits until Vaadin has rendered and no server round trip is pending. */
    protected void waitForVaadin() {
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "if (!window.Vaadin || !window.Vaadin.Flow || !window.Vaadin.Flow.clients) return false;"
                        + "var c = window.Vaadin.Flow.clients; var n = 0;"
                        + "for (var k in c) { n++; if (c[k].isActive()) return false; } return n > 0;"));
    }

    protected WebElement byId(String id) {
        return wait.until(d -> d.findElement(By.id(id)));
    }

    /** Types into a Vaadin text field; its native input lives in the light DOM. */
    protected void type(String fieldId, String text) {
        WebElement input = wait.until(d -> d.findElement(By.cssSelector("#" + fieldId + " input")));
        input.clear();
        input.sendKeys(text);
    }

    protected void click(String id) {
        byId(id).click();
        waitForVaadin();
    }

    /** The element's visible text once it has some: right after a navigation the page may still be filling in. */
    protected String text(String id) {
        return wait.until(d -> {
            String text = d.findElement(By.id(id)).getText();
            return text.isBlank() ? null : text;
        });
    }

    protected Path screenshot(String name) throws IOException {
        waitForVaadin();
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    protected void phoneWidth() {
        driver.manage().window().setSize(new Dimension(390, 844));
    }
}
