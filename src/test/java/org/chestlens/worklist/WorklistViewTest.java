package org.chestlens.worklist;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.RouterLink;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.ResultView;
import org.chestlens.patients.Patient;
import org.chestlens.patients.PatientDetails;
import org.chestlens.patients.PatientService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The /worklist page driven by Karibu: order, columns, filters, opening a study, feedback takes it off. */
class WorklistViewTest extends KaribuTest {

    @Autowired
    AccountService accounts;
    @Autowired
    PatientService patients;
    @Autowired
    AnalysisService analyses;
    @Autowired
    JdbcTemplate jdbc;

    WorklistStudies studies;
    Account alice;

    @BeforeEach
    void clinician() {
        studies = new WorklistStudies(analyses, jdbc);
        alice = accounts.register(TestAccounts.uniqueEmail("wlv-alice"), "Dr Alice", TestAccounts.PASSWORD);
    }

    private String text(String id) {
        return _get(Paragraph.class, spec -> spec.withId(id)).getText();
    }

    @Test
    void anonymousVisitorsAreSentToSignInAndSeeNoMenuEntry() {
        UI.getCurrent().navigate("worklist");
        assertThat(_find(WorklistView.class)).isEmpty();
        assertThat(_find(SideNavItem.class)).extracting(SideNavItem::getLabel).doesNotContain("Worklist");
    }

    @Test
    void mostUrgentFirstFilteredOpenedAndTakenOffByFeedback() {
        signIn(alice.getId(), alice.getEmail(), alice.getDisplayName(), false);
        assertThat(_find(SideNavItem.class)).extracting(SideNavItem::getLabel).contains("Worklist");
        Patient patient = patients.create(new PatientDetails("WLV-1", null, null, null, null));
        String calm = studies.study(alice.getId(), null, null, Map.of(), 12.4);
        String effusion = studies.study(alice.getId(), patient.getId(), LocalDate.of(2026, 2, 10),
                Map.of("effusion", 0.78, "pneumonia", 0.50), 97);
        String unusual = studies.study(alice.getId(), null, LocalDate.of(2026, 1, 5), Map.of(), 88);

        UI.getCurrent().navigate(WorklistView.class);
        WorklistView view = _get(WorklistView.class);
        var grid = view.grid;
        assertThat(text("worklist-count")).isEqualTo("3 studies waiting for review, most urgent first");
        assertThat(GridKt._fetch(grid, 0, 10)).extracting(WorklistEntry::publicId).containsExactly(effusion, unusual, calm);
        assertThat(GridKt._getFormatted(grid, 0, "date")).isEqualTo("2026-02-10");
        assertThat(GridKt._getFormatted(grid, 0, "anomaly")).isEqualTo("97%");
        assertThat(GridKt._getFormatted(grid, 2, "anomaly")).isEqualTo("12%");
        assertThat(GridKt._getFormatted(grid, 2, "date")).endsWith("(analysed)");
        // Effusion 0.78 is 1.5x its threshold, Pneumonia 0.50 1.1x: both shown, the more urgent first.
        assertThat(GridKt._getCellComponent(grid, 0, "findings").getElement().getTextRecursively())
                .isEqualTo("Effusion 78%Pneumonia 50%");
        assertThat(GridKt._getCellComponent(grid, 0, "patient").getElement().getTextRecursively()).startsWith("WLV-1");
        assertThat(GridKt._getCellComponent(grid, 1, "findings").getElement().getTextRecursively())
                .isEqualTo("None above threshold");
        assertThat(((RouterLink) GridKt._getCellComponent(grid, 0, "open")).getHref()).isEqualTo("analysis/" + effusion);
        // Phone width: date and anomaly move under the patient.
        view.compact(true);
        assertThat(grid.getColumnByKey("date").isVisible()).isFalse();
        assertThat(grid.getColumnByKey("anomaly").isVisible()).isFalse();
        assertThat(GridKt._getCellComponent(grid, 0, "patient").getElement().getTextRecursively())
                .endsWith("2026-02-10 · anomaly 97%");
        view.compact(false);

        // Filters: positive for Pneumonia; then a date range that only the January study falls in.
        _setValue(view.finding, view.finding.getListDataView().getItems()
                .filter(f -> f.code().equals("pneumonia")).findFirst().orElseThrow());
        assertThat(GridKt._fetch(grid, 0, 10)).extracting(WorklistEntry::publicId).containsExactly(effusion);
        assertThat(text("worklist-count")).isEqualTo("1 study matches these filters");
        _setValue(view.finding, null);
        _setValue(view.from, LocalDate.of(2026, 1, 1));
        _setValue(view.to, LocalDate.of(2026, 1, 31));
        assertThat(GridKt._fetch(grid, 0, 10)).extracting(WorklistEntry::publicId).containsExactly(unusual);
        _setValue(view.from, LocalDate.of(2025, 1, 1));
        _setValue(view.to, LocalDate.of(2025, 1, 31));
        assertThat(grid.isVisible()).isFalse();
        assertThat(_get(Div.class, spec -> spec.withId("worklist-empty")).getElement().getTextRecursively())
                .isEqualTo("No study waiting for review matches these filters.");

        // A row opens the result page; a note there is feedback, and the study leaves the list.
        _setValue(view.from, null);
        _setValue(view.to, null);
        GridKt._clickItem(grid, 0);
        assertThat(_get(ResultView.class)).isNotNull();
        _setValue(_get(TextArea.class, spec -> spec.withId("feedback-note")), "Effusion seen, follow up");
        _click(_get(Button.class, spec -> spec.withId("save-feedback")));
        UI.getCurrent().navigate(WorklistView.class);
        assertThat(GridKt._fetch(_get(WorklistView.class).grid, 0, 10)).extracting(WorklistEntry::publicId)
                .containsExactly(unusual, calm);
        assertThat(text("worklist-count")).isEqualTo("2 studies waiting for review, most urgent first");
    }

    @Test
    void anotherClinicianSeesAnEmptyList() {
        studies.study(alice.getId(), null, null, Map.of("pneumonia", 0.9), 50);
        Account bob = accounts.register(TestAccounts.uniqueEmail("wlv-bob"), "Dr Bob", TestAccounts.PASSWORD);
        signIn(bob.getId(), bob.getEmail(), bob.getDisplayName(), false);
        UI.getCurrent().navigate(WorklistView.class);
        WorklistView view = _get(WorklistView.class);
        assertThat(view.grid.isVisible()).isFalse();
        assertThat(view.empty.getElement().getTextRecursively())
                .isEqualTo("No studies are waiting for review: every analysed study has your feedback.");
        assertThat(List.of(text("worklist-count"))).containsExactly("");
    }
}
