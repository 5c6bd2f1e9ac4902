package org.chestlens.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.chestlens.TestAccounts;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** register → sign in → sign out in Chromium, with screenshots of each step. */
class AccountBrowserIT extends BrowserTest {

    @Test
    void registerSignInAndSignOut() throws Exception {
        String email = TestAccounts.uniqueEmail("browser");
        open("");
        assertThat(text("disclaimer")).contains("not a medical diagnosis");
        screenshot("01-home");

        open("register");
        type("email", email);
        type("display-name", "Dr Browser");
        type("password", TestAccounts.PASSWORD);
        type("confirm-password", TestAccounts.PASSWORD);
        screenshot("02-register-filled");
        click("create-account");
        wait.until(d -> d.getCurrentUrl().contains("/login"));
        waitForVaadin();
        assertThat(text("login-notice")).contains("Your account is ready");
        screenshot("03-login-after-register");

        WebElement username = wait.until(d -> d.findElement(By.cssSelector("vaadin-login-form input[name='username']")));
        username.sendKeys(email);
        driver.findElement(By.cssSelector("vaadin-login-form input[name='password']")).sendKeys(TestAccounts.PASSWORD);
        driver.findElement(By.cssSelector("vaadin-login-form vaadin-button[slot='submit']")).click();
        wait.until(d -> d.findElements(By.id("current-user-name")).size() == 1);
        waitForVaadin();
        assertThat(text("current-user-name")).isEqualTo("Dr Browser");
        assertThat(text("current-user-role")).isEqualTo("Clinician");
        screenshot("04-signed-in");

        phoneWidth();
        open("profile");
        screenshot("05-profile-390px");

        click("sign-out");
        wait.until(d -> d.findElements(By.id("current-user-name")).isEmpty());
        waitForVaadin();
        screenshot("06-signed-out");
        open("profile");
        wait.until(d -> d.getCurrentUrl().contains("/login"));
    }

    @Test
    void wrongPasswordIsExplained() throws Exception {
        open("login");
        wait.until(d -> d.findElement(By.cssSelector("vaadin-login-form input[name='username']")))
                .sendKeys(TestAccounts.uniqueEmail("nobody"));
        driver.findElement(By.cssSelector("vaadin-login-form input[name='password']")).sendKeys("wrong password");
        driver.findElement(By.cssSelector("vaadin-login-form vaadin-button[slot='submit']")).click();
        wait.until(d -> d.getCurrentUrl().contains("/login?error"));
        waitForVaadin();
        assertThat(driver.findElement(By.cssSelector("vaadin-login-form")).getText()).contains("Incorrect email or password");
        screenshot("07-login-error");
    }
}
