package org.chestlens.admin;

import static com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.imaging.TestImages;
import org.chestlens.patients.Patient;
import org.chestlens.patients.PatientDetails;
import org.chestlens.patients.PatientService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

class AuditViewTest extends KaribuTest {

    @Autowired
    AccountService accounts;
    @Autowired
    PatientService patients;
    @Autowired
    AnalysisService analyses;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void adminSeesAccountEventsWithReadableNamesFilteredByUser() {
        Account someone = accounts.register(TestAccounts.uniqueEmail("audited"), "Audited", TestAccounts.PASSWORD);
        accounts.changePassword(someone.getId(), TestAccounts.PASSWORD, "fresh granite meadow");
        AuditView view = openAsAdmin();

        _setValue(view.user, someone.getEmail());
        assertThat(_size(view.grid)).isEqualTo(2);
        assertThat(_getFormattedRow(view.grid, 0)).contains("Password changed", someone.getEmail())
                .doesNotContain("PASSWORD_CHANGED");
        assertThat(_getFormattedRow(view.grid, 1)).contains("Account registered");
        assertThat(_getFormattedRow(view.grid, 0).get(0)).as("ISO date and time").matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    }

    @Test
    void viewingAPatientAndAResultIsRecordedWithWhoViewedIt() {
        Account clinician = accounts.register(TestAccounts.uniqueEmail("viewer"), "Viewer", TestAccounts.PASSWORD);
        signIn(clinician.getId(), clinician.getEmail(), "Viewer", false);
        Patient patient = patients.create(new PatientDetails("AUD-1", null, null, null, null));
        AnalysisResult study = patients.analyseStudy(patient.getId(),
                AnalysisRequest.of(TestImages.png(TestImages.phantomChest(300, 260, 7)), "study.png"), LocalDate.now(), null);
        AnalysisResult unfiled = analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(300, 260, 8)),
                "unfiled.png").withOwner(clinician.getId()));
        UI.getCurrent().navigate("patients/" + patient.getId());
        UI.getCurrent().navigate("analysis/" + study.publicId());
        UI.getCurrent().navigate("analysis/" + unfiled.publicId());
        // Someone else's patient is "not found" and no view of it is recorded.
        UI.getCurrent().navigate("patients/" + (patient.getId() + 100_000));
        signOut();

        AuditView view = openAsAdmin();
        _setValue(view.user, clinician.getEmail());
        _setValue(view.detail, "patient " + patient.getId());
        assertThat(_size(view.grid)).isEqualTo(3);
        assertThat(_getFormattedRow(view.grid, 0)).contains("Result viewed", clinician.getEmail(),
                "result " + study.publicId().substring(0, 8) + "\u2026 of patient " + patient.getId());
        assertThat(_getFormattedRow(view.grid, 1)).contains("Patient viewed", "patient " + patient.getId());
        assertThat(_getFormattedRow(view.grid, 2)).contains("Patient created");

        _setValue(view.detail, "");
        _setValue(view.action, "RESULT_VIEWED");
        assertThat(_size(view.grid)).isEqualTo(2);
        assertThat(_getFormattedRow(view.grid, 0).get(3)).as("never the whole id: it is the link")
                .isEqualTo("result " + unfiled.publicId().substring(0, 8) + "\u2026")
                .doesNotContain(unfiled.publicId());
    }

    @Test
    void filtersByDays() {
        Account someone = accounts.register(TestAccounts.uniqueEmail("dated"), "Dated", TestAccounts.PASSWORD);
        ZoneId zone = ZoneId.systemDefault();
        for (LocalDate day : new LocalDate[] {LocalDate.of(2024, 3, 1), LocalDate.of(2024, 3, 2), LocalDate.of(2024, 3, 3)}) {
            jdbc.update("insert into audit_event (occurred_at, actor_id, actor_email, action, detail) values (?, ?, ?, ?, ?)",
                    Timestamp.from(day.atTime(23, 59).atZone(zone).toInstant()), someone.getId(), someone.getEmail(),
                    "LOGIN", "on " + day);
        }
        AuditView view = openAsAdmin();
        _setValue(view.user, someone.getEmail());
        _setValue(view.action, "LOGIN");
        assertThat(_size(view.grid)).isEqualTo(3);

        _setValue(view.from, LocalDate.of(2024, 3, 2));
        assertThat(_size(view.grid)).isEqualTo(2);
        _setValue(view.to, LocalDate.of(2024, 3, 2));
        assertThat(_size(view.grid)).isEqualTo(1);
        assertThat(_getFormattedRow(view.grid, 0)).contains("2024-03-02 23:59:00", "Signed in", "on 2024-03-02");
    }

    private AuditView openAsAdmin() {
        Account admin = accounts.register(TestAccounts.uniqueEmail("auditor"), "Auditor", TestAccounts.PASSWORD);
        accounts.ensureAdmin(admin.getEmail(), TestAccounts.PASSWORD);
        signIn(admin.getId(), admin.getEmail(), "Auditor", true);
        UI.getCurrent().navigate(AuditView.class);
        return _get(AuditView.class);
    }

}
