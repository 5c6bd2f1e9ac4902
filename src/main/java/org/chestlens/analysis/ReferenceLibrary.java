package org.chestlens.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.chestlens.imaging.DecodedImage;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.InvalidImageException;
import org.chestlens.inference.InferenceEngine;
import org.chestlens.inference.ModelManifest;
import org.chestlens.inference.Prediction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reference library for similar-case search: labelled X-rays an admin imports from a folder laid out like
 * {@code ../shared/data/cxr} ({@code index.csv} with a {@code path} column and one column per finding, plus the
 * images). Each case keeps a thumbnail, its labels and its embedding in PostgreSQL. One import or clearing runs
 * at a time in the application; another one meanwhile is refused with {@link BusyException}.
 */
@Service
public class ReferenceLibrary implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReferenceLibrary.class);
    private static final int BATCH = 16;

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
            return importRows(folder, split, limit, (done, total) -> { });
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
        claim();
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return importRows(folder, split, limit, progress);
                } finally {
                    busy.set(false);
                }
            }, background);
        } catch (RejectedExecutionException e) {
            busy.set(false);
            throw e;
        }
    }

    /** Whether an import or clearing is running right now. */
    public boolean busy() {
        return busy.get();
    }

    private ImportReport importRows(Path folder, Optional<String> split, int limit, Progress progress) {
        if (!engine.available()) {
            throw new AnalysisUnavailableException(AnalysisService.UNAVAILABLE);
        }
        long start = System.nanoTime();
        Csv index;
        try {
            index = Csv.read(folder.resolve("index.csv"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + folder.resolve("index.csv"), e);
        }
        int pathColumn = index.column("path");
        if (pathColumn < 0) {
            throw new IllegalArgumentException(folder.resolve("index.csv") + " has no 'path' column");
        }
        int splitColumn = index.column("split");
        int sourceColumn = index.column("source");
        ModelManifest manifest = engine.manifest().orElseThrow();
        Map<String, Integer> findingColumns = findingColumns(index, manifest);
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
                    decoded.add(decoder.decode(Files.readAllBytes(folder.resolve(Csv.value(row, pathColumn)))));
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
                cases.add(new ReferenceCase(Csv.value(row, pathColumn), emptyToNull(Csv.value(row, sourceColumn)),
                        labels(row, findingColumns), Renderings.thumbnail(decoded.get(i).grey()).bytes(),
                        Converters.floats(predictions.get(i).embedding()), space, now));
            }
            List<Long> replaced = new ArrayList<>();
            transaction.executeWithoutResult(s -> {
                for (List<String> row : kept) {
                    String path = Csv.value(row, pathColumn);
                    replaced.addAll(repository.findIdsByPathAndSpace(path, space));
                    repository.deleteByPathAndSpace(path, space);
                }
                repository.saveAll(cases);
            });
            replaced.forEach(id -> similarCases.remove(SimilarCases.referenceKey(id)));
            for (int i = 0; i < cases.size(); i++) {
                ReferenceCase c = cases.get(i);
                similarCases.put(new SimilarityIndex.Entry(SimilarCases.referenceKey(c.getId()), null, c.getFindings()),
                        predictions.get(i).embedding());
            }
            imported += cases.size();
            progress.rowsDone(imported + skipped, rows.size());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        log.info("Reference library: {} cases imported from {} ({} skipped) in {} ms", imported, folder, skipped, millis);
        return new ImportReport(imported, skipped, millis);
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
                        new TreeSet<>(c.getFindings()), c.getImportedAt()));
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
            // Reloaded from PostgreSQL on next use: the confirmed analyses stay, the references are gone.
            similarCases.reset();
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
     * @param id         the id {@link AnalysisService#referenceThumbnail(long)} takes
     * @param sourcePath its {@code path} in the imported {@code index.csv}
     * @param source     its {@code source} column, if any
     * @param labels     finding codes labelled present
     * @param importedAt when it was (last) imported
     */
    public record Listed(long id, String sourcePath, Optional<String> source, Set<String> labels, Instant importedAt) {
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

    /** index.csv columns that name a finding of the models, by code. */
    static Map<String, Integer> findingColumns(Csv index, ModelManifest manifest) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ModelManifest.FindingSpec f : manifest.findings()) {
            for (int i = 0; i < index.header().size(); i++) {
                if (Csv.code(index.header().get(i)).equals(f.code())) {
                    out.put(f.code(), i);
                }
            }
        }
        return out;
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

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
