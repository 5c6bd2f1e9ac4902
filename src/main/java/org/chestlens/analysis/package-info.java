/**
 * Analyses of chest X-rays: the pipeline from uploaded bytes to a stored, explainable result, and
 * everything a view or the REST API needs to show it. One entry point: {@link org.chestlens.analysis.AnalysisService}.
 *
 * <h2>Analysing an upload</h2>
 * <pre>{@code
 * AnalysisResult result = analysisService.analyse(
 *         AnalysisRequest.of(bytes, fileName)           // anonymous upload
 *                 .withOwner(accountId)                 // or signed in: owned, never expires
 *                 .withPatient(patientId)               // optional, owner's patient
 *                 .withStudyDate(LocalDate.of(2026, 1, 5))
 *                 .withNote("follow-up"));
 * String link = "/analysis/" + result.publicId();      // >= 128 random bits, safe to share
 * }</pre>
 * The call decodes the image (PNG, JPEG or DICOM, detected from the bytes), runs the model ensemble
 * and the anomaly model, applies the "cannot analyse" gate and stores the whole analysis (stripped
 * image, thumbnail, findings with their class activation maps, anomaly scores and map, embedding) in one
 * transaction. It takes tens of milliseconds: call it from the request thread. The heatmap of the most
 * probable reported finding is drawn right after, in the background; asking for it meanwhile waits for
 * that drawing. {@link org.chestlens.analysis.AnalysisResult#timings()} says where the time went.
 *
 * <h2>Outcomes</h2>
 * <ul>
 *   <li>{@link org.chestlens.analysis.AnalysisStatus#COMPLETED}: {@link org.chestlens.analysis.AnalysisResult#findings()}
 *       lists the <em>reported</em> findings (those the model card allows users to see), most probable first;
 *       each carries its probability, threshold, positive/negative decision and the per-member probabilities.</li>
 *   <li>{@link org.chestlens.analysis.AnalysisStatus#REJECTED}: the image was accepted but cannot be analysed
 *       (not a chest X-ray, blank, models too unsure). {@link org.chestlens.analysis.AnalysisResult#rejection()}
 *       says why and what to upload instead; {@code findings()} is empty and no heatmap is offered. Rejected
 *       analyses are stored too, so the link works.</li>
 *   <li>{@link org.chestlens.analysis.InvalidUploadException}: the upload itself is refused and nothing is stored
 *       (too large, unsupported format, corrupt, too small, decompression bomb, multi-frame or non-image DICOM...).
 *       {@code getMessage()} is a sentence for the user; {@code problem()} a stable machine code
 *       ({@link org.chestlens.analysis.UploadProblem}) for problem+json (HTTP 400/413/415/422).</li>
 *   <li>{@link org.chestlens.analysis.AnalysisUnavailableException}: no models are installed or they failed to load
 *       (HTTP 503). {@link org.chestlens.analysis.AnalysisService#available()} tells beforehand.</li>
 * </ul>
 *
 * <h2>Access rule</h2>
 * Every read or change takes the requesting account id ({@code Optional.empty()} for anonymous visitors).
 * An anonymous analysis (no owner) is reachable by anyone holding its link until it expires (default 7 days,
 * {@code chestlens.analysis.anonymous-retention}); an owned analysis only by its owner. Anything else
 * answers {@code Optional.empty()} / {@code false}, exactly as for an unknown id, so ids cannot be probed.
 *
 * <h2>Images</h2>
 * {@link org.chestlens.analysis.AnalysisService#image}, {@code thumbnail}, {@code heatmap} (per finding code) and
 * {@code anomalyMap} return {@link org.chestlens.analysis.ImageBytes} (bytes + media type), ready to stream.
 * The image is the upload without identifying metadata (PNG/JPEG metadata chunks removed; DICOM rendered to
 * PNG without any tag). Heatmaps are rendered once and stored: the most probable reported finding's eagerly,
 * the others on their first request. Heatmaps and anomaly maps are the X-ray (longest side at most 512 px,
 * {@code chestlens.heatmap.max-side}) with the map blended over it: show them instead of the image, not on
 * top of it.
 *
 * <h2>Similar cases</h2>
 * Similar-case search is its own feature ({@code org.chestlens.references}); this package only tells it what it
 * needs: {@link org.chestlens.analysis.AnalysisService#embedding}, {@code forEachConfirmedEmbedding},
 * {@code confirmedEmbeddings}, {@code stillConfirmed}, and the events {@link org.chestlens.analysis.FindingsConfirmed} and {@link org.chestlens.analysis.AnalysesDeleted}.
 * Changes of {@code analysis.confirmed_findings} and deletions of confirmed analyses are also recorded in
 * {@code similar_case_change} by database triggers (migration V73), which every node's similar-case index follows.
 * Other features add sections to the result page through {@link org.chestlens.analysis.ResultContribution}.
 */
@org.springframework.lang.NonNullApi
package org.chestlens.analysis;
