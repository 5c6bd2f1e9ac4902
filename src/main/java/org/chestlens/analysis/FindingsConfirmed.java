package org.chestlens.analysis;

/**
 * Published after the owner confirmed (or, with no findings, withdrew the confirmation of) an analysis' findings;
 * {@link AnalysisService#embedding} reads its state now.
 *
 * @param publicId the analysis' public id
 * @param ownerId  its owner
 */
public record FindingsConfirmed(String publicId, long ownerId) {
}
