package org.chestlens.analysis;

import java.util.List;

/**
 * A case that looks like the analysed image (cosine similarity of the model's image embedding).
 *
 * @param source      where it comes from
 * @param id          for {@link Source#REFERENCE}: the reference case id (see
 *                    {@link AnalysisService#referenceThumbnail(long)}); for {@link Source#OWN_ANALYSIS}: the
 *                    analysis' public id (its thumbnail via {@link AnalysisService#thumbnail})
 * @param similarity  cosine similarity in [-1, 1], higher is closer
 * @param findings    finding codes of its diagnosis (labels for references, confirmed findings for own analyses);
 *                    {@code no_finding} for normal cases
 * @param diagnosis   the same as human text, e.g. "Pneumonia, Bacterial Pneumonia" or "No Finding"
 */
public record SimilarCase(Source source, String id, double similarity, List<String> findings, String diagnosis) {

    public enum Source {
        /** The reference library an admin imported. */
        REFERENCE,
        /** One of the requesting clinician's own analyses with confirmed findings. */
        OWN_ANALYSIS
    }
}
