package org.chestlens.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.chestlens.inference.InferenceEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The similarity index of the loaded models' embedding space, filled from PostgreSQL on first use (reference
 * library + confirmed analyses) and kept in step by the services that change either.
 */
@Component
class SimilarCases {

    private static final Logger log = LoggerFactory.getLogger(SimilarCases.class);

    private final InferenceEngine engine;
    private final ReferenceCaseRepository references;
    private final AnalysisRepository analyses;
    private volatile SimilarityIndex index;

    SimilarCases(InferenceEngine engine, ReferenceCaseRepository references, AnalysisRepository analyses) {
        this.engine = engine;
        this.references = references;
        this.analyses = analyses;
    }

    static String referenceKey(long id) {
        return "ref:" + id;
    }

    static String analysisKey(String publicId) {
        return "analysis:" + publicId;
    }

    List<SimilarityIndex.Hit> search(float[] embedding, Optional<Long> requester, int k, String excludeKey) {
        return index(embedding.length).search(embedding, requester, k, excludeKey);
    }

    void put(SimilarityIndex.Entry entry, float[] embedding) {
        index(embedding.length).put(entry, embedding);
    }

    void remove(String key) {
        SimilarityIndex current = index;
        if (current != null) {
            current.remove(key);
        }
    }

    /** Drops the in-memory index; the next use reloads it (after a bulk import, or in tests). */
    void reset() {
        index = null;
    }

    private SimilarityIndex index(int dimensions) {
        SimilarityIndex current = index;
        if (current == null) {
            synchronized (this) {
                current = index;
                if (current == null) {
                    current = load(dimensions);
                    index = current;
                }
            }
        }
        return current;
    }

    private SimilarityIndex load(int dimensions) {
        long t0 = System.nanoTime();
        String space = engine.embeddingSpace();
        SimilarityIndex loaded = new SimilarityIndex(dimensions);
        List<String> skipped = new ArrayList<>();
        for (ReferenceCaseRepository.Indexed r : references.findIndexed(space)) {
            float[] e = Converters.floats(r.getEmbedding());
            if (e.length == dimensions) {
                loaded.put(new SimilarityIndex.Entry(referenceKey(r.getId()), null,
                        new Converters.CodeSet().convertToEntityAttribute(r.getFindings())), e);
            } else {
                skipped.add(referenceKey(r.getId()));
            }
        }
        for (AnalysisRepository.Confirmed a : analyses.findConfirmed(space)) {
            float[] e = Converters.floats(a.getEmbedding());
            Set<String> findings = new Converters.CodeSet().convertToEntityAttribute(a.getConfirmedFindings());
            if (e.length == dimensions) {
                loaded.put(new SimilarityIndex.Entry(analysisKey(a.getPublicId()), a.getOwnerId(), findings), e);
            }
        }
        log.info("Similarity index for {}: {} cases loaded in {} ms{}", space, loaded.size(),
                (System.nanoTime() - t0) / 1_000_000, skipped.isEmpty() ? "" : " (" + skipped.size() + " skipped)");
        return loaded;
    }
}
