package org.chestlens.batches;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.imaging.TestImages;
import org.chestlens.operations.NodeName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The batch file's job on the application's own db-scheduler and PostgreSQL, playing the node that dies: what a
 * node killed with kill -9 leaves behind is its execution row, picked by its name, with a heartbeat that stopped.
 * This node takes the job over and the file ends with exactly one stored analysis, whether the dead node had
 * committed the result before dying or not.
 */
class BatchJobTest extends KaribuTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AccountService accounts;
    @Autowired
    BatchJob.BatchAnalysis analysis;
    @Autowired
    NodeName node;

    private long owner;

    @BeforeEach
    void clinician() {
        Account account = accounts.register(TestAccounts.uniqueEmail("batch-job"), "Batch Job", TestAccounts.PASSWORD);
        owner = account.getId();
    }

    @Test
    void aFileWhoseNodeDiedBeforeStoringIsAnalysedHereOnce() {
        long item = queuedItem(21);
        pickedByDeadNode(item);

        awaitUntil(() -> !executionExists(item), "this node to take over the dead node's batch job");

        assertThat(jdbc.queryForObject("select status from batch_item where id = ?", String.class, item)).isEqualTo("DONE");
        String analysisId = jdbc.queryForObject("select analysis_public_id from batch_item where id = ?", String.class, item);
        assertThat(jdbc.queryForList("select public_id from analysis where owner_id = ?", String.class, owner))
                .containsExactly(analysisId);
        assertThat(jdbc.queryForObject("select completed_by from job_completion where job_key = ?", String.class, key(item)))
                .isEqualTo(node.value());
        assertThat(jdbc.queryForObject("select content is null from batch_item where id = ?", Boolean.class, item))
                .as("the file's bytes are dropped once analysed").isTrue();

        // Revived once more (a node thought dead that was only slow): the result is found, nothing is stored again.
        analysis.run(item, key(item));
        assertThat(jdbc.queryForObject("select count(*) from analysis where owner_id = ?", Integer.class, owner)).isEqualTo(1);
    }

    @Test
    void aFileWhoseNodeDiedAfterStoringIsNotAnalysedAgain() {
        long item = queuedItem(22);
        // The dead node's run committed its analysis, then the node died before db-scheduler marked the job done.
        jdbc.update("insert into scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, version)"
                + " values (?, ?, ?, ?, false, 1)", BatchJob.TASK, String.valueOf(item), data(item),
                Timestamp.from(Instant.now().plus(Duration.ofHours(1))));
        analysis.run(item, key(item));
        String stored = jdbc.queryForObject("select analysis_public_id from batch_item where id = ?", String.class, item);
        jdbc.update("update scheduled_tasks set picked = true, picked_by = 'dead-node', execution_time = now() - interval '1 minute',"
                + " last_heartbeat = now() - interval '1 hour', version = version + 1 where task_name = ? and task_instance = ?",
                BatchJob.TASK, String.valueOf(item));

        awaitUntil(() -> !executionExists(item), "this node to take over and finish the dead node's batch job");

        assertThat(jdbc.queryForList("select public_id from analysis where owner_id = ?", String.class, owner))
                .containsExactly(stored);
        assertThat(jdbc.queryForObject("select status from batch_item where id = ?", String.class, item)).isEqualTo("DONE");
    }

    /** A batch of one PNG, as BatchService stores it, but with its job left for the test to place. */
    private long queuedItem(long seed) {
        long batch = jdbc.queryForObject("insert into batch (public_id, owner_id, created_at, channel)"
                + " values (?, ?, now(), 'API') returning id", Long.class, "job-test-" + System.nanoTime(), owner);
        return jdbc.queryForObject("insert into batch_item (batch_id, position, file_name, status, content)"
                + " values (?, 1, 'x.png', 'QUEUED', ?) returning id", Long.class, batch,
                TestImages.png(TestImages.phantomChest(320, 300, seed)));
    }

    /** What kill -9 leaves: the execution picked by a node whose heartbeat stopped an hour ago. */
    private void pickedByDeadNode(long item) {
        jdbc.update("insert into scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by,"
                        + " last_heartbeat, version) values (?, ?, ?, now() - interval '1 minute', true, 'dead-node',"
                        + " now() - interval '1 hour', 1)", BatchJob.TASK, String.valueOf(item), data(item));
    }

    private static byte[] data(long item) {
        return ("{\"itemId\":" + item + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String key(long item) {
        return BatchJob.TASK + "_" + item;
    }

    private boolean executionExists(long item) {
        return jdbc.queryForObject("select count(*) from scheduled_tasks where task_name = ? and task_instance = ?",
                Integer.class, BatchJob.TASK, String.valueOf(item)) > 0;
    }

    /** Polls what PostgreSQL shows; the bound is generous for a busy 2-core machine, not a speed requirement. */
    private static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
