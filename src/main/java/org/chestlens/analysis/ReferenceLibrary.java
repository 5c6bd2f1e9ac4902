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
import org.chestlens.imaging.DecodedImage;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.InvalidImageException;
import org.chestlens.inference.InferenceEngine;
import org.chestlens.inference.ModelManifest;
import org.chestlens.inference.Prediction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reference library for similar-case search: labelled X-rays an admin imports from a folder laid out like
 * {@code ../shared/data/cxr} ({@code index.csv} with a {@code path} column and one column per finding, plus the
 * images). Each case keeps a thumbnail, its labels and its embedding in PostgreSQL.
 */
@Service
public class ReferenceLibrary {

    private static final Logger log = LoggerFactory.getLogger(ReferenceLibrary.class);
    private static final int BATCH = 16;

    private final ImageDecoder decoder;
    private final InferenceEngine engine;
    private final ReferenceCaseRepository repository;
    private final SimilarCases similarCases;
    private final TransactionTemplate transaction;
    private final Clock clock;

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
     * Imports (or re-imports) the cases of a folder. Rows whose image cannot be read are skipped and counted.
     *
     * @param folder the folder holding {@code index.csv}
     * @param split  only rows whose {@code split} column has this value, if given
     * @param limit  at most this many rows (0: all)
     * @throws AnalysisUnavailableException no models loaded (embeddings come from them)
     * @throws UncheckedIOException         the index cannot be read
     */
    public ImportReport importFolder(Path folder, Optional<String> split, int limit) {
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
        for (int from = 0; from < rows.size(); from += BATCH) {
            List<List<String>> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
            List<DecodedImage> decoded = new ArrayList<>();
            List<List<String>> kept = new ArrayList<>();
            for (List<String> row : batch) {
                try {
                    decoded.add(decoder.decode(Files.readAllBytes(folder.resolve(Csv.value(row, pathColumn)))));
                    kept.add(row);
                } catch (IOException | InvalidImageException e) {
                    skipped++;
                    log.debug("Reference image skipped: {}: {}", Csv.value(row, pathColumn), e.getMessage());
                }
            }
            if (decoded.isEmpty()) {
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
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        log.info("Reference library: {} cases imported from {} ({} skipped) in {} ms", imported, folder, skipped, millis);
        return new ImportReport(imported, skipped, millis);
    }

    /** How many reference cases are stored for the loaded models. */
    public long size() {
        return engine.available() ? repository.countByEmbeddingSpace(engine.embeddingSpace()) : 0;
    }

    /**
     * What an import did.
     *
     * @param imported  cases added or replaced
     * @param skipped   rows without a usable image (unreadable, refused by the decoder)
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
