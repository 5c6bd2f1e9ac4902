package org.chestlens.references;

import java.util.List;
import java.util.Optional;

/**
 * A case that looks like the analysed image (cosine similarity of the model's image embedding).
 *
 * @param source      where it comes from
 * @param id          for {@link Source#REFERENCE}: the reference case id (see {@link ReferenceLibrary#thumbnail(long)});
 *                    for {@link Source#OWN_ANALYSIS}: the analysis' public id (its images via
 *                    {@code AnalysisService#thumbnail} and {@code #image})
 * @param similarity  cosine similarity in [-1, 1], higher is closer
 * @param findings    finding codes of its diagnosis (labels for references, confirmed findings for own analyses) in
 *                    the model card's order; {@code no_finding} for normal cases
 * @param diagnosis   the same as human text, e.g. "Pneumonia, Bacterial Pneumonia" or "No Finding"
 * @param dataset     for a reference: the data set it comes from (its {@code source} column), if known
 * @param license     for a reference: the image's licence as its source states it, if known
 * @param attribution for a reference: whom to credit for the image, if known
 */
public record SimilarCase(Source source, String id, double similarity, List<String> findings, String diagnosis,
                          Optional<String> dataset, Optional<String> license, Optional<String> attribution) {

    public enum Source {
        /** The reference library (shipped with the application, or imported by an admin). */
        REFERENCE,
        /** One of the requesting clinician's own analyses with confirmed findings. */
        OWN_ANALYSIS
    }
}
