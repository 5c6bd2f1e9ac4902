/**
 * Durable jobs: work that must run once across all nodes and survive the node that started it, on
 * <a href="https://github.com/kagkarlsson/db-scheduler">db-scheduler</a> over the one PostgreSQL
 * ({@code scheduled_tasks}, migration V70). No broker, no scheduler of our own.
 *
 * <h2>Recurring jobs</h2>
 * A {@code RecurringTask} bean anywhere in the application is registered by the starter and runs on one node at a
 * time, wherever a node is up; its next run time lives in the table, so restarts do not reset it. Example:
 * {@code analysis.RetentionJob} (the anonymous-analysis purge, hourly).
 *
 * <h2>One-time jobs (batch analysis, reference import)</h2>
 * Define a {@code OneTimeTask} bean with JSON task data (a record), and schedule instances with the
 * {@code SchedulerClient} bean, one instance id per unit of work (e.g. {@code batchId + "/" + fileIndex}):
 * <pre>{@code
 * @Bean
 * OneTimeTask<BatchFile> analyseBatchFile(JobCompletions completions, AnalysisService analyses) {
 *     return Tasks.oneTime("analyse-batch-file", BatchFile.class)
 *             .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(3, new FailureHandler.OnFailureRetryLater<>(Duration.ofSeconds(30))))
 *             .execute((instance, context) -> completions.runOnce(instance.getTaskAndInstance(),
 *                     () -> analyses.analyse(...).publicId()));
 * }
 * schedulerClient.scheduleIfNotExists(analyseBatchFile.instance(batchId + "/" + i, new BatchFile(...)), Instant.now());
 * }</pre>
 * What this gives, and what it asks of the job:
 * <ul>
 *   <li><b>Picked up elsewhere.</b> A node running an execution updates its heartbeat
 *       ({@code db-scheduler.heartbeat-interval}); when a node dies (kill -9, power), its executions' heartbeats
 *       stop and, after {@code missed-heartbeats-limit} intervals, another node runs them again (db-scheduler's
 *       {@code ReviveDeadExecution}, the default for one-time tasks).</li>
 *   <li><b>Stored exactly once.</b> "Run again" means a job may have finished its work and committed it just before
 *       its node died, before db-scheduler recorded the execution as done. So a job does its writes inside
 *       {@link org.chestlens.jobs.JobCompletions#runOnce}: the completion row (keyed by the job) and the work's own
 *       rows commit together, and a second run finds the key complete and returns the stored result without running.
 *       The work must therefore write through the calling thread's transaction (Spring's default propagation) and
 *       must not commit anything of its own in another transaction that the result depends on.</li>
 *   <li><b>Data.</b> Task data is stored as JSON (Spring's ObjectMapper): keep it small (ids, paths), never the
 *       upload's bytes (store those in a table first and pass their id).</li>
 *   <li><b>Graceful stop.</b> On shutdown a node stops picking new executions and waits up to
 *       {@code db-scheduler.shutdown-max-wait} for the running ones; whatever is still running then is taken over
 *       by another node once its heartbeat is missed.</li>
 * </ul>
 * Example: {@code references.ReferenceImportJob} (the admin page's reference import: one instance id for the cluster,
 * resumed after the last batch it committed, each batch committed with its progress row).
 */
@org.springframework.lang.NonNullApi
package org.chestlens.jobs;
