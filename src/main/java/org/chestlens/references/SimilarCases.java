package org.chestlens.references;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.chestlens.analysis.AnalysesDeleted;
import org.chestlens.analysis.AnalysisEmbedding;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.Converters;
import org.chestlens.analysis.FindingDescription;
import org.chestlens.analysis.FindingsConfirmed;
import org.chestlens.inference.Embeddings;
import org.chestlens.inference.InferenceEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Similar-case search: the {@code k} cases most like an analysis among the reference library and the requesting
 * clinician's own analyses with confirmed findings. The index holds the loaded models' embedding space, filled from
 * PostgreSQL on first use and then kept in step with the change sequence {@code similar_case_change} (migration
 * V73: database triggers add a row per reference case added or deleted and per analysis confirmed, withdrawn or
 * deleted, in the transaction of the change). Every {@code chestlens.similar-cases.poll-interval} (1 s) the node
 * reads the rows after the last one it applied and re-reads those cases from their tables, so whatever any node
 * commits reaches this node's index within a poll or two, without a reload; a change made on this node is applied at
 * once (its events and the library call {@link #catchUp()}). An idle poll is one indexed query that returns nothing.
 */
@Service
public class SimilarCases implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SimilarCases.class);
    /** Changes read per query while catching up (an import of a large library arrives in pages). */
    static final int PAGE = 1000;

    private final InferenceEngine engine;
    private final ReferenceCaseRepository references;
    private final AnalysisService analyses;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshot;
    private final Clock clock;
    private final Duration changesKept;
    private final Timer catchUps;
    private final ScheduledExecutorService poller;
    private volatile Loaded loaded;
    private volatile boolean pollFailing;

    /** The index with the last change it holds, and when it last caught up. */
    private static final class Loaded {
        final SimilarityIndex index;
        final String space;
        long lastChange;
        volatile Instant caughtUpAt;

        Loaded(SimilarityIndex index, String space, long lastChange, Instant caughtUpAt) {
            this.index = index;
            this.space = space;
            this.lastChange = lastChange;
            this.caughtUpAt = caughtUpAt;
        }
    }

    /** From how many cases the index is partitioned, and how many lists a search scans (README, "Memory"). */
    private final int partitionFrom;
    private final int nprobe;

    SimilarCases(InferenceEngine engine, ReferenceCaseRepository references, AnalysisService analyses,
                 DataSource dataSource, PlatformTransactionManager transactions, Clock clock, MeterRegistry meters,
                 @Value("${chestlens.similar-cases.poll-interval:PT1S}") Duration pollInterval,
                 @Value("${chestlens.similar-cases.changes-kept:P1D}") Duration changesKept,
                 @Value("${chestlens.similar-cases.partition-from:" + SimilarityIndex.DEFAULT_PARTITION_FROM + "}")
                 int partitionFrom,
                 @Value("${chestlens.similar-cases.nprobe:" + SimilarityIndex.DEFAULT_NPROBE + "}") int nprobe) {
        // Checked again by SimilarityIndex, but only when the first index loads: a wrong setting fails the start instead.
        if (partitionFrom < 1 || nprobe < 1) {
            throw new IllegalArgumentException("chestlens.similar-cases.partition-from and .nprobe must be at least 1");
        }
        this.partitionFrom = partitionFrom;
        this.nprobe = nprobe;
        this.engine = engine;
        this.references = references;
        this.analyses = analyses;
        this.jdbc = new JdbcTemplate(dataSource);
        // Loading streams a million embeddings (2 KB each): a few hundred rows per round trip, never all at once.
        this.jdbc.setFetchSize(500);
        this.snapshot = new TransactionTemplate(transactions);
        // One snapshot for the whole load and the change it starts after: nothing committed between them is lost.
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
        this.clock = clock;
        this.changesKept = changesKept;
        this.catchUps = Timer.builder("chestlens.similar_cases.catch_up")
                .description("Reading the similar-case change sequence and applying it (one query when idle)")
                .register(meters);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "similar-case-changes");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(10, pollInterval.toMillis());
        poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * The {@code k} most similar cases (never the analysis itself), most similar first. Empty for rejected analyses,
     * ones the requester may not open, and analyses made with other models than the loaded ones.
     */
    public List<SimilarCase> find(String publicId, Optional<Long> requesterId, int k) {
        Optional<AnalysisEmbedding> analysis = analyses.embedding(publicId, requesterId);
        if (analysis.isEmpty() || !engine.available()
                || !analysis.get().embeddingSpace().equals(engine.embeddingSpace())) {
            return List.of();
        }
        float[] embedding = analysis.get().embedding();
        // A few more: cases deleted since the last poll drop out (re-ranking reads them; gone ones are left out).
        String space = analysis.get().embeddingSpace();
        List<SimilarityIndex.Hit> hits = index(embedding.length).search(embedding, requesterId, k + 5,
                analysisKey(analysis.get().id()), keys -> exactEmbeddings(keys, space));
        Map<Long, String> stillConfirmed = analyses.stillConfirmed(idsOf(hits, false));
        Map<Long, ReferenceCaseRepository.Described> described = references.findDescribed(idsOf(hits, true)).stream()
                .collect(Collectors.toMap(ReferenceCaseRepository.Described::getId, Function.identity()));
        List<FindingDescription> catalogue = analyses.findingCatalogue();
        List<SimilarCase> out = new ArrayList<>();
        for (SimilarityIndex.Hit hit : hits) {
            long key = hit.entry().key();
            boolean reference = isReference(key);
            ReferenceCaseRepository.Described details = reference ? described.get(idOf(key)) : null;
            String id = reference ? String.valueOf(idOf(key)) : stillConfirmed.get(idOf(key));
            if (reference ? details == null : id == null) {
                continue;
            }
            List<String> codes = inCardOrder(hit.entry().findings(), catalogue);
            String diagnosis = codes.stream().map(c -> label(c, catalogue)).collect(Collectors.joining(", "));
            out.add(new SimilarCase(reference ? SimilarCase.Source.REFERENCE : SimilarCase.Source.OWN_ANALYSIS, id,
                    hit.similarity(), codes, diagnosis.isEmpty() ? "No label" : diagnosis,
                    Optional.ofNullable(details).map(ReferenceCaseRepository.Described::getSource),
                    Optional.ofNullable(details).map(ReferenceCaseRepository.Described::getLicense),
                    Optional.ofNullable(details).map(ReferenceCaseRepository.Described::getAttribution)));
            if (out.size() == k) {
                break;
            }
        }
        return out;
    }

    /** The stored float embeddings of these cases, for the index's exact re-ranking of its candidates. */
    private Map<Long, float[]> exactEmbeddings(Collection<Long> keys, String space) {
        Map<Long, float[]> out = new HashMap<>();
        Long[] referenceIds = keys.stream().filter(SimilarCases::isReference).map(SimilarCases::idOf).toArray(Long[]::new);
        if (referenceIds.length > 0) {
            jdbc.query(con -> {
                PreparedStatement ps = con.prepareStatement("select id, embedding from reference_case where id = any(?)");
                ps.setArray(1, con.createArrayOf("bigint", referenceIds));
                return ps;
            }, rs -> {
                out.put(referenceKey(rs.getLong(1)), Embeddings.fromBytes(rs.getBytes(2)));
            });
        }
        List<Long> analysisIds = keys.stream().filter(key -> !isReference(key)).map(SimilarCases::idOf).toList();
        analyses.confirmedEmbeddings(analysisIds, space).forEach(a -> out.put(analysisKey(a.id()), a.embedding()));
        return out;
    }

    /** This node's own change: applied at once rather than at the next poll. */
    @EventListener
    void findingsConfirmed(FindingsConfirmed event) {
        catchUp();
    }

    @EventListener
    void analysesDeleted(AnalysesDeleted event) {
        catchUp();
    }

    static long referenceKey(long id) {
        return id << 1;
    }

    static long analysisKey(long id) {
        return (id << 1) | 1;
    }

    private static boolean isReference(long key) {
        return (key & 1) == 0;
    }

    private static long idOf(long key) {
        return key >>> 1;
    }

    /**
     * Applies the changes committed since the index was loaded or last caught up (on any node). Does nothing while
     * the index is not loaded: loading reads the current state.
     */
    void catchUp() {
        Loaded current = loaded;
        if (current == null) {
            return;
        }
        synchronized (current) {
            if (loaded != current) {
                return;
            }
            catchUps.record(() -> {
                int applied;
                do {
                    applied = applyPage(current);
                } while (applied == PAGE);
            });
            current.caughtUpAt = clock.instant();
        }
    }

    /** One page of changes after {@code current.lastChange}; returns how many rows it read. */
    private int applyPage(Loaded current) {
        List<long[]> changes = jdbc.query("select id, kind, item from similar_case_change where id > ? order by id limit ?",
                (rs, n) -> new long[] {rs.getLong(1), rs.getString(2).charAt(0), rs.getLong(3)},
                current.lastChange, PAGE);
        if (changes.isEmpty()) {
            return 0;
        }
        Set<Long> referenceIds = new HashSet<>();
        Set<Long> analysisIds = new HashSet<>();
        for (long[] c : changes) {
            (c[1] == 'R' ? referenceIds : analysisIds).add(c[2]);
        }
        // Each changed case is read as it is now: present puts it (again), absent removes it. Order does not matter.
        Set<Long> present = new HashSet<>();
        if (!referenceIds.isEmpty()) {
            Converters.CodeSet codes = new Converters.CodeSet();
            jdbc.query(con -> {
                PreparedStatement ps = con.prepareStatement("select id, findings, embedding from reference_case "
                        + "where id = any(?) and embedding_space = ?");
                Array ids = con.createArrayOf("bigint", referenceIds.toArray());
                ps.setArray(1, ids);
                ps.setString(2, current.space);
                return ps;
            }, rs -> {
                float[] e = Embeddings.fromBytes(rs.getBytes(3));
                if (e.length == current.index.dimensions()) {
                    long id = rs.getLong(1);
                    current.index.put(new SimilarityIndex.Entry(referenceKey(id), null,
                            codes.convertToEntityAttribute(rs.getString(2))), e);
                    present.add(referenceKey(id));
                }
            });
        }
        for (AnalysisEmbedding a : analyses.confirmedEmbeddings(analysisIds, current.space)) {
            if (!a.confirmedFindings().isEmpty() && a.embedding().length == current.index.dimensions()) {
                current.index.put(new SimilarityIndex.Entry(analysisKey(a.id()), a.ownerId().orElse(null),
                        a.confirmedFindings()), a.embedding());
                present.add(analysisKey(a.id()));
            }
        }
        referenceIds.stream().map(SimilarCases::referenceKey).filter(k -> !present.contains(k)).forEach(current.index::remove);
        analysisIds.stream().map(SimilarCases::analysisKey).filter(k -> !present.contains(k)).forEach(current.index::remove);
        current.lastChange = changes.get(changes.size() - 1)[0];
        return changes.size();
    }

    /** The poller's turn: catch up, or reload when it could not for longer than the change rows are kept. */
    private void poll() {
        Loaded current = loaded;
        if (current == null) {
            return;
        }
        if (current.caughtUpAt.isBefore(clock.instant().minus(changesKept.dividedBy(2)))) {
            log.warn("The similar-case index could not follow the database's changes for {}: it is loaded again", changesKept.dividedBy(2));
            loaded = null;
            return;
        }
        try {
            catchUp();
            if (pollFailing) {
                pollFailing = false;
                log.info("The similar-case index follows the database's changes again");
            }
        } catch (RuntimeException e) {
            // The database is away (restart, network): try again next time; say so once, not every second.
            if (!pollFailing) {
                pollFailing = true;
                log.warn("The similar-case index cannot read the database's changes (retrying every poll): {}", e.toString());
            }
        }
    }

    /** Whether the loaded index holds this case (for tests: {@link #find} hides deleted cases by itself). */
    boolean indexes(SimilarCase.Source source, long id) {
        Loaded current = loaded;
        return current != null && current.index.contains(source == SimilarCase.Source.REFERENCE ? referenceKey(id) : analysisKey(id));
    }

    /** The last change the loaded index holds (0 when not loaded). */
    long lastChange() {
        Loaded current = loaded;
        if (current == null) {
            return 0;
        }
        synchronized (current) {
            return current.lastChange;
        }
    }

    /** Drops the in-memory index; the next use reloads it (in tests). */
    void reset() {
        loaded = null;
    }

    @Override
    public void destroy() {
        poller.shutdownNow();
    }

    private SimilarityIndex index(int dimensions) {
        Loaded current = loaded;
        String space = engine.embeddingSpace();
        if (current == null || !current.space.equals(space) || current.index.dimensions() != dimensions) {
            synchronized (this) {
                current = loaded;
                if (current == null || !current.space.equals(space) || current.index.dimensions() != dimensions) {
                    current = load(space, dimensions);
                    loaded = current;
                }
            }
        }
        return current.index;
    }

    private Loaded load(String space, int dimensions) {
        long t0 = System.nanoTime();
        Loaded fresh = snapshot.execute(s -> {
            long last = jdbc.queryForObject("select coalesce(max(id), 0) from similar_case_change", Long.class);
            SimilarityIndex index = new SimilarityIndex(dimensions, partitionFrom, nprobe);
            Converters.CodeSet codes = new Converters.CodeSet();
            int[] skipped = {0};
            jdbc.query("select id, findings, embedding from reference_case where embedding_space = ? order by id", rs -> {
                float[] e = Embeddings.fromBytes(rs.getBytes(3));
                if (e.length == dimensions) {
                    index.put(new SimilarityIndex.Entry(referenceKey(rs.getLong(1)), null,
                            codes.convertToEntityAttribute(rs.getString(2))), e);
                } else {
                    skipped[0]++;
                }
            }, space);
            analyses.forEachConfirmedEmbedding(space, a -> {
                if (a.embedding().length == dimensions && !a.confirmedFindings().isEmpty()) {
                    index.put(new SimilarityIndex.Entry(analysisKey(a.id()), a.ownerId().orElse(null),
                            a.confirmedFindings()), a.embedding());
                }
            });
            // Nobody searches this index yet: let its partition's training finish, as when it ran inside the puts.
            index.awaitTraining();
            log.info("Similarity index for {}: {} cases loaded in {} ms{}", space, index.size(),
                    (System.nanoTime() - t0) / 1_000_000, skipped[0] == 0 ? "" : " (" + skipped[0] + " skipped)");
            return new Loaded(index, space, last, clock.instant());
        });
        return fresh;
    }

    private static List<Long> idsOf(List<SimilarityIndex.Hit> hits, boolean references) {
        return hits.stream().map(h -> h.entry().key()).filter(key -> isReference(key) == references)
                .map(SimilarCases::idOf).toList();
    }

    private static List<String> inCardOrder(Set<String> codes, List<FindingDescription> catalogue) {
        List<String> order = catalogue.stream().map(FindingDescription::code).toList();
        return codes.stream().sorted(Comparator.comparingInt(c -> order.indexOf(c) < 0 ? Integer.MAX_VALUE : order.indexOf(c)))
                .toList();
    }

    private static String label(String code, List<FindingDescription> catalogue) {
        return catalogue.stream().filter(f -> f.code().equals(code)).map(FindingDescription::label).findFirst().orElse(code);
    }
}
