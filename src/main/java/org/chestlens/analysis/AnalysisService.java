package org.chestlens.analysis;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;

/**
 * The one entry point of the analysis feature, for views and the REST API alike. See the package
 * documentation for the outcomes and the access rule ({@code requesterId}: the signed-in account, or empty).
 */
@Service
public class AnalysisService {

    static final String UNAVAILABLE = "The analysis service is unavailable: no models are installed on this server.";

    /** Whether uploads can be analysed now (models loaded). */
    public boolean available() {
        return false;
    }

    /** When {@link #available()} is false: why, in a sentence for users. */
    public Optional<String> unavailableReason() {
        return Optional.of(UNAVAILABLE);
    }

    /** The loaded model release, if any. */
    public Optional<ModelInfo> model() {
        return Optional.empty();
    }

    /** Every finding the models know, in model-card order, with thresholds and validation AUCs. */
    public List<FindingDescription> findingCatalogue() {
        return List.of();
    }

    /**
     * Analyses an upload and stores the result in one transaction.
     *
     * @throws InvalidUploadException        the upload is refused; nothing stored
     * @throws AnalysisUnavailableException  no models loaded
     */
    public AnalysisResult analyse(AnalysisRequest request) {
        throw new AnalysisUnavailableException(UNAVAILABLE);
    }

    /** The analysis, if it exists and the requester may see it. */
    public Optional<AnalysisResult> find(String publicId, Optional<Long> requesterId) {
        return Optional.empty();
    }

    /** The uploaded image without identifying metadata (PNG or JPEG). */
    public Optional<ImageBytes> image(String publicId, Optional<Long> requesterId) {
        return Optional.empty();
    }

    /** A small PNG (longest side 256 px) for lists and timelines. */
    public Optional<ImageBytes> thumbnail(String publicId, Optional<Long> requesterId) {
        return Optional.empty();
    }

    /**
     * The X-ray with the finding's class activation map blended over it (PNG); rendered on first request and
     * stored. Empty for an unknown or unreported finding and for rejected analyses.
     */
    public Optional<ImageBytes> heatmap(String publicId, Optional<Long> requesterId, String findingCode) {
        return Optional.empty();
    }

    /** Where the anomaly model could not reconstruct the image (smoothed |x - x̂|, coloured, over the X-ray; PNG). */
    public Optional<ImageBytes> anomalyMap(String publicId, Optional<Long> requesterId) {
        return Optional.empty();
    }

    /**
     * The {@code k} most similar cases among the reference library and the requester's own analyses with
     * confirmed findings (never the analysis itself), most similar first. Empty for rejected analyses.
     */
    public List<SimilarCase> similarCases(String publicId, Optional<Long> requesterId, int k) {
        return List.of();
    }

    /** Thumbnail of a reference-library case (public: the library holds no patient data). */
    public Optional<ImageBytes> referenceThumbnail(long referenceCaseId) {
        return Optional.empty();
    }

    /** The owner's analyses, newest first. */
    public Page<AnalysisSummary> listForOwner(long ownerId, Pageable pageable) {
        return Page.empty(pageable);
    }

    /** The owner's analyses of one patient, by study date (then analysis time), newest first. */
    public List<AnalysisSummary> listForPatient(long ownerId, long patientId) {
        return List.of();
    }

    /** How many analyses the owner has for the patient. */
    public long countForPatient(long ownerId, long patientId) {
        return 0;
    }

    /** Deletes the analysis with its images. Owned: only the owner; anonymous: whoever holds the link. */
    public boolean delete(String publicId, Optional<Long> requesterId) {
        return false;
    }

    /** Deletes all of the owner's analyses of a patient; returns how many. */
    public int deleteAllForPatient(long ownerId, long patientId) {
        return 0;
    }

    /**
     * Attaches the owner's analysis to one of their patients (the caller has checked the patient is theirs),
     * or detaches it with an empty {@code patientId}.
     */
    public boolean attachToPatient(String publicId, long ownerId, Optional<Long> patientId) {
        return false;
    }

    /** Makes an anonymous analysis the signed-in account's own (it then no longer expires). */
    public boolean claim(String publicId, long ownerId) {
        return false;
    }

    /**
     * Feedback hook: the owner confirms which findings are really present ({@code no_finding} for a normal
     * study; an empty set withdraws the confirmation). Confirmed analyses join the owner's similar-case search.
     */
    public boolean confirmFindings(String publicId, long ownerId, Set<String> findingCodes) {
        return false;
    }
}
