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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
import org.springframework.beans.factory.DisposableBean;
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
 * ({@code index.csv} with a {@code path} column and one column per finding, plus the images). One import or
 * clearing runs at a time in the application; another one meanwhile is refused with {@link BusyException}.
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

    private final ImageDecoder decoder;
    private final InferenceEngine engine;
    private final ReferenceCaseRepository repository;
    private final SimilarCases similarCases;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final AtomicBoolean busy = new AtomicBoolean();
    // One thread: an import already uses both cores through the inference pool; the busy flag keeps it to one job.
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "reference-import");
        t.setDaemon(true);
        return t;
    });

    ReferenceLibrary(ImageDecoder decoder, InferenceEngine engine, ReferenceCaseRepository repository,
                     SimilarCases similarCases, PlatformTransactionManager transactions, Clock clock) {
        this.decoder = decoder;
        this.engine = engine;
        this.repository = repository;
        this.similarCases = similarCases;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
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
            return importRows(folderSource(folder), split, limit, (done, total) -> { });
        } finally {
            busy.set(false);
        }
    }

    /**
     * {@link #importFolder(Path, Optional, int)} on a background thread, telling {@code progress} how far it got
     * after each batch. A running import or clearing is refused at once ({@link BusyException}); every other failure
     * completes the future exceptionally.
     */
    public CompletableFuture<ImportReport> startImport(Path folder, Optional<String> split, int limit, Progress progress) {
        return inBackground(() -> importRows(folderSource(folder), split, limit, progress));
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
            return importRows(defaultSource(), Optional.empty(), 0, (done, total) -> { });
        } finally {
            busy.set(false);
        }
    }

    /** {@link #importDefault()} on a background thread (refused at once with {@link BusyException} while busy). */
    public CompletableFuture<ImportReport> importDefaultInBackground() {
        return inBackground(() -> importRows(defaultSource(), Optional.empty(), 0, (done, total) -> { }));
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
            return Optional.of(importDefaultInBackground());
        } catch (BusyException e) {
            return Optional.empty(); // an admin's import got there first
        }
    }

    /** Whether the application carries a default library (it does, unless built without it). */
    public static boolean defaultAvailable() {
        return new ClassPathResource(DEFAULT_LOCATION + "index.csv").exists();
    }

    /** Whether an import or clearing is running right now. */
    public boolean busy() {
        return busy.get();
    }

    private CompletableFuture<ImportReport> inBackground(java.util.function.Supplier<ImportReport> job) {
        claim();
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return job.get();
                } finally {
                    busy.set(false);
                }
            }, background);
        } catch (RejectedExecutionException e) {
            busy.set(false);
            throw e;
        }
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

    private ImportReport importRows(Source source, Optional<String> split, int limit, Progress progress) {
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
        int imported = 0;
        int skipped = 0;
        progress.rowsDone(0, rows.size());
        for (int from = 0; from < rows.size(); from += BATCH) {
            List<List<String>> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
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
                progress.rowsDone(imported + skipped, rows.size());
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
            transaction.executeWithoutResult(s -> {
                for (ReferenceCase c : cases) {
                    repository.deleteByPathAndSpace(c.getSourcePath(), space);
                }
                repository.saveAll(cases);
            });
            // The triggers recorded the replaced and new cases in similar_case_change: every node's index follows.
            similarCases.catchUp();
            imported += cases.size();
            progress.rowsDone(imported + skipped, rows.size());
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
        background.shutdownNow();
    }

    private void claim() {
        if (!busy.compareAndSet(false, true)) {
            throw new BusyException("Another import of the reference library is running. Try again when it has finished.");
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
