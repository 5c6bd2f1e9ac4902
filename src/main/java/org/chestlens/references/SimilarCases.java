package org.chestlens.references;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
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
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Similar-case search: the {@code k} cases most like an analysis among the reference library and the requesting
 * clinician's own analyses with confirmed findings. The index holds the loaded models' embedding space, filled from
 * PostgreSQL on first use and kept in step by the library (imports, clearing) and the analysis feature's events
 * (confirmed findings, deletions).
 */
@Service
public class SimilarCases {

    private static final Logger log = LoggerFactory.getLogger(SimilarCases.class);
    private static final String REFERENCE = "ref:";
    private static final String ANALYSIS = "analysis:";

    private final InferenceEngine engine;
    private final ReferenceCaseRepository references;
    private final AnalysisService analyses;
    private volatile SimilarityIndex index;

    SimilarCases(InferenceEngine engine, ReferenceCaseRepository references, AnalysisService analyses) {
        this.engine = engine;
        this.references = references;
        this.analyses = analyses;
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
        // Ask for a few more: cases deleted behind the index's back (e.g. own analyses with their patient) drop out.
        List<SimilarityIndex.Hit> hits = index(embedding.length).search(embedding, requesterId, k + 5,
                analysisKey(publicId));
        Set<String> ownIds = idsWithPrefix(hits, ANALYSIS);
        Set<String> stillConfirmed = analyses.stillConfirmed(ownIds);
        Map<Long, ReferenceCaseRepository.Described> described = references.findDescribed(
                        idsWithPrefix(hits, REFERENCE).stream().map(Long::valueOf).toList()).stream()
                .collect(Collectors.toMap(ReferenceCaseRepository.Described::getId, Function.identity()));
        List<FindingDescription> catalogue = analyses.findingCatalogue();
        List<SimilarCase> out = new ArrayList<>();
        for (SimilarityIndex.Hit hit : hits) {
            String key = hit.entry().key();
            boolean reference = key.startsWith(REFERENCE);
            String id = key.substring(key.indexOf(':') + 1);
            ReferenceCaseRepository.Described details = reference ? described.get(Long.valueOf(id)) : null;
            if (reference ? details == null : !stillConfirmed.contains(id)) {
                remove(key);
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

    @EventListener
    void findingsConfirmed(FindingsConfirmed event) {
        String key = analysisKey(event.publicId());
        Optional<AnalysisEmbedding> analysis = analyses.embedding(event.publicId(), Optional.of(event.ownerId()));
        if (analysis.isEmpty() || analysis.get().confirmedFindings().isEmpty() || !engine.available()
                || !analysis.get().embeddingSpace().equals(engine.embeddingSpace())) {
            remove(key);
        } else {
            put(new SimilarityIndex.Entry(key, event.ownerId(), analysis.get().confirmedFindings()),
                    analysis.get().embedding());
        }
    }

    @EventListener
    void analysesDeleted(AnalysesDeleted event) {
        event.publicIds().forEach(id -> remove(analysisKey(id)));
    }

    static String referenceKey(long id) {
        return REFERENCE + id;
    }

    static String analysisKey(String publicId) {
        return ANALYSIS + publicId;
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

    /** Drops the in-memory index; the next use reloads it (after clearing the library, or in tests). */
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
        Converters.CodeSet codes = new Converters.CodeSet();
        int skipped = 0;
        for (ReferenceCaseRepository.Indexed r : references.findIndexed(space)) {
            float[] e = Embeddings.fromBytes(r.getEmbedding());
            if (e.length == dimensions) {
                loaded.put(new SimilarityIndex.Entry(referenceKey(r.getId()), null,
                        codes.convertToEntityAttribute(r.getFindings())), e);
            } else {
                skipped++;
            }
        }
        for (AnalysisEmbedding a : analyses.confirmedEmbeddings(space)) {
            if (a.embedding().length == dimensions) {
                loaded.put(new SimilarityIndex.Entry(analysisKey(a.publicId()), a.ownerId().orElse(null),
                        a.confirmedFindings()), a.embedding());
            }
        }
        log.info("Similarity index for {}: {} cases loaded in {} ms{}", space, loaded.size(),
                (System.nanoTime() - t0) / 1_000_000, skipped == 0 ? "" : " (" + skipped + " skipped)");
        return loaded;
    }

    private static Set<String> idsWithPrefix(List<SimilarityIndex.Hit> hits, String prefix) {
        return hits.stream().map(h -> h.entry().key()).filter(key -> key.startsWith(prefix))
                .map(key -> key.substring(prefix.length())).collect(Collectors.toSet());
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
