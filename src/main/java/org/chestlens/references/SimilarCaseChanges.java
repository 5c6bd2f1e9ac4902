package org.chestlens.references;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.time.Duration;
import java.sql.Timestamp;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Prunes the similar-case change sequence ({@code similar_case_change}) of rows older than
 * {@code chestlens.similar-cases.changes-kept} (a day): every running node has applied them within seconds, and a
 * node that could not poll for half that long loads its index again ({@link SimilarCases}). A recurring
 * db-scheduler task, so one node prunes per interval.
 */
@Configuration(proxyBeanMethods = false)
class SimilarCaseChanges {

    static final String TASK = "similar-case-change-prune";

    @Bean
    RecurringTask<Void> similarCaseChangePrune(JdbcTemplate jdbc, Clock clock,
                                               @Value("${chestlens.similar-cases.changes-kept:P1D}") Duration kept) {
        return Tasks.recurring(TASK, FixedDelay.of(Duration.ofHours(1))).execute((instance, context) ->
                jdbc.update("delete from similar_case_change where changed_at < ?", Timestamp.from(clock.instant().minus(kept))));
    }
}
