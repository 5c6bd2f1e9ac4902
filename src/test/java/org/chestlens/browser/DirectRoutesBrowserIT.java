package org.chestlens.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.router.RouteConfiguration;
import com.vaadin.flow.router.RouteData;
import com.vaadin.flow.router.RouteParameterData;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.server.VaadinServletContext;
import com.vaadin.flow.server.startup.ApplicationRouteRegistry;
import jakarta.servlet.ServletContext;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.batches.BatchService;
import org.chestlens.imaging.TestImages;
import org.chestlens.patients.Patient;
import org.chestlens.patients.PatientDetails;
import org.chestlens.patients.PatientService;
import org.chestlens.security.ChestLensPrincipal;
import org.chestlens.security.Roles;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * Every route, opened by typing its address and then reloaded, in a fresh browser for each kind of
 * visitor (anonymous, clinician, administrator): no element named {@code vaadin-*} may stay an
 * undefined custom element. The production bundle loads a component's code with the route whose
 * Java code visibly creates it; a component another feature contributes to a page (a section of the
 * result or profile page) was missing there until some other page had loaded it.
 *
 * <p>The routes come from Vaadin's route registry at test time, so a new route is covered without
 * editing this test; a route parameter is filled with ids of real data created here (see
 * {@link #parameterValues}), and a route with a parameter this test cannot fill fails loudly.
 */
class DirectRoutesBrowserIT extends JourneyTest {

    /** Plain wrapper elements Vaadin components create themselves and never register as custom elements. */
    private static final List<String> NEVER_REGISTERED = List.of("vaadin-grid-cell-content");

    @Autowired
    ServletContext servletContext;
    @Autowired
    AccountService accounts;
    @Autowired
    AnalysisService analyses;
    @Autowired
    PatientService patients;
    @Autowired
    SecurityContextHolderStrategy securityContexts;
    @Autowired
    BatchService batches;

    @Test
    void everyRouteIsWholeForAnAnonymousVisitor() {
        AnalysisResult anonymous = analyses.analyse(AnalysisRequest.of(chest(41), "anonymous.png"));
        AnalysisResult rejected = analyses.analyse(AnalysisRequest.of(TestImages.jpeg(TestImages.colourPattern(400, 300)), "photo.jpg"));
        assertEveryRouteWhole("anonymous", Map.of(
                "publicId", List.of(anonymous.publicId(), rejected.publicId()),
                "patientId", List.of("1"),
                "batchId", List.of("no-such-batch")));
    }

    @Test
    void everyRouteIsWholeForAClinician() {
        String email = TestAccounts.uniqueEmail("routes-clinician");
        Account clinician = accounts.register(email, "Dr Routes", TestAccounts.PASSWORD);
        assertEveryRouteWhole("clinician", ownData(clinician, false));
    }

    @Test
    void everyRouteIsWholeForAnAdministrator() {
        String email = TestAccounts.uniqueEmail("routes-admin");
        Account admin = accounts.register(email, "Routes Admin", TestAccounts.PASSWORD);
        accounts.ensureAdmin(email, TestAccounts.PASSWORD);
        assertEveryRouteWhole("admin", ownData(admin, true));
    }

    /**
     * Data that makes every page show all it can for this account: an analysis not yet filed under a
     * patient (the result page then offers a patient combo box, a date picker and feedback), one filed under
     * a patient, one the gate refused, an anonymous one (not theirs), and the patient. Signs in through the
     * login form at the end.
     */
    private Map<String, List<String>> ownData(Account account, boolean admin) {
        AnalysisResult unfiled = analyses.analyse(AnalysisRequest.of(chest(42), "unfiled.png").withOwner(account.getId()));
        AnalysisResult rejected = analyses.analyse(AnalysisRequest.of(TestImages.jpeg(TestImages.colourPattern(400, 300)),
                "photo.jpg").withOwner(account.getId()));
        AnalysisResult anonymous = analyses.analyse(AnalysisRequest.of(chest(43), "anonymous.png"));
        List<String> patientAndStudy = asUser(account, admin, () -> {
            Patient patient = patients.create(new PatientDetails("R-" + account.getId(), "Route Patient", 1960, null, null));
            patients.analyseStudy(patient.getId(), AnalysisRequest.of(chest(44), "study.png"), LocalDate.now().minusDays(3), "baseline");
            AnalysisResult study = patients.analyseStudy(patient.getId(), AnalysisRequest.of(chest(45), "study.png"),
                    LocalDate.now(), "follow-up");
            String batch;
            try {
                batch = batches.create(List.of(BatchService.Source.of("batch.png", chest(46)),
                        BatchService.Source.of("notes.txt", "not an X-ray".getBytes())), java.util.Optional.empty(),
                        AnalysisRequest.Channel.UI);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return List.of(String.valueOf(patient.getId()), study.publicId(), batch);
        });
        signIn(account.getEmail());
        return Map.of(
                "publicId", List.of(unfiled.publicId(), patientAndStudy.get(1), rejected.publicId(), anonymous.publicId()),
                "patientId", List.of(patientAndStudy.get(0)),
                "batchId", List.of(patientAndStudy.get(2)));
    }

    private void assertEveryRouteWhole(String visitor, Map<String, List<String>> parameterValues) {
        List<String> addresses = addresses(parameterValues);
        assertThat(addresses).as("routes found in Vaadin's registry").hasSizeGreaterThan(5);
        List<String> problems = new ArrayList<>();
        for (String address : addresses) {
            newDocument(() -> driver.get("http://localhost:" + port + "/" + address));
            undefinedElements().ifPresent(tags -> problems.add(visitor + " /" + address + " (typed): " + tags));
            newDocument(() -> driver.navigate().refresh());
            undefinedElements().ifPresent(tags -> problems.add(visitor + " /" + address + " (reloaded): " + tags));
        }
        assertThat(problems).as("pages with vaadin-* elements that are not defined custom elements").isEmpty();
    }

    /** Every registered route as an address, once for each combination of test values of its parameters. */
    private List<String> addresses(Map<String, List<String>> parameterValues) {
        ApplicationRouteRegistry registry = ApplicationRouteRegistry.getInstance(new VaadinServletContext(servletContext));
        RouteConfiguration routes = RouteConfiguration.forRegistry(registry);
        List<String> addresses = new ArrayList<>();
        for (RouteData route : registry.getRegisteredRoutes()) {
            List<Map<String, String>> combinations = List.of(new LinkedHashMap<>());
            for (Map.Entry<String, RouteParameterData> parameter : route.getRouteParameters().entrySet()) {
                String name = parameter.getKey();
                List<String> values = parameterValues.get(name);
                if (values == null) {
                    String template = parameter.getValue().getTemplate();
                    assertThat(template.endsWith("?") || template.endsWith("*"))
                            .as("route %s has the parameter '%s': give this test real values for it in ownData()",
                                    route.getTemplate(), name)
                            .isTrue();
                    continue;
                }
                List<Map<String, String>> extended = new ArrayList<>();
                for (Map<String, String> combination : combinations) {
                    for (String value : values) {
                        Map<String, String> next = new LinkedHashMap<>(combination);
                        next.put(name, value);
                        extended.add(next);
                    }
                }
                combinations = extended;
            }
            Class<? extends Component> target = route.getNavigationTarget();
            for (Map<String, String> combination : combinations) {
                addresses.add(routes.getUrl(target, new RouteParameters(combination)));
            }
        }
        return addresses;
    }

    /**
     * Navigates and waits until a new document has replaced the old one and Vaadin has rendered it: checking the
     * old document, or the new one before Vaadin has drawn the view, would find nothing undefined and pass.
     */
    private void newDocument(Runnable navigation) {
        ((JavascriptExecutor) driver).executeScript("window.chestlensOldDocument = true;");
        navigation.run();
        wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return window.chestlensOldDocument === undefined;")));
        waitForVaadin();
    }

    /**
     * The names of {@code vaadin-*} elements on the page (light DOM and shadow roots) that are not defined
     * custom elements, after giving a lazily loaded bundle chunk time to arrive; empty when all are defined.
     */
    private Optional<List<String>> undefinedElements() {
        try {
            new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> undefinedTags().filter(List::isEmpty).isPresent());
            return Optional.empty();
        } catch (TimeoutException stillUndefined) {
            return undefinedTags().or(() -> Optional.of(List.of("(Vaadin did not finish rendering the page)")));
        }
    }

    /** The undefined tags, or empty while Vaadin is still busy with the page (then nothing can be concluded yet). */
    @SuppressWarnings("unchecked")
    private Optional<List<String>> undefinedTags() {
        return Optional.ofNullable((List<String>) ((JavascriptExecutor) driver).executeScript("""
                const ignored = arguments[0];
                const clients = window.Vaadin && window.Vaadin.Flow && window.Vaadin.Flow.clients;
                if (!clients || Object.keys(clients).length === 0
                        || Object.values(clients).some(c => c.isActive())) {
                    return null;
                }
                const found = new Set();
                const visit = root => root.querySelectorAll('*').forEach(e => {
                    const tag = e.localName;
                    if (tag.startsWith('vaadin-') && !customElements.get(tag) && !ignored.includes(tag)) {
                        found.add(tag);
                    }
                    if (e.shadowRoot) {
                        visit(e.shadowRoot);
                    }
                });
                visit(document);
                return Array.from(found).sort();""", NEVER_REGISTERED));
    }

    /** Runs service code as the given account, as a signed-in request would. */
    private <T> T asUser(Account account, boolean admin, java.util.function.Supplier<T> work) {
        List<SimpleGrantedAuthority> authorities = new ArrayList<>();
        authorities.add(new SimpleGrantedAuthority("ROLE_" + Roles.CLINICIAN));
        if (admin) {
            authorities.add(new SimpleGrantedAuthority("ROLE_" + Roles.ADMIN));
        }
        ChestLensPrincipal principal = new ChestLensPrincipal(account.getId(), account.getEmail(), account.getDisplayName(),
                "", true, authorities);
        securityContexts.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities));
        try {
            return work.get();
        } finally {
            securityContexts.clearContext();
        }
    }

    private static byte[] chest(long seed) {
        return TestImages.png(TestImages.phantomChest(600, 540, seed));
    }
}
