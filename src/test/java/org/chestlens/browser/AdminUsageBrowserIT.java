package org.chestlens.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.imaging.TestImages;
import org.chestlens.references.ReferenceLibrary;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An administrator opens the usage dashboard (the chart is drawn) and the reference library; nothing overflows at
 * 1440 px or at 390 px.
 */
class AdminUsageBrowserIT extends JourneyTest {

    @Autowired
    AccountService accounts;
    @Autowired
    AnalysisService analyses;
    @Autowired
    ReferenceLibrary references;

    @Test
    void adminReviewsUsageOnAWideScreenAndAPhone() throws Exception {
        String email = TestAccounts.uniqueEmail("usage-admin");
        Account admin = accounts.register(email, "Usage Admin", TestAccounts.PASSWORD);
        accounts.ensureAdmin(email, TestAccounts.PASSWORD);
        for (int i = 0; i < 3; i++) {
            analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(300, 260, 20 + i)), "chest.png"));
        }
        analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(320, 280, 30)), "mine.png")
                .withOwner(admin.getId()));
        analyses.analyse(AnalysisRequest.of(TestImages.jpeg(TestImages.colourPattern(400, 300)), "photo.jpg"));

        open("login");
        wait.until(d -> d.findElement(By.cssSelector("vaadin-login-form input[name='username']"))).sendKeys(email);
        driver.findElement(By.cssSelector("vaadin-login-form input[name='password']")).sendKeys(TestAccounts.PASSWORD);
        driver.findElement(By.cssSelector("vaadin-login-form vaadin-button[slot='submit']")).click();
        wait.until(d -> d.findElements(By.id("current-user-name")).size() == 1);

        open("admin/usage");
        assertThat(text("stat-analyses")).contains("Analyses");
        assertThat(driver.findElements(By.cssSelector("#usage-chart svg rect.registered"))).isNotEmpty();
        assertThat(horizontalOverflow()).as("page wider than the window at 1440 px").isFalse();
        fullScreenshot("usage-01-dashboard-1440");

        // The reference library page with a few generated cases in it.
        Path folder = Files.createTempDirectory("references");
        Files.createDirectories(folder.resolve("images"));
        StringBuilder index = new StringBuilder("path,source,split,No Finding,Pneumonia,Effusion\n");
        for (int i = 0; i < 4; i++) {
            Files.write(folder.resolve("images/ref" + i + ".png"), TestImages.png(TestImages.phantomChest(300, 260, 40 + i)));
            index.append("images/ref").append(i).append(".png,generated,val,").append(i % 2).append(',')
                    .append(1 - i % 2).append(",0\n");
        }
        Files.writeString(folder.resolve("index.csv"), index);
        references.importFolder(folder, Optional.empty(), 0);
        open("admin/references");
        wait.until(d -> !d.findElements(By.cssSelector("vaadin-grid")).isEmpty());
        assertThat(horizontalOverflow()).as("reference library wider than the window at 1440 px").isFalse();
        fullScreenshot("references-01-library-1440");

        phoneWidth();
        open("admin/usage");
        assertThat(horizontalOverflow()).as("page wider than the window at 390 px").isFalse();
        fullScreenshot("usage-02-dashboard-390");
        open("admin/references");
        wait.until(d -> !d.findElements(By.cssSelector("vaadin-grid")).isEmpty());
        assertThat(horizontalOverflow()).as("reference library wider than the window at 390 px").isFalse();
        fullScreenshot("references-02-library-390");
    }
}
