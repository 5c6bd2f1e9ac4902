package org.chestlens.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.chestlens.KaribuTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * db-scheduler on the real PostgreSQL with several "nodes" (schedulers with their own names, as on separate
 * machines): a job whose node died is run again elsewhere and its result is stored once; a recurring job runs on
 * one node only. Task names are unique per test so the application's own scheduler (same database) ignores them.
 */
class DurableJobsTest extends KaribuTest {

    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobCompletions completions;

    private final List<Scheduler> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(Scheduler::stop);
    }

    record Work(String item) {
    }

    @Test
    void aJobWhoseNodeDiedAfterStoringItsResultIsFinishedElsewhereWithoutStoringItTwice() {
        String taskName = "test-job-" + UUID.randomUUID();
        AtomicInteger workRuns = new AtomicInteger();
        OneTimeTask<Work> task = Tasks.oneTime(taskName, Work.class).execute((instance, context) ->
                completions.runOnce(instance.getTaskAndInstance(), () -> {
                    workRuns.incrementAndGet();
                    return "stored by " + context.getExecution().pickedBy;
                }));
        String jobKey = taskName + "_file-7";

        // Node A picked the job, stored its result and died (kill -9) before db-scheduler marked it done: what it
        // leaves in PostgreSQL is its committed work and a picked execution whose heartbeat has stopped.
        Scheduler nodeA = node("node-A", task);
        nodeA.schedule(task.instance("file-7", new Work("file-7")), Instant.now().plusSeconds(3600));
        completions.runOnce(jobKey, () -> "stored by node-A");
        markPickedByDeadNode(taskName, "file-7", "node-A");

        Scheduler nodeB = node("node-B", task);
        nodeB.start();
        awaitUntil(() -> !executionExists(taskName, "file-7"), "node B to take over and finish the dead node's job");

        assertThat(workRuns).as("node B found the result and did not redo the work").hasValue(0);
        assertThat(completions.find(jobKey).orElseThrow().result()).isEqualTo("stored by node-A");
        assertThat(jdbc.queryForObject("select count(*) from job_completion where job_key = ?", Integer.class, jobKey))
                .isEqualTo(1);
    }

    @Test
    void aJobWhoseNodeDiedBeforeStoringAnythingIsDoneOnceElsewhere() {
        String taskName = "test-job-" + UUID.randomUUID();
        ConcurrentLinkedQueue<String> workRuns = new ConcurrentLinkedQueue<>();
        OneTimeTask<Work> task = Tasks.oneTime(taskName, Work.class).execute((instance, context) ->
                completions.runOnce(instance.getTaskAndInstance(), () -> {
                    workRuns.add(context.getExecution().pickedBy + ":" + instance.getData().item());
                    return "done";
                }));

        Scheduler nodeA = node("node-A", task);
        nodeA.schedule(task.instance("file-8", new Work("file-8")), Instant.now().plusSeconds(3600));
        markPickedByDeadNode(taskName, "file-8", "node-A");

        node("node-B", task).start();
        awaitUntil(() -> !executionExists(taskName, "file-8"), "node B to take over the dead node's job");

        assertThat(workRuns).containsExactly("node-B:file-8");
        assertThat(completions.find(taskName + "_file-8")).isPresent();
    }

    @Test
    void aRecurringJobRunsOnOneNodeAtATime() {
        String taskName = "test-recurring-" + UUID.randomUUID();
        ConcurrentHashMap<String, AtomicInteger> runsByNode = new ConcurrentHashMap<>();
        RecurringTask<Void> task = Tasks.recurring(taskName, FixedDelay.of(Duration.ofHours(1))).execute((instance, context) ->
                runsByNode.computeIfAbsent(context.getExecution().pickedBy, n -> new AtomicInteger()).incrementAndGet());

        List<Scheduler> three = List.of(node("node-A", task), node("node-B", task), node("node-C", task));
        three.forEach(Scheduler::start);
        // Each node registers the recurring task on start-up (one shared row, due at once): all three poll for it.
        awaitUntil(() -> jdbc.queryForObject("select count(*) from scheduled_tasks where task_name = ? and last_success is not null",
                Integer.class, taskName) == 1, "one run of the recurring task");
        three.forEach(Scheduler::triggerCheckForDueExecutions);

        assertThat(runsByNode.values().stream().mapToInt(AtomicInteger::get).sum()).as("runs across three nodes: " + runsByNode)
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("select execution_time from scheduled_tasks where task_name = ?", java.sql.Timestamp.class,
                taskName).toInstant()).as("next run an interval later").isAfter(Instant.now().plus(Duration.ofMinutes(50)));
    }

    private Scheduler node(String name, com.github.kagkarlsson.scheduler.task.Task<?> task) {
        // A recurring task is registered through startTasks alone; a one-time task is known from the task list.
        var builder = (task instanceof RecurringTask<?> ? Scheduler.create(dataSource) : Scheduler.create(dataSource, task))
                .schedulerName(new SchedulerName.Fixed(name))
                .serializer(new com.github.kagkarlsson.scheduler.serializer.JacksonSerializer())
                .pollingInterval(Duration.ofMillis(200))
                .heartbeatInterval(Duration.ofMillis(500))
                .missedHeartbeatsLimit(4)
                .threads(2)
                .shutdownMaxWait(Duration.ofSeconds(5));
        if (task instanceof RecurringTask<?> recurring) {
            builder.startTasks(recurring);
        }
        Scheduler scheduler = builder.build();
        nodes.add(scheduler);
        return scheduler;
    }

    private void markPickedByDeadNode(String taskName, String instance, String node) {
        int updated = jdbc.update("update scheduled_tasks set picked = true, picked_by = ?, execution_time = now() - interval '1 minute',"
                + " last_heartbeat = now() - interval '1 hour', version = version + 1 where task_name = ? and task_instance = ?",
                node, taskName, instance);
        assertThat(updated).isEqualTo(1);
    }

    private boolean executionExists(String taskName, String instance) {
        return jdbc.queryForObject("select count(*) from scheduled_tasks where task_name = ? and task_instance = ?",
                Integer.class, taskName, instance) > 0;
    }

    /** Polls what PostgreSQL shows; the bound is generous for a busy 2-core machine, not a speed requirement. */
    private static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
