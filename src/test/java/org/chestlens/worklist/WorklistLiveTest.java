package org.chestlens.worklist;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.communication.PushMode;
import java.util.List;
import java.util.Map;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.UploadView;
import org.chestlens.patients.FeedbackService;
import org.chestlens.patients.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The open /worklist page follows its clinician's list by server push (Karibu on the real application): studies
 * analysed elsewhere arrive, studies reviewed elsewhere leave, another clinician's never appear, all without any
 * action on the page. The feed's round is run here directly ({@link WorklistFeed#tick()}, which waits for a round of
 * its own thread that may be under way), then what it queued for the page is let through ({@link MockVaadin#runUIQueue}):
 * no sleeps, no timing.
 */
class WorklistLiveTest extends KaribuTest {

    @Autowired
    AccountService accounts;
    @Autowired
    AnalysisService analyses;
    @Autowired
    FeedbackService feedback;
    @Autowired
    WorklistFeed feed;
    @Autowired
    JdbcTemplate jdbc;

    WorklistStudies studies;
    Account alice;
    Account bob;

    @BeforeEach
    void clinicians() {
        studies = new WorklistStudies(analyses, jdbc);
        alice = accounts.register(TestAccounts.uniqueEmail("wll-alice"), "Dr Alice", TestAccounts.PASSWORD);
        bob = accounts.register(TestAccounts.uniqueEmail("wll-bob"), "Dr Bob", TestAccounts.PASSWORD);
    }

    private static List<String> listed(WorklistView view) {
        return GridKt._fetch(view.grid, 0, 100).stream().map(WorklistEntry::publicId).toList();
    }

    /**
     * One round of the feed on a thread of its own, as the feed's thread runs it (no request, no session, no signed-in
     * user: the owner was fixed when the page opened), then what it pushed reaches the page.
     */
    private void tick() {
        Thread round = new Thread(feed::tick, "test-worklist-feed-round");
        round.start();
        try {
            round.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        MockVaadin.runUIQueue();
    }

    @Test
    void studiesAnalysedElsewhereArriveReviewedOnesLeaveAndAnotherCliniciansNeverAppear() {
        signIn(alice.getId(), alice.getEmail(), alice.getDisplayName(), false);
        String first = studies.study(alice.getId(), null, null, Map.of(), 20);
        UI.getCurrent().navigate(WorklistView.class);
        WorklistView view = _get(WorklistView.class);
        assertThat(listed(view)).containsExactly(first);
        assertThat(view.following()).as("follows the clinician's worklist").isTrue();
        assertThat(UI.getCurrent().getPushConfiguration().getPushMode()).as("changes are pushed by the server")
                .isEqualTo(PushMode.AUTOMATIC);
        assertThat(UI.getCurrent().getPollInterval()).as("the page does not poll").isEqualTo(-1);
        assertThat(view.updated.getText()).matches("Updated \\d\\d:\\d\\d:\\d\\d");
        view.grid.select(GridKt._get(view.grid, 0));

        // Analysed for Alice by the real service (as a batch job, her other session or the API would): it arrives,
        // in its place by urgency, the filters and the selection as they were.
        String urgent = studies.study(alice.getId(), null, null, Map.of("effusion", 0.9), 60);
        tick();
        assertThat(listed(view)).containsExactly(urgent, first);
        assertThat(view.count.getText()).isEqualTo("2 studies waiting for review, most urgent first");
        assertThat(view.grid.getSelectedItems()).extracting(WorklistEntry::publicId).containsExactly(first);

        // Bob's new study is never pushed to Alice's page; a round without a change of hers changes nothing.
        String bobs = studies.study(bob.getId(), null, null, Map.of("pneumonia", 0.95), 99);
        tick();
        tick();
        assertThat(listed(view)).containsExactly(urgent, first).doesNotContain(bobs);

        // Feedback given elsewhere (another tab; the service as the result page and the API call it): the study leaves.
        feedback.save(first, Map.of("effusion", Verdict.REJECTED), null);
        tick();
        assertThat(listed(view)).containsExactly(urgent);
        assertThat(view.grid.getSelectedItems()).as("a study that left is no longer selected").isEmpty();
        assertThat(view.count.getText()).isEqualTo("1 study waiting for review");

        // Withdrawing that feedback puts it back; the last review empties the list, the page says so.
        feedback.save(first, Map.of(), null);
        tick();
        assertThat(listed(view)).containsExactly(urgent, first);
        feedback.save(first, Map.of(), "Seen");
        feedback.save(urgent, Map.of(), "Seen");
        tick();
        assertThat(view.grid.isVisible()).isFalse();
        assertThat(view.empty.getElement().getTextRecursively())
                .isEqualTo("No studies are waiting for review: every analysed study has your feedback.");
    }

    @Test
    void aPushedListKeepsThePagesFilters() {
        signIn(alice.getId(), alice.getEmail(), alice.getDisplayName(), false);
        String pneumonia = studies.study(alice.getId(), null, null, Map.of("pneumonia", 0.8), 30);
        UI.getCurrent().navigate(WorklistView.class);
        WorklistView view = _get(WorklistView.class);
        _setValue(view.finding, view.finding.getListDataView().getItems()
                .filter(f -> f.code().equals("pneumonia")).findFirst().orElseThrow());
        assertThat(listed(view)).containsExactly(pneumonia);

        String calm = studies.study(alice.getId(), null, null, Map.of(), 10);
        String alsoPneumonia = studies.study(alice.getId(), null, null, Map.of("pneumonia", 0.95), 40);
        tick();
        assertThat(listed(view)).containsExactly(alsoPneumonia, pneumonia).doesNotContain(calm);
        assertThat(view.count.getText()).isEqualTo("2 studies match these filters, most urgent first");

        _setValue(view.finding, null);
        assertThat(listed(view)).containsExactly(alsoPneumonia, pneumonia, calm);
    }

    @Test
    void leavingThePageStopsFollowing() {
        signIn(alice.getId(), alice.getEmail(), alice.getDisplayName(), false);
        // As the application's pages start (no @Push; Karibu's mock UI starts with push on).
        UI.getCurrent().getPushConfiguration().setPushMode(PushMode.DISABLED);
        UI.getCurrent().navigate(WorklistView.class);
        WorklistView view = _get(WorklistView.class);
        assertThat(view.following()).isTrue();
        int watching = feed.watching();
        UI.getCurrent().navigate(UploadView.class);
        assertThat(view.following()).isFalse();
        assertThat(feed.watching()).isEqualTo(watching - 1);
        assertThat(UI.getCurrent().getPushConfiguration().getPushMode()).as("push off again for other pages")
                .isEqualTo(PushMode.DISABLED);
    }
}
