package org.chestlens.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.chestlens.KaribuTest;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The retention purge is a db-scheduler task in PostgreSQL, run by whichever node picks it (here: this one). */
class RetentionJobTest extends KaribuTest {

    @Autowired
    SchedulerClient scheduler;
    @Autowired
    AnalysisService analyses;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void thePurgeIsOneSharedScheduleInPostgresqlAndDeletesExpiredAnalysesWhenDue() throws Exception {
        assertThat(jdbc.queryForObject("select count(*) from scheduled_tasks where task_name = ?", Integer.class,
                RetentionJob.TASK)).as("one row for all nodes").isEqualTo(1);

        AnalysisResult expired = analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(256, 256, 3)), "old.png"));
        AnalysisResult kept = analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(256, 256, 4)), "new.png"));
        jdbc.update("update analysis set expires_at = now() - interval '1 minute' where public_id = ?", expired.publicId());

        awaitRescheduled();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (exists(expired.publicId()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        assertThat(exists(expired.publicId())).as("purged by the scheduled task").isFalse();
        assertThat(analyses.find(kept.publicId(), Optional.empty())).isPresent();
        assertThat(jdbc.queryForObject("select execution_time from scheduled_tasks where task_name = ?",
                java.sql.Timestamp.class, RetentionJob.TASK).toInstant()).as("next purge an interval later")
                .isAfter(Instant.now().plus(Duration.ofMinutes(30)));
    }

    /** Makes the purge due now; retried while a run happens to be in progress (a picked execution cannot move). */
    private void awaitRescheduled() throws InterruptedException {
        TaskInstanceId purge = TaskInstanceId.of(RetentionJob.TASK, RecurringTask.INSTANCE);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (scheduler.reschedule(purge, Instant.now())) {
                    return;
                }
            } catch (RuntimeException pickedRightNow) {
                if (System.nanoTime() > deadline) {
                    throw pickedRightNow;
                }
            }
            Thread.sleep(100);
        }
    }

    private boolean exists(String publicId) {
        return jdbc.queryForObject("select count(*) from analysis where public_id = ?", Integer.class, publicId) > 0;
    }
}
