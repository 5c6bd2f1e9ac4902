package org.chestlens.analysis;

import java.util.Optional;
import java.util.Set;

/**
 * What similar-case search needs of an analysis: its image embedding in the space it was computed in, its owner and
 * the findings the owner confirmed (empty when not confirmed).
 *
 * @param id                the analysis' internal id (the similar-case index's key; never shown)
 * @param publicId          the analysis' public id
 * @param ownerId           its owner; empty for an anonymous analysis
 * @param embeddingSpace    models and member that computed the embedding ({@code InferenceEngine#embeddingSpace})
 * @param embedding         the similarity member's pooled features
 * @param confirmedFindings finding codes the owner confirmed
 */
public record AnalysisEmbedding(long id, String publicId, Optional<Long> ownerId, String embeddingSpace, float[] embedding,
                                Set<String> confirmedFindings) {
}
