package org.chestlens.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.chestlens.KaribuTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Exactly-once completion keyed in the real PostgreSQL. */
class JobCompletionsTest extends KaribuTest {

    @Autowired
    JobCompletions completions;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aCompletedKeyIsNotRunAgainAndKeepsItsResult() {
        String key = "test/" + UUID.randomUUID();
        AtomicInteger runs = new AtomicInteger();

        JobCompletions.Completion first = completions.runOnce(key, () -> "result-" + runs.incrementAndGet());
        JobCompletions.Completion second = completions.runOnce(key, () -> "result-" + runs.incrementAndGet());

        assertThat(first).isEqualTo(new JobCompletions.Completion("result-1", true));
        assertThat(second).isEqualTo(new JobCompletions.Completion("result-1", false));
        assertThat(runs).hasValue(1);
        assertThat(completions.find(key)).contains(new JobCompletions.Completion("result-1", false));
    }

    @Test
    void workThatFailsLeavesNothingSoTheNextRunDoesIt() {
        String key = "test/" + UUID.randomUUID();
        String table = "job_test_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.execute("create table " + table + " (key text)");

        assertThatThrownBy(() -> completions.runOnce(key, () -> {
            jdbc.update("insert into " + table + " values (?)", key);
            throw new IllegalStateException("node died half-way");
        })).hasMessageContaining("half-way");
        assertThat(completions.find(key)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from " + table, Integer.class)).as("work rolled back").isZero();

        JobCompletions.Completion retried = completions.runOnce(key, () -> {
            jdbc.update("insert into " + table + " values (?)", key);
            return "done";
        });
        assertThat(retried.ranNow()).isTrue();
        assertThat(jdbc.queryForObject("select count(*) from " + table, Integer.class)).isEqualTo(1);
        jdbc.execute("drop table " + table);
    }

    @Test
    void aSecondRunAtTheSameTimeWaitsForTheFirstAndDoesNotRepeatIt() throws Exception {
        String key = "test/" + UUID.randomUUID();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch firstIsWorking = new CountDownLatch(1);
        CountDownLatch letFirstFinish = new CountDownLatch(1);

        CompletableFuture<JobCompletions.Completion> first = CompletableFuture.supplyAsync(() -> completions.runOnce(key, () -> {
            runs.incrementAndGet();
            firstIsWorking.countDown();
            await(letFirstFinish);
            return "first";
        }));
        assertThat(firstIsWorking.await(60, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<JobCompletions.Completion> second = CompletableFuture.supplyAsync(() -> completions.runOnce(key, () -> {
            runs.incrementAndGet();
            return "second";
        }));
        // The second is blocked on the first's uncommitted claim until the first commits.
        letFirstFinish.countDown();

        assertThat(first.get(60, TimeUnit.SECONDS)).isEqualTo(new JobCompletions.Completion("first", true));
        assertThat(second.get(60, TimeUnit.SECONDS)).isEqualTo(new JobCompletions.Completion("first", false));
        assertThat(runs).hasValue(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
