package org.chestlens.patients;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.component.textfield.TextField;
import java.util.UUID;
import org.chestlens.KaribuTest;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class PatientViewsTest extends KaribuTest {

    static final String PASSWORD = "a long enough passphrase 42";

    @Autowired
    AccountService accountService;
    @Autowired
    PatientService patientService;

    Account alice;
    Account bob;

    @BeforeEach
    void twoClinicians() {
        alice = accountService.register("alice-" + UUID.randomUUID() + "@example.org", "Dr Alice", PASSWORD);
        bob = accountService.register("bob-" + UUID.randomUUID() + "@example.org", "Dr Bob", PASSWORD);
    }

    @Test
    void anonymousVisitorsAreSentToSignInAndSeeNoMenuEntry() {
        UI.getCurrent().navigate("patients");
        // Vaadin's access control sends anonymous visitors to the login page instead of the view.
        assertThat(_find(PatientListView.class)).isEmpty();
        assertThat(_find(SideNavItem.class)).extracting(SideNavItem::getLabel).doesNotContain("My patients");
    }

    @Test
    void clinicianCreatesPatientFromTheEmptyList() {
        signInAs(alice);
        assertThat(_find(SideNavItem.class)).extracting(SideNavItem::getLabel).contains("My patients");
        UI.getCurrent().navigate(PatientListView.class);
        assertThat(_get(Paragraph.class, spec -> spec.withId("patient-count")).getText()).isEqualTo("0 patients");
        assertThat(_get(com.vaadin.flow.component.html.Div.class, spec -> spec.withId("patients-empty")).isVisible()).isTrue();

        _click(_get(Button.class, spec -> spec.withId("new-patient")));
        PatientEditor editor = _get(PatientEditor.class);
        _click(editor.save);
        assertThat(editor.reference.isInvalid()).isTrue();
        assertThat(editor.reference.getErrorMessage()).contains("Enter a reference");

        _setValue(editor.reference, "P-0042");
        _setValue(editor.name, "Jane Roe");
        _setValue(editor.birthYear, "12");
        _click(editor.save);
        assertThat(editor.birthYear.getErrorMessage()).contains("four digits");

        _setValue(editor.birthYear, "1958");
        _setValue(editor.sex, Sex.FEMALE);
        _setValue(editor.notes, "Smoker, COPD");
        _click(editor.save);

        NotificationsKt.expectNotifications("Patient P-0042 created.");
        PatientView view = _get(PatientView.class);
        assertThat(_get(view, H1.class, spec -> spec.withId("patient-title")).getText()).isEqualTo("P-0042 (Jane Roe)");
        assertThat(_get(com.vaadin.flow.component.html.Div.class, spec -> spec.withId("patient-facts")).getElement().getTextRecursively())
                .contains("1958", "Female", "Smoker, COPD");
    }

    @Test
    void listSearchesAndShowsOnlyOwnPatients() {
        signInAs(bob);
        patientService.create(new PatientDetails("BOB-SECRET", "Bob's patient", null, null, null));
        signInAs(alice);
        for (int i = 1; i <= 30; i++) {
            patientService.create(new PatientDetails(String.format("A-%03d", i), i == 7 ? "Seven Smith" : null, 1950 + i, null, null));
        }
        UI.getCurrent().navigate(PatientListView.class);
        Grid<PatientOverview> grid = _get(PatientListView.class).grid;
        assertThat(GridKt._size(grid)).isEqualTo(30);
        // Most recently active first (here: created last).
        assertThat(GridKt._get(grid, 0).patient().getReference()).isEqualTo("A-030");
        assertThat(GridKt._fetch(grid, 0, 30)).extracting(o -> o.patient().getReference()).doesNotContain("BOB-SECRET");
        assertThat(_get(Paragraph.class, spec -> spec.withId("patient-count")).getText()).isEqualTo("30 patients, most recently active first");

        _setValue(_get(TextField.class, spec -> spec.withId("patient-search")), "smith");
        assertThat(GridKt._size(grid)).isEqualTo(1);
        assertThat(GridKt._get(grid, 0).patient().getReference()).isEqualTo("A-007");
        assertThat(_get(Paragraph.class, spec -> spec.withId("patient-count")).getText())
                .isEqualTo("1 of 30 patients match \"smith\"");
        assertThat(GridKt._getFormatted(grid, 0, "lastStudy")).isEqualTo("No studies yet");

        _setValue(_get(TextField.class, spec -> spec.withId("patient-search")), "bob");
        assertThat(grid.isVisible()).isFalse();
        assertThat(_get(com.vaadin.flow.component.html.Div.class, spec -> spec.withId("patients-empty")).getElement().getTextRecursively())
                .contains("No patient's reference or name contains \"bob\"");
    }

    @Test
    void compactLayoutHidesDetailColumnsOnPhones() {
        signInAs(alice);
        UI.getCurrent().navigate(PatientListView.class);
        PatientListView view = _get(PatientListView.class);
        view.compact(true);
        assertThat(view.grid.getColumnByKey("name").isVisible()).isFalse();
        assertThat(view.grid.getColumnByKey("lastStudy").isVisible()).isTrue();
        assertThat(view.grid.getColumnByKey("actions").isVisible()).isFalse();
        view.compact(false);
        assertThat(view.grid.getColumnByKey("name").isVisible()).isTrue();
    }

    @Test
    void editAndDeleteFromTheListWithConfirmation() {
        signInAs(alice);
        Patient patient = patientService.create(new PatientDetails("E-1", null, null, null, null));
        patientService.create(new PatientDetails("E-2", null, null, null, null));
        UI.getCurrent().navigate(PatientListView.class);
        Grid<PatientOverview> grid = _get(PatientListView.class).grid;

        // E-2 was created last, so E-1 is the second row.
        _click((Button) _get(GridKt._getCellComponent(grid, 1, "actions"), Button.class,
                spec -> spec.withId("edit-patient-" + patient.getId())));
        PatientEditor editor = _get(PatientEditor.class);
        _setValue(editor.reference, "e-2");
        _click(editor.save);
        assertThat(editor.reference.getErrorMessage()).contains("already have a patient");
        _setValue(editor.reference, "E-1b");
        _click(editor.save);
        NotificationsKt.expectNotifications("Patient E-1b saved.");
        assertThat(GridKt._get(grid, 0).patient().getReference()).isEqualTo("E-1b");

        _click((Button) _get(GridKt._getCellComponent(grid, 0, "actions"), Button.class,
                spec -> spec.withId("delete-patient-" + patient.getId())));
        ConfirmDialog dialog = _get(ConfirmDialog.class);
        assertThat(ConfirmDialogKt.getHeader(dialog)).isEqualTo("Delete patient E-1b?");
        ConfirmDialogKt._fireCancel(dialog);
        assertThat(patientService.find(patient.getId())).isPresent();

        _click((Button) _get(GridKt._getCellComponent(grid, 0, "actions"), Button.class,
                spec -> spec.withId("delete-patient-" + patient.getId())));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        assertThat(patientService.find(patient.getId())).isEmpty();
        assertThat(GridKt._size(grid)).isEqualTo(1);
        assertThat(_get(Paragraph.class, spec -> spec.withId("patient-count")).getText()).isEqualTo("1 patient");
    }

    @Test
    void deleteFromThePatientViewReturnsToTheList() {
        signInAs(alice);
        Patient patient = patientService.create(new PatientDetails("D-1", null, null, null, null));
        UI.getCurrent().navigate("patients/" + patient.getId());
        _click(_get(Button.class, spec -> spec.withId("delete-patient")));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        _get(PatientListView.class);
        assertThat(patientService.find(patient.getId())).isEmpty();
    }

    @Test
    void anotherCliniciansPatientIsNotFoundByDirectUrl() {
        signInAs(alice);
        Patient alices = patientService.create(new PatientDetails("PRIVATE-1", "Very Private", 1960, Sex.MALE, "secret note"));
        UI.getCurrent().navigate("patients/" + alices.getId());
        assertThat(_get(H1.class, spec -> spec.withId("patient-title")).getText()).contains("PRIVATE-1");

        signInAs(bob);
        UI.getCurrent().navigate("patients/" + alices.getId());
        _get(Paragraph.class, spec -> spec.withId("patient-not-found"));
        assertThat(_find(H1.class, spec -> spec.withId("patient-title"))).isEmpty();
        assertThat(UI.getCurrent().getElement().getTextRecursively()).doesNotContain("PRIVATE-1", "Very Private", "secret note");
        assertThat(_find(Button.class, spec -> spec.withId("edit-patient"))).isEmpty();

        // An id that exists nowhere looks exactly the same.
        UI.getCurrent().navigate("patients/999999999");
        _get(Paragraph.class, spec -> spec.withId("patient-not-found"));
    }

    private void signInAs(Account account) {
        signIn(account.getId(), account.getEmail(), account.getDisplayName(), false);
    }
}
