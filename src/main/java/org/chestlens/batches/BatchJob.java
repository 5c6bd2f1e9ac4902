package org.chestlens.batches;

import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.AnalysisUnavailableException;
import org.chestlens.analysis.InvalidUploadException;
import org.chestlens.analysis.Rejection;
import org.chestlens.analysis.UploadProblem;
import org.chestlens.jobs.JobCompletions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The durable job of one batch file (db-scheduler one-time task {@value #TASK}, instance = the batch item's id): it
 * analyses the file and stores the analysis and the item's outcome in one transaction with the job's completion
 * ({@link JobCompletions#runOnce}, keyed by the task and item), so a file is stored once however often its job runs
 * (a node that dies mid-way leaves nothing; one that dies after committing leaves the result, which the next run
 * finds). A refused file is an outcome, not a failure; "busy" and "no models" are retried later, and after
 * {@value #MAX_RETRIES} retries the file is marked FAILED with the reason.
 */
@Configuration(proxyBeanMethods = false)
class BatchJob {

    static final String TASK = "batch-item-analysis";
    static final int MAX_RETRIES = 5;

    private static final Logger log = LoggerFactory.getLogger(BatchJob.class);

    /** The task's data: only the item's id (the file waits in batch_item.content). */
    record ItemTask(long itemId) {
    }

    @Bean
    OneTimeTask<ItemTask> batchItemAnalysis(BatchAnalysis analysis) {
        return Tasks.oneTime(TASK, ItemTask.class)
                .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(MAX_RETRIES,
                        new FailureHandler.OnFailureRetryLater<>(Duration.ofSeconds(30)),
                        (complete, operations) -> analysis.failed(((ItemTask) complete.getExecution().taskInstance.getData()).itemId(),
                                complete.getCause().map(BatchJob::reason).orElse("The analysis failed."))))
                .execute((instance, context) -> analysis.run(instance.getData().itemId(), instance.getTaskAndInstance()));
    }

    private static String reason(Throwable cause) {
        return cause instanceof AnalysisUnavailableException || cause instanceof InvalidUploadException
                ? cause.getMessage() : "The analysis failed on the server " + MAX_RETRIES + " times; send this file again.";
    }

    /** What one run does. */
    @org.springframework.stereotype.Component
    static class BatchAnalysis {

        private final AnalysisService analyses;
        private final JobCompletions completions;
        private final JdbcTemplate jdbc;
        private final Clock clock;
        /** Batch files analysed at once on this node: the other cores stay free for people uploading one X-ray. */
        private final Semaphore running;

        BatchAnalysis(AnalysisService analyses, JobCompletions completions, JdbcTemplate jdbc, Clock clock,
                      @Value("${chestlens.batch.max-concurrent:1}") int maxConcurrent) {
            this.analyses = analyses;
            this.completions = completions;
            this.jdbc = jdbc;
            this.clock = clock;
            this.running = new Semaphore(Math.max(1, maxConcurrent), true);
        }

        void run(long itemId, String jobKey) {
            running.acquireUninterruptibly();
            try {
                try {
                    completions.runOnce(jobKey, () -> analyse(itemId));
                } catch (InvalidUploadException e) {
                    if (e.problem() == UploadProblem.BUSY) {
                        throw e; // the node is full: db-scheduler runs the job again later
                    }
                    // The analysis refused the file and rolled back: the refusal is this file's stored outcome.
                    completions.runOnce(jobKey, () -> {
                        finish(itemId, "REFUSED", e.getMessage(), null);
                        return "refused";
                    });
                }
            } finally {
                running.release();
            }
        }

        /** The analysis and the item's outcome, in the caller's (runOnce's) transaction. */
        private String analyse(long itemId) {
            record Item(long ownerId, String channel, String fileName, String status, byte[] content, Long patientId,
                        LocalDate studyDate) {
            }
            List<Item> items = jdbc.query("select b.owner_id, b.channel, i.file_name, i.status, i.content, i.patient_id,"
                    + " i.study_date from batch_item i join batch b on b.id = i.batch_id where i.id = ?", (rs, n) -> new Item(
                    rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBytes(5), (Long) rs.getObject(6),
                    Optional.ofNullable(rs.getDate(7)).map(java.sql.Date::toLocalDate).orElse(null)), itemId);
            if (items.isEmpty() || !items.get(0).status().equals("QUEUED") || items.get(0).content() == null) {
                return null; // the batch was deleted, or the item already has its outcome
            }
            Item item = items.get(0);
            AnalysisRequest request = AnalysisRequest.of(item.content(), item.fileName()).withOwner(item.ownerId());
            if (item.patientId() != null) {
                request = request.withPatient(item.patientId());
            }
            if (item.studyDate() != null) {
                request = request.withStudyDate(item.studyDate());
            }
            if (item.channel().equals(AnalysisRequest.Channel.API.name())) {
                request = request.viaApi();
            }
            AnalysisResult result = analyses.analyse(request);
            finish(itemId, "DONE", result.rejection().map(BatchAnalysis::rejected).orElse(null), result.publicId());
            log.debug("Batch item {} stored as analysis {}", itemId, result.publicId());
            return result.publicId();
        }

        private static String rejected(Rejection rejection) {
            return "Not analysed as a chest X-ray: " + rejection.reason();
        }

        /** The job gave up: the item says why (its own transaction; nothing else is stored). */
        void failed(long itemId, String reason) {
            log.warn("Batch item {} failed: {}", itemId, reason);
            jdbc.update("update batch_item set status = 'FAILED', reason = ?, content = null, finished_at = ?"
                    + " where id = ? and status = 'QUEUED'", reason, Timestamp.from(clock.instant()), itemId);
        }

        private void finish(long itemId, String status, String reason, String analysisId) {
            jdbc.update("update batch_item set status = ?, reason = ?, analysis_public_id = ?, content = null,"
                            + " finished_at = ? where id = ?",
                    status, reason, analysisId, Timestamp.from(clock.instant()), itemId);
        }
    }
}
