package org.chestlens.analysis;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Deletes anonymous analyses (image, heatmaps, results) once their retention has passed: a recurring db-scheduler
 * task (see {@link org.chestlens.jobs}), so it runs on one node at a time however many share the database.
 */
@Configuration(proxyBeanMethods = false)
class RetentionJob {

    static final String TASK = "anonymous-retention-purge";

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    @Bean
    RecurringTask<Void> anonymousRetentionPurge(AnalysisService analyses,
                                                @Value("${chestlens.analysis.purge-interval:PT1H}") Duration interval) {
        return Tasks.recurring(TASK, FixedDelay.of(interval)).execute((instance, context) -> {
            int deleted = analyses.purgeExpired();
            if (deleted > 0) {
                log.info("Purged {} expired anonymous analyses", deleted);
            }
        });
    }
}
