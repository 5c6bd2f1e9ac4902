package org.chestlens.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.audit.AuditTrail;
import org.chestlens.analysis.AnalysisSummary;
import org.chestlens.analysis.AnomalyScore;
import org.chestlens.analysis.Finding;
import org.chestlens.analysis.ImageBytes;
import org.chestlens.analysis.ImageInfo;
import org.chestlens.analysis.ModelInfo;
import org.chestlens.analysis.Rejection;
import org.chestlens.analysis.ValidationAccuracy;
import org.chestlens.patients.Feedback;
import org.chestlens.patients.FeedbackService;
import org.chestlens.patients.PatientService;
import org.chestlens.patients.Verdict;
import org.chestlens.references.SimilarCase;
import org.chestlens.references.SimilarCases;
import org.chestlens.reports.AnalysisReport;
import org.chestlens.security.CurrentUser;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Analyses over HTTP, with the same rules as the UI: anyone may analyse an image and read an
 * anonymous result by its unguessable id; owned analyses only their owner (token).
 */
@RestController
@RequestMapping("/api/v1/analyses")
@Tag(name = "Analyses", description = "Upload a chest X-ray, read the result, heatmaps, anomaly map, similar cases and PDF report")
class AnalysisController {

    private final AnalysisService analyses;
    private final AnalysisReport reports;
    private final PatientService patients;
    private final FeedbackService feedback;
    private final CurrentUser currentUser;
    private final SimilarCases similarCases;
    private final AuditTrail audit;

    AnalysisController(AnalysisService analyses, AnalysisReport reports, PatientService patients, FeedbackService feedback,
                       CurrentUser currentUser, SimilarCases similarCases, AuditTrail audit) {
        this.analyses = analyses;
        this.similarCases = similarCases;
        this.reports = reports;
        this.patients = patients;
        this.feedback = feedback;
        this.currentUser = currentUser;
        this.audit = audit;
    }

    /** As the result page words it: call, disagreement and borderline chips, PPV (models/MANIFEST.md). */
    record FindingJson(String code, String label, double probability, double threshold, boolean positive,
                       Map<String, Double> memberProbabilities, String condition, boolean normal, boolean applicable,
                       String call, boolean membersDisagree, boolean borderline, Double ppv) {
        static FindingJson of(Finding f) {
            return new FindingJson(f.code(), f.label(), f.probability(), f.threshold(), f.positive(), f.memberProbabilities(),
                    f.condition(), f.normal(), f.applicable(), f.callText(), f.membersDisagree(), f.borderline(),
                    f.validationAccuracy().map(ValidationAccuracy::ppv).orElse(null));
        }
    }

    record AnomalyJson(double mse, double kl, double negElbo, double msePercentile, double klPercentile,
                       double negElboPercentile, String summary) {
        static AnomalyJson of(AnomalyScore a) {
            return a == null ? null : new AnomalyJson(a.mse(), a.kl(), a.negElbo(), a.msePercentile(), a.klPercentile(),
                    a.negElboPercentile(), "More unusual than " + Math.round(a.percentile()) + "% of normal X-rays");
        }
    }

    record AnalysisJson(String id, String status, Rejection rejection, List<FindingJson> findings, AnomalyJson anomaly,
                        ImageInfo image, ModelInfo model, String fileName, Long patientId, LocalDate studyDate, String note,
                        Set<String> confirmedFindings, Instant createdAt, Instant expiresAt,
                        Map<String, String> heatmaps, Map<String, String> links) {

        static AnalysisJson of(AnalysisResult r) {
            String base = "/api/v1/analyses/" + r.publicId();
            Map<String, String> heatmaps = new LinkedHashMap<>();
            r.findings().forEach(f -> heatmaps.put(f.code(), base + "/heatmaps/" + f.code()));
            Map<String, String> links = new LinkedHashMap<>();
            links.put("self", base);
            links.put("page", "/analysis/" + r.publicId());
            links.put("image", base + "/image");
            links.put("thumbnail", base + "/thumbnail");
            if (r.completed()) {
                links.put("anomalyMap", base + "/anomaly-map");
                links.put("similar", base + "/similar");
            }
            links.put("report", base + "/report.pdf");
            return new AnalysisJson(r.publicId(), r.status().name(), r.rejection().orElse(null),
                    r.findings().stream().map(FindingJson::of).toList(), AnomalyJson.of(r.anomaly()), r.image(), r.model(),
                    r.fileName(), r.patientId().orElse(null), r.studyDate().orElse(null), r.note().orElse(null),
                    r.confirmedFindings(), r.createdAt(), r.expiresAt().orElse(null), heatmaps, links);
        }
    }

    record SummaryJson(String id, String status, Instant createdAt, LocalDate studyDate, Long patientId, String fileName,
                       List<String> positiveFindings, Map<String, Double> probabilities, double anomalyPercentile) {
        static SummaryJson of(AnalysisSummary s) {
            return new SummaryJson(s.publicId(), s.status().name(), s.createdAt(), s.studyDate().orElse(null),
                    s.patientId().orElse(null), s.fileName(), s.positiveFindings(), s.probabilities(), s.anomalyPercentile());
        }
    }

    record PageJson<T>(List<T> items, int page, int size, long totalItems, int totalPages) {
        static <S, T> PageJson<T> of(Page<S> page, java.util.function.Function<S, T> mapper) {
            return new PageJson<>(page.getContent().stream().map(mapper).toList(), page.getNumber(), page.getSize(),
                    page.getTotalElements(), page.getTotalPages());
        }
    }

    record SimilarJson(String source, String id, double similarity, List<String> findings, String diagnosis, String thumbnail,
                       String dataset, String license, String attribution) {
        static SimilarJson of(SimilarCase c) {
            String thumbnail = c.source() == SimilarCase.Source.REFERENCE
                    ? "/api/v1/references/" + c.id() + "/thumbnail"
                    : "/api/v1/analyses/" + c.id() + "/thumbnail";
            return new SimilarJson(c.source().name(), c.id(), c.similarity(), c.findings(), c.diagnosis(), thumbnail,
                    c.dataset().orElse(null), c.license().orElse(null), c.attribution().orElse(null));
        }
    }

    record FeedbackJson(Map<String, Verdict> verdicts, String note) {
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @PreAuthorize("permitAll()")
    @Operation(summary = "Analyse a chest X-ray (PNG, JPEG or DICOM)",
            description = "Anonymous callers get a result kept for the retention period and reachable by its id only. "
                    + "With a token the analysis belongs to the caller; patientId files it as a study of their patient. "
                    + "A refused file gives 400/413/415/422 problem+json with a code such as unsupported-format or too-many-pixels; "
                    + "an image that is not a usable chest X-ray gives 201 with status REJECTED and the reason.")
    ResponseEntity<AnalysisJson> analyse(@RequestPart("file") MultipartFile file,
                                         @RequestParam(required = false) Long patientId,
                                         @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate studyDate,
                                         @RequestParam(required = false) String note) throws IOException {
        Optional<Long> requester = currentUser.accountId();
        AnalysisRequest request = AnalysisRequest.of(file.getBytes(), file.getOriginalFilename()).withOwner(requester).viaApi();
        AnalysisResult result;
        if (patientId != null) {
            if (requester.isEmpty()) {
                throw new org.springframework.security.access.AccessDeniedException("patient studies need a token");
            }
            patients.find(patientId).orElseThrow(() -> new ApiProblems.NotFound("No such patient."));
            result = patients.analyseStudy(patientId, request, studyDate, note);
        } else {
            if (studyDate != null) {
                request = request.withStudyDate(studyDate);
            }
            if (note != null) {
                request = request.withNote(note);
            }
            result = analyses.analyse(request);
        }
        return ResponseEntity.created(URI.create("/api/v1/analyses/" + result.publicId())).body(AnalysisJson.of(result));
    }

    @GetMapping
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "Your analyses, newest first", security = @SecurityRequirement(name = "token"))
    PageJson<SummaryJson> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        PageRequest pageRequest = ListingParameters.page(page, size, Sort.unsorted());
        return PageJson.of(analyses.listForOwner(currentUser.requireAccountId(), pageRequest), SummaryJson::of);
    }

    @GetMapping("/{id}")
    @PreAuthorize("permitAll()")
    @Operation(summary = "One analysis: findings, anomaly, model, links")
    AnalysisJson get(@PathVariable String id) {
        AnalysisResult result = find(id);
        audit.record("RESULT_VIEWED", result.auditReference() + " via API");
        return AnalysisJson.of(result);
    }

    @GetMapping("/{id}/image")
    @PreAuthorize("permitAll()")
    @Operation(summary = "The X-ray as stored (no identifying metadata)")
    ResponseEntity<byte[]> image(@PathVariable String id) {
        return send(analyses.image(id, currentUser.accountId()));
    }

    @GetMapping("/{id}/thumbnail")
    @PreAuthorize("permitAll()")
    @Operation(summary = "Thumbnail (PNG, longest side 256 px)")
    ResponseEntity<byte[]> thumbnail(@PathVariable String id) {
        return send(analyses.thumbnail(id, currentUser.accountId()));
    }

    @GetMapping("/{id}/heatmaps/{finding}")
    @PreAuthorize("permitAll()")
    @Operation(summary = "Heatmap of one reported finding over the X-ray (PNG)")
    ResponseEntity<byte[]> heatmap(@PathVariable String id, @PathVariable String finding) {
        return send(analyses.heatmap(id, currentUser.accountId(), finding));
    }

    @GetMapping("/{id}/anomaly-map")
    @PreAuthorize("permitAll()")
    @Operation(summary = "Where the image departs from normal X-rays (PNG)")
    ResponseEntity<byte[]> anomalyMap(@PathVariable String id) {
        return send(analyses.anomalyMap(id, currentUser.accountId()));
    }

    @GetMapping("/{id}/similar")
    @PreAuthorize("permitAll()")
    @Operation(summary = "The most similar reference cases (and, for clinicians, their own confirmed cases)")
    List<SimilarJson> similar(@PathVariable String id, @RequestParam(defaultValue = "5") int k) {
        find(id);
        return similarCases.find(id, currentUser.accountId(), Math.min(Math.max(k, 1), 20)).stream()
                .map(SimilarJson::of).toList();
    }

    @GetMapping(value = "/{id}/report.pdf", produces = MediaType.APPLICATION_PDF_VALUE)
    @PreAuthorize("permitAll()")
    @Operation(summary = "PDF report: each finding's result beside your verdict, your note, the heatmaps of the positive "
            + "findings; the same document as the result page's download")
    ResponseEntity<byte[]> report(@PathVariable String id) {
        AnalysisResult result = find(id);
        byte[] pdf = reports.pdf(id, currentUser.accountId()).orElseThrow(() -> new ApiProblems.NotFound("No such analysis."));
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(AnalysisReport.fileName(result)).build().toString())
                .contentType(MediaType.APPLICATION_PDF).body(pdf);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @PreAuthorize("permitAll()")
    @Operation(summary = "Delete the analysis and its images (owner, or holder of an anonymous link)")
    ResponseEntity<Void> delete(@PathVariable String id) {
        if (!analyses.delete(id, currentUser.accountId())) {
            throw new ApiProblems.NotFound("No such analysis.");
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/claim")
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "Make an anonymous analysis your own (it then no longer expires)", security = @SecurityRequirement(name = "token"))
    AnalysisJson claim(@PathVariable String id) {
        if (!analyses.claim(id, currentUser.requireAccountId())) {
            throw new ApiProblems.NotFound("No such anonymous analysis.");
        }
        return AnalysisJson.of(find(id));
    }

    @GetMapping("/{id}/feedback")
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "Your verdicts on the findings of your analysis", security = @SecurityRequirement(name = "token"))
    FeedbackJson getFeedback(@PathVariable String id) {
        ownAnalysis(id);
        return feedback.find(id).map(f -> new FeedbackJson(f.getVerdicts(), f.getNote().orElse(null)))
                .orElse(new FeedbackJson(Map.of(), null));
    }

    @PutMapping("/{id}/feedback")
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "Confirm or reject findings and add a note; confirmed findings feed similar-case search",
            security = @SecurityRequirement(name = "token"))
    FeedbackJson putFeedback(@PathVariable String id, @RequestBody FeedbackJson body) {
        ownAnalysis(id);
        Feedback saved = feedback.save(id, body.verdicts() == null ? Map.of() : body.verdicts(), body.note());
        return new FeedbackJson(saved.getVerdicts(), saved.getNote().orElse(null));
    }

    private AnalysisResult find(String id) {
        return analyses.find(id, currentUser.accountId()).orElseThrow(() -> new ApiProblems.NotFound("No such analysis."));
    }

    private AnalysisResult ownAnalysis(String id) {
        AnalysisResult result = find(id);
        if (result.ownerId().isEmpty()) {
            throw new IllegalArgumentException("Feedback is for your own analyses: claim this anonymous analysis first.");
        }
        return result;
    }

    static ResponseEntity<byte[]> send(Optional<ImageBytes> image) {
        ImageBytes bytes = image.orElseThrow(() -> new ApiProblems.NotFound("No such image."));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(bytes.mediaType()))
                .header(HttpHeaders.CACHE_CONTROL, "private, max-age=3600").body(bytes.bytes());
    }
}
