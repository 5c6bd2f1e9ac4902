package org.chestlens.jobs;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.chestlens.operations.NodeName;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores the result of a unit of durable work exactly once, keyed in PostgreSQL ({@code job_completion}). See the
 * package documentation for how a job uses it.
 */
@Service
public class JobCompletions {

    /** What a job key produced; {@code ranNow} is false when an earlier run had already completed it. */
    public record Completion(String result, boolean ranNow) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final NodeName node;

    JobCompletions(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock, NodeName node) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.node = node;
    }

    /**
     * Runs {@code work} unless {@code jobKey} is already complete, in one transaction with the completion row: the
     * work's own writes must join it (the default propagation does). The key is claimed first, so a second run of
     * the same key at the same moment (a node thought dead that was only slow) waits for the first: if that one
     * commits, the second returns its result without running; if it rolls back (its node died), the second runs.
     *
     * @param work does the job and returns its result (e.g. the id of what it stored), or null
     */
    public Completion runOnce(String jobKey, Supplier<String> work) {
        return transaction.execute(status -> {
            int claimed = jdbc.update("insert into job_completion (job_key, completed_at, completed_by) values (?, ?, ?)"
                    + " on conflict (job_key) do nothing", jobKey, java.sql.Timestamp.from(clock.instant()), node.value());
            if (claimed == 0) {
                return new Completion(jdbc.queryForObject("select result from job_completion where job_key = ?",
                        String.class, jobKey), false);
            }
            String result = work.get();
            jdbc.update("update job_completion set result = ?, completed_at = ? where job_key = ?",
                    result, java.sql.Timestamp.from(clock.instant()), jobKey);
            return new Completion(result, true);
        });
    }

    /** The completion of a job key, if a run has committed one. */
    public Optional<Completion> find(String jobKey) {
        return jdbc.query("select result from job_completion where job_key = ?",
                rs -> rs.next() ? Optional.of(new Completion(rs.getString(1), false)) : Optional.<Completion>empty(), jobKey);
    }
}
