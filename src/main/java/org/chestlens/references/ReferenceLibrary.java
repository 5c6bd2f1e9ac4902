package org.chestlens.references;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.AnalysisUnavailableException;
import org.chestlens.analysis.ImageBytes;
import org.chestlens.imaging.DecodedImage;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.InvalidImageException;
import org.chestlens.imaging.Overlays;
import org.chestlens.inference.Embeddings;
import org.chestlens.inference.InferenceEngine;
import org.chestlens.inference.ModelManifest;
import org.chestlens.inference.Prediction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import org.chestlens.audit.AuditTrail;
import org.chestlens.operations.NodeName;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reference library for similar-case search: labelled X-rays, each kept in PostgreSQL with a thumbnail, its
 * labels, source and licence, and its embedding by the loaded models. A small default library ships inside the
 * application ({@value #DEFAULT_LOCATION}: licence-permitted images with attribution) and is loaded when the library of
 * the loaded models is empty; an admin imports more from a folder laid out like {@code ../shared/data/cxr}
 * ({@code index.csv} with a {@code path} column and one column per finding, plus the images). Imports started from
 * the admin page (and the default library's at start-up) are durable db-scheduler jobs ({@link ReferenceImportJob}):
 * one node runs one import at a time for the whole cluster, its progress is in {@code reference_import} for every
 * node to show, and a node that dies leaves it to another, which goes on after the last committed batch. Importing
 * a path again replaces its case (unique per path and embedding space), so a batch run twice adds nothing twice.
 * Another import or a clearing meanwhile is refused with {@link BusyException}.
 */
@Service
public class ReferenceLibrary implements DisposableBean {

    /** Where the default library lives on the class path: {@code index.csv}, {@code images/}, {@code NOTICE.md}. */
    public static final String DEFAULT_LOCATION = "references/";
    /** Paths of the default library's cases start with this, so a folder import never replaces them by accident. */
    static final String DEFAULT_PREFIX = "default-library/";

    private static final Logger log = LoggerFactory.getLogger(ReferenceLibrary.class);
    private static final int BATCH = 16;
    /** Big enough for the enlarged view of a similar case (the default library's images are at most 224 px). */
    private static final int THUMBNAIL_SIDE = 256;

    /** The db-scheduler task that runs imports started from the admin page (or at start-up), on one node. */
    public static final String IMPORT_TASK = "reference-import";
    /** One instance id for every import: db-scheduler then holds at most one at a time, across all nodes. */
    static final String IMPORT_INSTANCE = "library";
    private static final long FOLLOW_MILLIS = 300;

    private final ImageDecoder decoder;
    private final InferenceEngine engine;
    private final ReferenceCaseRepository repository;
    private final SimilarCases similarCases;
    private final TransactionTemplate transaction;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final ObjectProvider<AuditTrail> audit;
    private final String node;
    private final AtomicBoolean busy = new AtomicBoolean();
    // Reads the progress of imports for the pages that show them (and runs imports where no scheduler exists).
    private final ScheduledExecutorService followers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reference-import-follow");
        t.setDaemon(true);
        return t;
    });

    ReferenceLibrary(ImageDecoder decoder, InferenceEngine engine, ReferenceCaseRepository repository,
                     SimilarCases similarCases, PlatformTransactionManager transactions, JdbcTemplate jdbc, Clock clock,
                     ObjectProvider<SchedulerClient> scheduler, ObjectProvider<AuditTrail> audit,
                     ObjectProvider<NodeName> nodeName) {
        this.decoder = decoder;
        this.engine = engine;
        this.repository = repository;
        this.similarCases = similarCases;
        this.transaction = new TransactionTemplate(transactions);
        this.jdbc = jdbc;
        this.clock = clock;
        this.scheduler = scheduler;
        this.audit = audit;
        this.node = Optional.ofNullable(nodeName.getIfAvailable()).map(NodeName::value)
                .orElse("command-line-" + ProcessHandle.current().pid());
    }

    /**
     * Imports (or re-imports) the cases of a folder. Rows whose image cannot be read, or that carry no label of the
     * models, are skipped and counted.
     *
     * @param folder the folder holding {@code index.csv}
     * @param split  only rows whose {@code split} column has this value, if given
     * @param limit  at most this many rows (0: all)
     * @throws AnalysisUnavailableException no models loaded (embeddings come from them)
     * @throws UncheckedIOException         the index cannot be read
     * @throws IllegalArgumentException     the index has no {@code path} column
     * @throws BusyException                another import or clearing is running
     */
    public ImportReport importFolder(Path folder, Optional<String> split, int limit) {
        claim();
        try {
            return importRows(folderSource(folder), split, limit, (done, total) -> { }, Resume.NONE);
        } finally {
            busy.set(false);
        }
    }

    /**
     * Starts importing a folder as a durable job (db-scheduler task {@value #IMPORT_TASK}): one node runs it, another
     * takes it over if that node dies, going on after the last batch it committed. Returns at once; the future
     * follows the job's progress in PostgreSQL (from whichever node runs it) and tells {@code progress} how far it
     * got. Another import or clearing running anywhere is refused at once ({@link BusyException}); a failed import
     * completes the future with an {@link ImportFailedException} whose message is a sentence for the admin.
     *
     * @param description what is imported, in words (shown and audited)
     * @param requester   the admin who started it, for the audit trail (empty: the application itself)
     */
    public CompletableFuture<ImportReport> startImport(Path folder, Optional<String> split, int limit, String description,
                                                       Optional<Requester> requester, Progress progress) {
        return schedule(folder.toString(), split, limit, description, requester, progress);
    }

    /** Loads the default library again as a durable job, like {@link #startImport}. */
    public CompletableFuture<ImportReport> importDefaultInBackground(Optional<Requester> requester) {
        return schedule(null, Optional.empty(), 0, "the default library", requester, (done, total) -> { });
    }
    /**
     * Imports (or re-imports) the default library shipped with the application, embedded by the loaded models.
     *
     * @throws AnalysisUnavailableException no models loaded
     * @throws BusyException                another import or clearing is running
     */
    public ImportReport importDefault() {
        claim();
        try {
            return importRows(defaultSource(), Optional.empty(), 0, (done, total) -> { }, Resume.NONE);
        } finally {
            busy.set(false);
        }
    }

    /**
     * When models are loaded and their library is empty (a fresh install, or new models), starts importing the
     * default library in the background; otherwise does nothing.
     *
     * @return the running import, if one was started
     */
    public Optional<CompletableFuture<ImportReport>> startDefaultImportIfEmpty() {
        if (!engine.available() || size() > 0 || !defaultAvailable()) {
            return Optional.empty();
        }
        log.info("The reference library for {} is empty: loading the default library shipped with ChestLens in the "
                + "background (see README, \"Reference library\")", engine.embeddingSpace());
        try {
            return Optional.of(importDefaultInBackground(Optional.empty()));
        } catch (BusyException e) {
            return Optional.empty(); // another node's, or an admin's, import got there first
        }
    }

    /** Whether the application carries a default library (it does, unless built without it). */
    public static boolean defaultAvailable() {
        return new ClassPathResource(DEFAULT_LOCATION + "index.csv").exists();
    }

    /** Whether an import or clearing is running right now, on this node or (imports) on any. */
    public boolean busy() {
        return busy.get() || Boolean.TRUE.equals(jdbc.queryForObject(
                "select exists (select 1 from scheduled_tasks where task_name = ?)", Boolean.class, IMPORT_TASK));
    }

    /** The import queued or running on any node, if there is one (the newest). */
    public Optional<ImportStatus> runningImport() {
        return jdbc.query(STATUS + " where status in ('QUEUED', 'RUNNING') order by started_at desc limit 1",
                ReferenceLibrary::status).stream().findFirst();
    }

    /** An import's progress and outcome, as its job last committed them. */
    public Optional<ImportStatus> importStatus(String importId) {
        return jdbc.query(STATUS + " where id = ?", ReferenceLibrary::status, importId).stream().findFirst();
    }

    private static final String STATUS = "select id, description, status, total, done, imported, skipped, message, node, "
            + "started_at, finished_at from reference_import";

    private static ImportStatus status(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        java.sql.Timestamp finished = rs.getTimestamp("finished_at");
        return new ImportStatus(rs.getString("id"), rs.getString("description"), rs.getString("status"),
                (Integer) rs.getObject("total"), rs.getInt("done"), rs.getInt("imported"), rs.getInt("skipped"),
                Optional.ofNullable(rs.getString("message")), Optional.ofNullable(rs.getString("node")),
                rs.getTimestamp("started_at").toInstant(), Optional.ofNullable(finished).map(java.sql.Timestamp::toInstant));
    }

    private CompletableFuture<ImportReport> schedule(String folder, Optional<String> split, int limit, String description,
                                                     Optional<Requester> requester, Progress progress) {
        if (busy()) {
            throw new BusyException(BUSY);
        }
        String id = java.util.UUID.randomUUID().toString();
        java.sql.Timestamp now = java.sql.Timestamp.from(clock.instant());
        ImportRequest request = new ImportRequest(id, folder, split.orElse(null), limit,
                requester.map(Requester::accountId).orElse(null), requester.map(Requester::email).orElse(null), description);
        jdbc.update("insert into reference_import (id, description, status, started_at, updated_at) values (?, ?, 'QUEUED', ?, ?)",
                id, description, now, now);
        SchedulerClient client = scheduler.getIfAvailable();
        if (client == null) {
            // No scheduler (a command-line mode): run it here, in the background, the same way.
            followers.execute(() -> runImport(request));
        } else if (!client.scheduleIfNotExists(new TaskInstance<>(IMPORT_TASK, IMPORT_INSTANCE, request), clock.instant())) {
            jdbc.update("delete from reference_import where id = ?", id);
            throw new BusyException(BUSY);
        }
        return follow(id, progress);
    }

    /**
     * Follows an import (started here or on another node) until it ends: {@code progress} hears how far it got; the
     * future completes with its report, or with {@link ImportFailedException}.
     */
    public CompletableFuture<ImportReport> follow(String importId, Progress progress) {
        CompletableFuture<ImportReport> result = new CompletableFuture<>();
        java.util.concurrent.ScheduledFuture<?> poll = followers.scheduleWithFixedDelay(() -> {
            if (result.isDone()) {
                return;
            }
            try {
                Optional<ImportStatus> status = importStatus(importId);
                if (status.isEmpty()) {
                    result.completeExceptionally(new ImportFailedException("The import's record is gone."));
                    return;
                }
                ImportStatus s = status.get();
                if (s.total() != null) {
                    progress.rowsDone(s.done(), s.total());
                }
                if (s.status().equals("DONE")) {
                    result.complete(new ImportReport(s.imported(), s.skipped(),
                            s.finishedAt().orElse(clock.instant()).toEpochMilli() - s.startedAt().toEpochMilli()));
                } else if (s.status().equals("FAILED")) {
                    result.completeExceptionally(new ImportFailedException(s.message().orElse("Import failed.")));
                }
            } catch (RuntimeException e) {
                log.debug("Reference import {}: progress not readable now: {}", importId, e.toString());
            }
        }, 0, FOLLOW_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> poll.cancel(false));
        return result;
    }

    /**
     * Runs (or resumes) an import: the db-scheduler job's work, on whichever node picked it. Goes on after the last
     * batch committed by an earlier run (its node died); every batch commits with the progress row. Ends by writing
     * the outcome, audited under the admin who started it, in one transaction.
     */
    void runImport(ImportRequest request) {
        Optional<ImportStatus> stored = importStatus(request.importId());
        if (stored.isPresent() && (stored.get().status().equals("DONE") || stored.get().status().equals("FAILED"))) {
            return; // finished just before its node died, before db-scheduler knew
        }
        if (stored.isEmpty()) {
            java.sql.Timestamp now = java.sql.Timestamp.from(clock.instant());
            jdbc.update("insert into reference_import (id, description, status, started_at, updated_at) values (?, ?, 'QUEUED', ?, ?)",
                    request.importId(), request.description(), now, now);
        }
        ImportStatus start = stored.orElseGet(() -> importStatus(request.importId()).orElseThrow());
        jdbc.update("update reference_import set status = 'RUNNING', node = ?, updated_at = ? where id = ?", node,
                java.sql.Timestamp.from(clock.instant()), request.importId());
        if (start.done() > 0) {
            log.info("Reference import {} ({}) resumed after row {} (imported {}, skipped {} before)", request.importId(),
                    request.description(), start.done(), start.imported(), start.skipped());
        }
        Source source = request.folder() == null ? defaultSource() : folderSource(Path.of(request.folder()));
        Resume resume = new Resume(start.done(), start.imported(), start.skipped(),
                (done, total, imported, skipped) -> jdbc.update("update reference_import set done = ?, total = ?, "
                                + "imported = ?, skipped = ?, updated_at = ? where id = ?", done, total, imported, skipped,
                        java.sql.Timestamp.from(clock.instant()), request.importId()));
        String outcome;
        boolean failed;
        try {
            ImportReport report = importRows(source, Optional.ofNullable(request.split()), request.limit(), (d, t) -> { }, resume);
            long millis = clock.instant().toEpochMilli() - start.startedAt().toEpochMilli();
            outcome = String.format(java.util.Locale.ROOT, "Imported %d reference case%s (%d skipped: no readable image "
                            + "or no label) in %.1f s.", report.imported(), report.imported() == 1 ? "" : "s",
                    report.skipped(), millis / 1000.0);
            failed = false;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e; // the node is stopping: the job stays picked and another node takes it over
            }
            outcome = failureSentence(e);
            failed = true;
        }
        String sentence = outcome;
        boolean hasFailed = failed;
        transaction.executeWithoutResult(s -> {
            AuditTrail trail = audit.getIfAvailable();
            if (trail != null && request.adminId() != null) {
                String detail = request.description() + ": " + sentence;
                trail.record(request.adminId(), request.adminEmail(), hasFailed ? "REFERENCES_IMPORT_FAILED" : "REFERENCES_IMPORTED",
                        detail.length() <= 2000 ? detail : detail.substring(0, 1997) + "...");
            }
            jdbc.update("update reference_import set status = ?, message = ?, updated_at = ?, finished_at = ? where id = ?",
                    hasFailed ? "FAILED" : "DONE", sentence, java.sql.Timestamp.from(clock.instant()),
                    java.sql.Timestamp.from(clock.instant()), request.importId());
        });
    }

    /** A failed import as a sentence for the admin: never a stack trace. */
    static String failureSentence(Throwable error) {
        if (error instanceof AnalysisUnavailableException) {
            return "Cannot import: no models are loaded on this server, and the cases' image features come from them.";
        }
        if (error instanceof UncheckedIOException e) {
            IOException cause = e.getCause();
            return "Import failed. " + e.getMessage()
                    + (cause.getMessage() != null && !e.getMessage().endsWith(cause.getMessage()) ? ": " + cause.getMessage() : "")
                    + ".";
        }
        if (error instanceof IllegalArgumentException) {
            return "Import failed: " + error.getMessage() + ".";
        }
        log.error("Reference import failed", error);
        return "Import failed unexpectedly; the server log has the details. Cases imported before the failure are kept.";
    }

    private static final String BUSY = "Another import of the reference library is running. Try again when it has finished.";

    /** Where an earlier run of an import got to, and what to call after each batch (inside its transaction). */
    private record Resume(int startAt, int imported, int skipped, Checkpoint checkpoint) {
        static final Resume NONE = new Resume(0, 0, 0, (done, total, imported, skipped) -> { });
    }

    @FunctionalInterface
    private interface Checkpoint {
        void committed(int done, int total, int imported, int skipped);
    }

    /** Where an import's table and images come from. */
    private interface Source {

        /** Names it in logs. */
        String name();

        /** Names its index in errors. */
        String indexName();

        Csv index() throws IOException;

        byte[] image(String path) throws IOException;

        /** What the cases' {@code source_path} starts with. */
        String pathPrefix();
    }

    private static Source folderSource(Path folder) {
        return new Source() {
            public String name() {
                return folder.toString();
            }

            public String indexName() {
                return folder.resolve("index.csv").toString();
            }

            public Csv index() throws IOException {
                return Csv.read(folder.resolve("index.csv"));
            }

            public byte[] image(String path) throws IOException {
                return Files.readAllBytes(folder.resolve(path));
            }

            public String pathPrefix() {
                return "";
            }
        };
    }

    private static Source defaultSource() {
        return new Source() {
            public String name() {
                return "the default library (classpath:" + DEFAULT_LOCATION + ")";
            }

            public String indexName() {
                return "classpath:" + DEFAULT_LOCATION + "index.csv";
            }

            public Csv index() throws IOException {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(
                        new ClassPathResource(DEFAULT_LOCATION + "index.csv").getInputStream(), StandardCharsets.UTF_8))) {
                    return Csv.read(in, indexName());
                }
            }

            public byte[] image(String path) throws IOException {
                if (path.contains("..")) {
                    throw new IOException("not inside the default library: " + path);
                }
                try (InputStream in = new ClassPathResource(DEFAULT_LOCATION + path).getInputStream()) {
                    return in.readAllBytes();
                }
            }

            public String pathPrefix() {
                return DEFAULT_PREFIX;
            }
        };
    }

    private ImportReport importRows(Source source, Optional<String> split, int limit, Progress progress, Resume resume) {
        if (!engine.available()) {
            throw new AnalysisUnavailableException(AnalysisService.UNAVAILABLE);
        }
        long start = System.nanoTime();
        Csv index;
        try {
            index = source.index();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source.indexName(), e);
        }
        int pathColumn = index.column("path");
        if (pathColumn < 0) {
            throw new IllegalArgumentException(source.indexName() + " has no 'path' column");
        }
        int splitColumn = index.column("split");
        int sourceColumn = index.column("source");
        int licenseColumn = index.column("license");
        int attributionColumn = index.column("attribution");
        ModelManifest manifest = engine.manifest().orElseThrow();
        Map<String, Integer> findingColumns = index.findingColumns(manifest);
        String space = engine.embeddingSpace();
        List<List<String>> rows = index.rows().stream()
                .filter(r -> split.map(s -> s.equals(Csv.value(r, splitColumn))).orElse(true))
                .limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
        int imported = resume.imported();
        int skipped = resume.skipped();
        int total = rows.size();
        transaction.executeWithoutResult(s -> resume.checkpoint().committed(Math.min(resume.startAt(), total), total,
                resume.imported(), resume.skipped()));
        progress.rowsDone(Math.min(resume.startAt(), total), total);
        for (int from = resume.startAt(); from < rows.size(); from += BATCH) {
            int batchEnd = Math.min(rows.size(), from + BATCH);
            List<List<String>> batch = rows.subList(from, batchEnd);
            List<DecodedImage> decoded = new ArrayList<>();
            List<List<String>> kept = new ArrayList<>();
            for (List<String> row : batch) {
                if (labels(row, findingColumns).isEmpty()) {
                    // Nothing to compare with (e.g. only labels the models do not know); findings are never empty.
                    skipped++;
                    log.debug("Reference row skipped: {}: no label of the models", Csv.value(row, pathColumn));
                    continue;
                }
                try {
                    decoded.add(decoder.decode(source.image(Csv.value(row, pathColumn))));
                    kept.add(row);
                } catch (IOException | InvalidImageException e) {
                    skipped++;
                    log.debug("Reference image skipped: {}: {}", Csv.value(row, pathColumn), e.getMessage());
                }
            }
            if (decoded.isEmpty()) {
                int importedSoFar = imported;
                int skippedSoFar = skipped;
                transaction.executeWithoutResult(s -> resume.checkpoint().committed(batchEnd, total, importedSoFar, skippedSoFar));
                progress.rowsDone(batchEnd, total);
                continue;
            }
            List<Prediction> predictions = engine.predictBatch(decoded.stream().map(DecodedImage::grey).toList(),
                    decoded.stream().map(DecodedImage::saturation).toList());
            Instant now = clock.instant();
            List<ReferenceCase> cases = new ArrayList<>();
            for (int i = 0; i < kept.size(); i++) {
                List<String> row = kept.get(i);
                cases.add(new ReferenceCase(source.pathPrefix() + Csv.value(row, pathColumn),
                        text(row, sourceColumn, 64), text(row, licenseColumn, 200), text(row, attributionColumn, 500),
                        labels(row, findingColumns), Overlays.thumbnail(decoded.get(i).grey(), THUMBNAIL_SIDE).bytes(),
                        Embeddings.toBytes(predictions.get(i).embedding()), space, now));
            }
            int importedSoFar = imported + cases.size();
            int skippedSoFar = skipped;
            // The cases and the import's progress commit together: a run taken over after this batch starts after it.
            transaction.executeWithoutResult(s -> {
                for (ReferenceCase c : cases) {
                    repository.deleteByPathAndSpace(c.getSourcePath(), space);
                }
                repository.saveAll(cases);
                resume.checkpoint().committed(batchEnd, total, importedSoFar, skippedSoFar);
            });
            // The triggers recorded the replaced and new cases in similar_case_change: every node's index follows.
            similarCases.catchUp();
            imported = importedSoFar;
            progress.rowsDone(batchEnd, total);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        log.info("Reference library: {} cases imported from {} ({} skipped) in {} ms", imported, source.name(), skipped,
                millis);
        return new ImportReport(imported, skipped, millis);
    }

    /** The stored thumbnail of a reference case (PNG; public: the library holds no patient data). */
    public Optional<ImageBytes> thumbnail(long referenceCaseId) {
        return repository.findThumbnail(referenceCaseId).map(bytes -> new ImageBytes(bytes, "image/png"));
    }

    /** How many reference cases are stored for the loaded models. */
    public long size() {
        return engine.available() ? repository.countByEmbeddingSpace(engine.embeddingSpace()) : 0;
    }

    /** How many stored cases carry each label (finding code), most frequent first; empty without models. */
    public List<LabelCount> countsByLabel() {
        if (!engine.available()) {
            return List.of();
        }
        return repository.countByLabel(engine.embeddingSpace()).stream()
                .map(c -> new LabelCount(c.getCode(), c.getCases())).toList();
    }

    /** The stored cases of the loaded models, newest import first, without their images. */
    public Page<Listed> cases(Pageable pageable) {
        if (!engine.available()) {
            return Page.empty(pageable);
        }
        return repository.findListed(engine.embeddingSpace(), pageable)
                .map(c -> new Listed(c.getId(), c.getSourcePath(), Optional.ofNullable(c.getSource()),
                        Optional.ofNullable(c.getLicense()), new TreeSet<>(c.getFindings()), c.getImportedAt()));
    }

    /**
     * Deletes every case of the loaded models and empties the similar-case search of them.
     *
     * @return how many cases were deleted
     * @throws BusyException an import is running
     */
    public int clear() {
        if (!engine.available()) {
            return 0;
        }
        if (busy()) {
            throw new BusyException(BUSY);
        }
        claim();
        try {
            Integer deleted = transaction.execute(s -> repository.deleteByEmbeddingSpace(engine.embeddingSpace()));
            // Each deleted case is in similar_case_change: this node's index drops them now, the others at their poll.
            similarCases.catchUp();
            log.info("Reference library cleared: {} cases deleted", deleted);
            return deleted == null ? 0 : deleted;
        } finally {
            busy.set(false);
        }
    }

    @Override
    public void destroy() {
        followers.shutdownNow();
    }

    private void claim() {
        if (!busy.compareAndSet(false, true)) {
            throw new BusyException(BUSY);
        }
        if (busy.get() && Boolean.TRUE.equals(jdbc.queryForObject(
                "select exists (select 1 from scheduled_tasks where task_name = ?)", Boolean.class, IMPORT_TASK))) {
            busy.set(false); // an import job runs somewhere in the cluster
            throw new BusyException(BUSY);
        }
    }

    /** Told after each batch of an import. */
    @FunctionalInterface
    public interface Progress {

        /**
         * @param done  rows handled so far (imported or skipped)
         * @param total rows to handle
         */
        void rowsDone(int done, int total);
    }

    /** Who started an import, for the audit trail (the job runs without a session, maybe on another node). */
    public record Requester(long accountId, String email) {
    }

    /**
     * What the durable job needs to run or resume an import: stored as JSON with its db-scheduler execution.
     *
     * @param folder null for the default library
     */
    public record ImportRequest(String importId, String folder, String split, int limit, Long adminId, String adminEmail,
                                String description) {
    }

    /**
     * An import's progress as its job last committed it (table {@code reference_import}).
     *
     * @param status QUEUED, RUNNING, DONE or FAILED
     * @param total  rows to handle, once the job has read the index
     * @param done   rows handled (imported or skipped)
     */
    public record ImportStatus(String id, String description, String status, Integer total, int done, int imported,
                               int skipped, Optional<String> message, Optional<String> node, Instant startedAt,
                               Optional<Instant> finishedAt) {
    }

    /** An import ended without finishing; the message is a sentence for the admin. */
    public static class ImportFailedException extends RuntimeException {

        ImportFailedException(String message) {
            super(message);
        }
    }

    /** An import or clearing is already running; the message is a sentence for the admin. */
    public static class BusyException extends RuntimeException {

        BusyException(String message) {
            super(message);
        }
    }

    /**
     * How many cases carry a label.
     *
     * @param code  a finding code of the models ({@code no_finding} for normals)
     * @param cases number of cases
     */
    public record LabelCount(String code, long cases) {
    }

    /**
     * A stored case, without its images.
     *
     * @param id         the id {@link #thumbnail(long)} takes
     * @param sourcePath its {@code path} in the imported {@code index.csv} ({@value #DEFAULT_PREFIX}... for the
     *                   default library's)
     * @param source     its {@code source} column, if any
     * @param license    its {@code license} column, if any
     * @param labels     finding codes labelled present
     * @param importedAt when it was (last) imported
     */
    public record Listed(long id, String sourcePath, Optional<String> source, Optional<String> license,
                         Set<String> labels, Instant importedAt) {
    }

    /**
     * What an import did.
     *
     * @param imported  cases added or replaced
     * @param skipped   rows without a usable image (unreadable, refused by the decoder) or without any label of the
     *                  models
     * @param millis    wall time
     */
    public record ImportReport(int imported, int skipped, long millis) {
    }

    private static Set<String> labels(List<String> row, Map<String, Integer> findingColumns) {
        Set<String> codes = new TreeSet<>();
        findingColumns.forEach((code, column) -> {
            if ("1".equals(Csv.value(row, column).trim())) {
                codes.add(code);
            }
        });
        return codes;
    }

    /** The row's value in the column, cut to what the table column holds; null when empty. */
    private static String text(List<String> row, int column, int max) {
        String s = Csv.value(row, column).strip();
        return s.isEmpty() ? null : s.length() <= max ? s : s.substring(0, max);
    }
}
