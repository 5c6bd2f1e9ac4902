package org.chestlens.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.accounts.ApiTokenService;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The small things people notice: an unknown address says "not found" (to visitors and signed-in users
 * alike, never the sign-in page), admin grids show whole ISO dates, the audit trail exports CSV; and the
 * profile and "not found" pages at 1440 and 390 px.
 */
class EverydayDetailsBrowserIT extends JourneyTest {

    @Autowired
    AccountService accounts;
    @Autowired
    ApiTokenService tokens;

    @Test
    void anUnknownAddressShowsNotFoundToAnAnonymousVisitor() throws Exception {
        for (String address : List.of("no-such-page", "patients/not-a-number", "analysis")) {
            open(address);
            assertThat(driver.getCurrentUrl()).as("stays at the address, no sign-in redirect").endsWith("/" + address);
            assertThat(text("not-found-title")).isEqualTo("Page not found");
            assertThat(text("not-found-text")).contains("/" + address);
            assertThat(driver.findElements(By.cssSelector("vaadin-login-form"))).isEmpty();
        }
        assertThat(driver.getTitle()).isEqualTo("Page not found | ChestLens");
        screenshot("not-found-anonymous-1440");
        phoneWidth();
        open("no-such-page");
        assertThat(horizontalOverflow()).isFalse();
        screenshot("not-found-anonymous-390");

        // Pages that exist still ask for an account.
        open("patients");
        wait.until(d -> d.getCurrentUrl().contains("/login"));

        // Over plain HTTP: "not found" is a 404 for browsers, crawlers and monitoring too.
        HttpClient http = HttpClient.newHttpClient();
        assertThat(status(http, "no-such-page")).isEqualTo(404);
        assertThat(status(http, "patients/not-a-number")).isEqualTo(404);
        assertThat(status(http, "")).isEqualTo(200);
        assertThat(status(http, "patients")).as("an existing page redirects to the sign-in").isEqualTo(302);
    }

    private int status(HttpClient http, String address) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/" + address)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void anUnknownAddressShowsNotFoundToASignedInClinician() throws Exception {
        String email = TestAccounts.uniqueEmail("lost");
        accounts.register(email, "Dr Lost", TestAccounts.PASSWORD);
        signIn(email);
        open("no-such-page");
        assertThat(text("not-found-title")).isEqualTo("Page not found");
        assertThat(text("current-user-name")).as("inside the usual layout").isEqualTo("Dr Lost");
        screenshot("not-found-signed-in-1440");
        // A page this user may not open looks the same: its existence is not revealed.
        open("admin/users");
        assertThat(text("not-found-title")).isEqualTo("Page not found");
    }

    @Test
    void profilePageAtBothWidths() throws Exception {
        String email = TestAccounts.uniqueEmail("profile");
        Account account = accounts.register(email, "Dr Profile", TestAccounts.PASSWORD);
        tokens.create(account.getId(), "PACS export script", Duration.ofDays(90));
        signIn(email);
        open("profile");
        assertThat(driver.findElement(By.id("api-tokens")).getText()).contains("PACS export script");
        assertThat(isoDatesWhole("api-tokens")).isEqualTo(2);
        fullScreenshot("profile-1440");
        phoneWidth();
        open("profile");
        assertThat(horizontalOverflow()).isFalse();
        fullScreenshot("profile-390");
    }

    @Test
    void adminGridsShowWholeIsoDatesAndTheAuditTrailExportsCsv() throws Exception {
        String email = TestAccounts.uniqueEmail("grid-admin");
        accounts.register(email, "Grid Admin", TestAccounts.PASSWORD);
        accounts.ensureAdmin(email, TestAccounts.PASSWORD);
        signIn(email);

        open("admin/users");
        wait.until(d -> !d.findElements(By.cssSelector("#users vaadin-grid-cell-content")).isEmpty());
        assertThat(isoDatesWhole("users")).as("date cells in the users grid").isPositive();
        fullScreenshot("admin-users-1440");

        open("admin/audit");
        type("audit-user", email);
        waitForVaadin();
        wait.until(d -> d.findElement(By.id("audit-grid")).getText().contains("Signed in"));
        // The filter has reached the server when the grid shows only this user's entries (the export follows it).
        wait.until(d -> d.findElements(By.cssSelector("#audit-grid vaadin-grid-cell-content")).stream()
                .map(WebElement::getText).filter(t -> t.contains("@")).allMatch(t -> t.contains(email)));
        assertThat(isoDatesWhole("audit-grid")).as("date cells in the audit grid").isPositive();
        fullScreenshot("admin-audit-1440");

        String href = driver.findElement(By.id("audit-export")).getDomAttribute("href");
        Cookie session = driver.manage().getCookieNamed("JSESSIONID");
        HttpResponse<String> csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/").resolve(href))
                .header("Cookie", "JSESSIONID=" + session.getValue()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("occurred_at,user,action,action_code,detail");
        assertThat(lines).hasSizeGreaterThan(1).allSatisfy(line -> assertThat(line).satisfiesAnyOf(
                l -> assertThat(l).startsWith("occurred_at"), l -> assertThat(l).contains("," + email + ",")));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains(",Signed in,LOGIN,"));

        phoneWidth();
        open("admin/audit");
        fullScreenshot("admin-audit-390");
    }

    /**
     * How many cells of the grid hold an ISO date ({@code 2026-02-10}, possibly with a time); fails if one of them
     * is cut off (its text wider than its cell) or if a cell holds a date in another form.
     */
    private long isoDatesWhole(String gridId) {
        @SuppressWarnings("unchecked")
        List<List<Object>> cells = (List<List<Object>>) ((JavascriptExecutor) driver).executeScript("""
                const grid = document.getElementById(arguments[0]);
                return Array.from(grid.querySelectorAll('vaadin-grid-cell-content'))
                    .filter(c => c.offsetParent !== null)
                    .map(c => [c.textContent.trim(), c.scrollWidth, c.clientWidth]);""", gridId);
        long dates = 0;
        for (List<Object> cell : cells) {
            String text = (String) cell.get(0);
            assertThat(text).as("no US-style date").doesNotMatch(".*\\b\\d{1,2}/\\d{1,2}/\\d{2,4}\\b.*")
                    .doesNotMatch(".*\\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{1,2}, \\d{4}.*");
            if (text.matches("\\d{4}-\\d\\d-\\d\\d( \\d\\d:\\d\\d(:\\d\\d)?)?")) {
                dates++;
                assertThat(((Number) cell.get(1)).intValue()).as("'%s' is cut off", text)
                        .isLessThanOrEqualTo(((Number) cell.get(2)).intValue());
            }
        }
        return dates;
    }
}
