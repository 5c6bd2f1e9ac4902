package org.chestlens.worklist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.imaging.TestImages;
import org.chestlens.patients.FeedbackService;
import org.chestlens.patients.Patient;
import org.chestlens.patients.PatientDetails;
import org.chestlens.patients.PatientService;
import org.chestlens.patients.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;

/** The worklist's query on real PostgreSQL with real analyses: order, filters, ownership, reviewed studies leave. */
class WorklistTest extends KaribuTest {

    static final LocalDate JAN = LocalDate.of(2026, 1, 5);
    static final LocalDate FEB = LocalDate.of(2026, 2, 10);
    static final LocalDate MAR = LocalDate.of(2026, 3, 15);

    @Autowired
    Worklist worklist;
    @Autowired
    AccountService accounts;
    @Autowired
    PatientService patients;
    @Autowired
    FeedbackService feedback;
    @Autowired
    AnalysisService analyses;
    @Autowired
    JdbcTemplate jdbc;

    WorklistStudies studies;
    Account alice;
    Account bob;

    @BeforeEach
    void twoClinicians() {
        studies = new WorklistStudies(analyses, jdbc);
        alice = accounts.register(TestAccounts.uniqueEmail("wl-alice"), "Dr Alice", TestAccounts.PASSWORD);
        bob = accounts.register(TestAccounts.uniqueEmail("wl-bob"), "Dr Bob", TestAccounts.PASSWORD);
    }

    private List<String> ids(WorklistFilter filter) {
        return worklist.list(alice.getId(), filter).stream().map(WorklistEntry::publicId).toList();
    }

    @Test
    void positiveFindingsFirstByProbabilityOverThresholdThenAnomaly() {
        signIn(alice.getId(), alice.getEmail(), alice.getDisplayName(), false);
        Patient jane = patients.create(new PatientDetails("WL-JANE", null, null, null, null));
        // Test manifest thresholds: pneumonia 0.45, effusion 0.52, covid_19 0.5, no_finding 0.5 (normal).
        String effusion = studies.study(alice.getId(), jane.getId(), JAN, Map.of("effusion", 0.78), 20); // 1.5x
        String pneumonia = studies.study(alice.getId(), null, FEB, Map.of("pneumonia", 0.90), 10); // 2.0x
        String twoFindings = studies.study(alice.getId(), jane.getId(), FEB,
                Map.of("pneumonia", 0.50, "covid_19", 0.80), 5); // 1.6x (covid), pneumonia 1.11x
        String unusual = studies.study(alice.getId(), null, MAR, Map.of("pneumonia", 0.44), 97); // below threshold
        String normal = studies.study(alice.getId(), null, MAR, Map.of("no_finding", 0.95), 60); // good news only
        String plain = studies.study(alice.getId(), null, null, Map.of(), 30);

        List<WorklistEntry> list = worklist.list(alice.getId(), WorklistFilter.NONE);
        assertThat(list).extracting(WorklistEntry::publicId)
                .containsExactly(pneumonia, twoFindings, effusion, unusual, normal, plain);
        WorklistEntry second = list.get(1);
        assertThat(second.topFindings()).extracting(WorklistEntry.TopFinding::code).containsExactly("covid_19", "pneumonia");
        assertThat(second.patientReference()).contains("WL-JANE");
        assertThat(second.studyDate()).contains(FEB);
        assertThat(second.urgency().topRelativeProbability()).isCloseTo(1.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(list.get(3).topFindings()).isEmpty();
        assertThat(list.get(4).topFindings()).as("No Finding is never a top finding").isEmpty();
        assertThat(list.get(5).studyDate()).isEmpty();

        Page<WorklistEntry> page = worklist.page(alice.getId(), WorklistFilter.NONE, PageRequest.of(1, 4));
        assertThat(page.getTotalElements()).isEqualTo(6);
        assertThat(page.getContent()).extracting(WorklistEntry::publicId).containsExactly(normal, plain);
    }

    @Test
    void filtersByPositiveFindingAndByDateRange() {
        String janEffusion = studies.study(alice.getId(), null, JAN, Map.of("effusion", 0.60), 50);
        String febPneumonia = studies.study(alice.getId(), null, FEB, Map.of("pneumonia", 0.70, "effusion", 0.40), 50);
        String marPneumonia = studies.study(alice.getId(), null, MAR, Map.of("pneumonia", 0.55), 50);
        String undated = studies.study(alice.getId(), null, null, Map.of("pneumonia", 0.46), 50);

        assertThat(ids(new WorklistFilter(Optional.of("effusion"), Optional.empty(), Optional.empty())))
                .as("positive for effusion only; 0.40 is below its threshold").containsExactly(janEffusion);
        assertThat(ids(new WorklistFilter(Optional.of("pneumonia"), Optional.empty(), Optional.empty())))
                .containsExactly(febPneumonia, marPneumonia, undated);
        assertThat(ids(new WorklistFilter(Optional.empty(), Optional.of(FEB), Optional.of(MAR))))
                .containsExactly(febPneumonia, marPneumonia);
        assertThat(ids(new WorklistFilter(Optional.of("pneumonia"), Optional.empty(), Optional.of(FEB))))
                .containsExactly(febPneumonia);
        // Without a study date a study is dated by the day it was analysed (today, in the server's zone).
        LocalDate today = LocalDate.now(org.chestlens.ui.Dates.zone());
        assertThat(ids(new WorklistFilter(Optional.empty(), Optional.of(today), Optional.of(today)))).contains(undated)
                .doesNotContain(janEffusion);
        assertThat(ids(new WorklistFilter(Optional.of("no_such_finding"), Optional.empty(), Optional.empty()))).isEmpty();
        assertThatThrownBy(() -> new WorklistFilter(Optional.empty(), Optional.of(MAR), Optional.of(JAN)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(worklist.findings()).extracting(f -> f.code())
                .contains("pneumonia", "effusion").doesNotContain("no_finding", "cardiomegaly");
    }

    @Test
    void eachClinicianSeesOnlyTheirOwnCompletedStudiesUntilTheyGiveFeedback() {
        String alices = studies.study(alice.getId(), null, JAN, Map.of("pneumonia", 0.9), 50);
        String alicesOther = studies.study(alice.getId(), null, JAN, Map.of(), 50);
        String bobs = studies.study(bob.getId(), null, JAN, Map.of("pneumonia", 0.9), 50);
        // Rejected by the gate and anonymous analyses are never on a worklist.
        var rejected = analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.colourPattern(300, 300)), "colour.png")
                .withOwner(alice.getId()));
        assertThat(rejected.completed()).isFalse();
        var anonymous = analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(300, 260, 77)), "a.png"));

        assertThat(ids(WorklistFilter.NONE)).containsExactly(alices, alicesOther)
                .doesNotContain(bobs, rejected.publicId(), anonymous.publicId());
        assertThat(worklist.list(bob.getId(), WorklistFilter.NONE)).extracting(WorklistEntry::publicId).containsExactly(bobs);

        // Feedback marks a study reviewed, whatever it says (here: one finding rejected, no note; then a note only).
        signIn(alice.getId(), alice.getEmail(), alice.getDisplayName(), false);
        feedback.save(alices, Map.of("pneumonia", Verdict.REJECTED), null);
        assertThat(ids(WorklistFilter.NONE)).containsExactly(alicesOther);
        feedback.save(alicesOther, Map.of(), "Seen, nothing to add");
        assertThat(ids(WorklistFilter.NONE)).isEmpty();
        // Withdrawing all feedback (no verdict, no note) puts a study back.
        feedback.save(alices, Map.of(), null);
        assertThat(ids(WorklistFilter.NONE)).containsExactly(alices);
        // Bob's list is untouched by Alice's feedback.
        assertThat(worklist.list(bob.getId(), WorklistFilter.NONE)).extracting(WorklistEntry::publicId).containsExactly(bobs);
    }
}
