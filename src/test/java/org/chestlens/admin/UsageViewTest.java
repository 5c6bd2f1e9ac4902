package org.chestlens.admin;

import static com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.MockAccessDeniedException;
import com.vaadin.flow.component.Svg;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.NativeDetails;
import com.vaadin.flow.component.html.NativeTableRow;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.RouterLink;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class UsageViewTest extends KaribuTest {

    @Autowired
    AccountService accounts;
    @Autowired
    AnalysisService analyses;
    @Autowired
    UsageStatistics statistics;

    @Test
    void adminSeesTheNumbersOfTheLastSevenDays() {
        Account admin = signInAsAdmin();
        UsageReport.Volume before = statistics.report(UsagePeriod.LAST_7_DAYS).volume();
        // The real pipeline (tiny test models): an anonymous chest X-ray and the admin's own colour photo.
        analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(300, 260, 11)), "chest.png"));
        analyses.analyse(AnalysisRequest.of(TestImages.jpeg(TestImages.colourPattern(400, 300)), "photo.jpg")
                .withOwner(admin.getId()));

        UI.getCurrent().navigate(UsageView.class);
        UsageView view = _get(UsageView.class);
        _setValue(view.period, UsagePeriod.LAST_7_DAYS);

        UsageReport.Volume volume = view.report.volume();
        assertThat(volume.total()).isEqualTo(before.total() + 2);
        assertThat(volume.rejected()).isEqualTo(before.rejected() + 1);
        assertThat(volume.anonymous()).isEqualTo(before.anonymous() + 1);
        assertThat(volume.registered()).isEqualTo(before.registered() + 1);
        assertThat(statValue("stat-analyses")).isEqualTo(UsageView.number(volume.total()));
        assertThat(statValue("stat-rejection-rate")).isEqualTo(org.chestlens.ui.Numbers.rate(volume.rejectionRate()));
        assertThat(statValue("stat-latency")).endsWith("ms");
        assertThat(statValue("stat-accounts")).isEqualTo(UsageView.number(view.report.accounts().total()));

        // One bar per day with its numbers as a tooltip, and the same numbers as a table (header + 7 days).
        String svg = _get(Svg.class, spec -> spec.withId("usage-chart")).getElement().getProperty("innerHTML");
        assertThat(svg).contains("role='img'", "aria-label='Analyses per day",
                "<title>" + LocalDate.now());
        assertThat(svg.split("<g class='bucket'>")).hasSize(8);
        assertThat(_find(_get(NativeDetails.class, spec -> spec.withId("usage-table")), NativeTableRow.class)).hasSize(8);

        assertThat(rows("usage-findings")).hasSize(4).anySatisfy(row -> assertThat(row).contains("Pneumonia"));
        assertThat(cells("usage-rejection-grid", "reason"))
                .anySatisfy(cell -> assertThat(cell).contains("This looks like a colour image", "rule input.saturation"));
        assertThat(cells("usage-models", "release")).anySatisfy(cell -> assertThat(cell).contains("chestlens-test"));
        assertThat(_get(RouterLink.class, spec -> spec.withId("audit-link")).getHref()).isEqualTo("admin/audit");

        _setValue(view.period, UsagePeriod.ALL_TIME);
        assertThat(view.report.volume().total()).isGreaterThanOrEqualTo(volume.total());
    }

    @Test
    void aPeriodWithoutAnalysesShowsTheEmptyStateAndStillTheAccounts() {
        signInAsAdmin();
        UI.getCurrent().navigate(UsageView.class);
        UsageView view = _get(UsageView.class);
        LocalDate quiet = LocalDate.of(1975, 3, 1);
        view.show(statistics.report(Optional.of(quiet), quiet.plusDays(6), ZoneOffset.UTC));

        _get(Div.class, spec -> spec.withId("usage-empty"));
        _assertNone(Svg.class);
        _assertNone(Grid.class);
        _assertNone(Div.class, spec -> spec.withId("stat-analyses"));
        assertThat(statValue("stat-accounts")).isNotBlank();
    }

    @Test
    void cliniciansAreRefused() {
        Account clinician = accounts.register(TestAccounts.uniqueEmail("usage-clinician"), "Clinician", TestAccounts.PASSWORD);
        signIn(clinician.getId(), clinician.getEmail(), "Clinician", false);
        assertThatThrownBy(() -> UI.getCurrent().navigate("admin/usage")).isInstanceOf(MockAccessDeniedException.class);
        _assertNone(UsageView.class);
    }

    private Account signInAsAdmin() {
        Account admin = accounts.register(TestAccounts.uniqueEmail("usage-admin"), "Usage Admin", TestAccounts.PASSWORD);
        accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        signIn(admin.getId(), admin.getEmail(), "Usage Admin", true);
        return admin;
    }

    private static String statValue(String id) {
        return _get(_get(Div.class, spec -> spec.withId(id)), Span.class, spec -> spec.withClasses("cl-stat-value")).getText();
    }

    /** The text of a component column's cells (Karibu creates them on request). */
    @SuppressWarnings("unchecked")
    private static List<String> cells(String gridId, String columnKey) {
        Grid<Object> grid = _get(Grid.class, spec -> spec.withId(gridId));
        return IntStream.range(0, _size(grid))
                .mapToObj(i -> GridKt._getCellComponent(grid, i, columnKey).getElement().getTextRecursively()).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> rows(String gridId) {
        Grid<Object> grid = _get(Grid.class, spec -> spec.withId(gridId));
        List<String> rows = new ArrayList<>();
        IntStream.range(0, _size(grid)).forEach(i -> rows.add(String.join(" | ", _getFormattedRow(grid, i))));
        return rows;
    }
}
