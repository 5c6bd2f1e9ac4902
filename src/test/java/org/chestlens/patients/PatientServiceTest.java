package org.chestlens.patients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.chestlens.KaribuTest;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

class PatientServiceTest extends KaribuTest {

    @Autowired
    AccountService accountService;
    @Autowired
    PatientService patientService;

    Account alice;
    Account bob;

    @BeforeEach
    void twoClinicians() {
        alice = register("Alice");
        bob = register("Bob");
    }

    @Test
    void createsTrimmedPatientAndFindsItBySearch() {
        signInAs(alice);
        Patient created = patientService.create(new PatientDetails("  P-0001 ", " Jane Roe ", 1958, Sex.FEMALE, "  "));
        assertThat(created.getReference()).isEqualTo("P-0001");
        assertThat(created.getName()).contains("Jane Roe");
        assertThat(created.getNotes()).isEmpty();
        patientService.create(new PatientDetails("P-0002", null, null, null, null));

        assertThat(patientService.search("roe", PageRequest.of(0, 10)).getContent())
                .extracting(Patient::getReference).containsExactly("P-0001");
        assertThat(patientService.search("p-000", PageRequest.of(0, 10, Sort.by("reference"))).getContent())
                .extracting(Patient::getReference).containsExactly("P-0001", "P-0002");
        assertThat(patientService.count()).isEqualTo(2);
    }

    @Test
    void searchTreatsWildcardsLiterally() {
        signInAs(alice);
        patientService.create(new PatientDetails("A_1", null, null, null, null));
        patientService.create(new PatientDetails("AB1", null, null, null, null));
        patientService.create(new PatientDetails("100%", null, null, null, null));
        assertThat(patientService.search("a_", PageRequest.of(0, 10)).getContent())
                .extracting(Patient::getReference).containsExactly("A_1");
        assertThat(patientService.search("%", PageRequest.of(0, 10)).getContent())
                .extracting(Patient::getReference).containsExactly("100%");
    }

    @Test
    void refusesDuplicateReferenceWhateverTheCaseButAllowsItForAnotherClinician() {
        signInAs(alice);
        Patient first = patientService.create(new PatientDetails("ward-7", null, null, null, null));
        assertThatThrownBy(() -> patientService.create(new PatientDetails("WARD-7", null, null, null, null)))
                .isInstanceOf(PatientException.class).hasMessageContaining("already have a patient")
                .extracting("field").isEqualTo("reference");
        // Saving a patient under its own reference is not a duplicate.
        patientService.update(first.getId(), new PatientDetails("Ward-7", "Renamed", null, null, null));

        signInAs(bob);
        assertThat(patientService.create(new PatientDetails("ward-7", null, null, null, null)).getId())
                .isNotEqualTo(first.getId());
    }

    @Test
    void validatesEveryField() {
        signInAs(alice);
        assertField(new PatientDetails("  ", null, null, null, null), "reference");
        assertField(new PatientDetails("x".repeat(65), null, null, null, null), "reference");
        assertField(new PatientDetails("a\tb", null, null, null, null), "reference");
        assertField(new PatientDetails("ok", "n".repeat(201), null, null, null), "name");
        assertField(new PatientDetails("ok", null, 1899, null, null), "birthYear");
        assertField(new PatientDetails("ok", null, 3000, null, null), "birthYear");
        assertField(new PatientDetails("ok", null, null, null, "n".repeat(4001)), "notes");
        assertThat(patientService.count()).isZero();
    }

    @Test
    void anotherClinicianCanNeitherSeeNorChangeNorDeleteAPatient() {
        signInAs(alice);
        Patient mine = patientService.create(new PatientDetails("ALICE-1", "Private Name", 1970, Sex.MALE, "notes"));

        signInAs(bob);
        assertThat(patientService.find(mine.getId())).isEmpty();
        assertThat(patientService.search("", PageRequest.of(0, 10))).isEmpty();
        assertThat(patientService.search("alice", PageRequest.of(0, 10))).isEmpty();
        assertThat(patientService.count()).isZero();
        assertThat(patientService.studyCount(mine.getId())).isZero();
        assertThatThrownBy(() -> patientService.update(mine.getId(), new PatientDetails("stolen", null, null, null, null)))
                .isInstanceOf(PatientException.class);
        assertThatThrownBy(() -> patientService.delete(mine.getId())).isInstanceOf(PatientException.class);

        signInAs(alice);
        assertThat(patientService.find(mine.getId())).get().extracting(Patient::getReference).isEqualTo("ALICE-1");
    }

    @Test
    void deletingTheAccountDeletesItsPatients() {
        Account carol = register("Carol");
        signInAs(carol);
        Patient patient = patientService.create(new PatientDetails("C-1", null, null, null, null));
        accountService.deleteOwnAccount(carol.getId(), PASSWORD);
        assertThat(patientService.find(patient.getId())).isEmpty();
    }

    @Test
    void nobodySignedInIsRefused() {
        signOut();
        assertThatThrownBy(() -> patientService.count()).isInstanceOf(IllegalStateException.class);
    }

    private void assertField(PatientDetails details, String field) {
        assertThatThrownBy(() -> patientService.create(details))
                .isInstanceOf(PatientException.class).extracting("field").isEqualTo(field);
    }

    static final String PASSWORD = "a long enough passphrase 42";

    Account register(String name) {
        return accountService.register(name.toLowerCase() + "-" + UUID.randomUUID() + "@example.org", "Dr " + name, PASSWORD);
    }

    void signInAs(Account account) {
        signIn(account.getId(), account.getEmail(), account.getDisplayName(), false);
    }
}
