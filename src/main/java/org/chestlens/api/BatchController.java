package org.chestlens.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.batches.Batch;
import org.chestlens.batches.BatchException;
import org.chestlens.batches.BatchItem;
import org.chestlens.batches.BatchItemStatus;
import org.chestlens.batches.BatchService;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/**
 * Batch uploads over HTTP: many files (or a ZIP) in one request, answered at once with 202 and the batch's id; each
 * file is then analysed by a durable job, and {@code GET /api/v1/batches/{id}} shows where each stands. Only the
 * owner (token) sees a batch; anyone else gets 404, as for a batch that does not exist.
 */
@RestController
@RequestMapping("/api/v1/batches")
@Tag(name = "Batches", description = "Upload many X-rays at once (files or a ZIP) and follow their analysis")
class BatchController {

    static final String ZIP = "application/zip";

    private final BatchService batches;

    BatchController(BatchService batches) {
        this.batches = batches;
    }

    /** Null until known: reason, analysisId, patient and study date (OpenApiConfig.NULLABLE holds no more entries). */
    record ItemJson(int position, String fileName, String status, @Schema(nullable = true) String reason,
                    @Schema(nullable = true) String analysisId, @Schema(nullable = true) Long patientId,
                    @Schema(nullable = true) String patientReference, @Schema(nullable = true) LocalDate studyDate,
                    Map<String, String> links) {
        static ItemJson of(BatchItem i) {
            Map<String, String> links = new LinkedHashMap<>();
            i.analysisId().ifPresent(id -> {
                links.put("analysis", "/api/v1/analyses/" + id);
                links.put("page", "/analysis/" + id);
            });
            return new ItemJson(i.position(), i.fileName(), i.status().name(), i.reason().orElse(null),
                    i.analysisId().orElse(null), i.patientId().orElse(null), i.patientReference().orElse(null),
                    i.studyDate().orElse(null), links);
        }
    }

    record BatchJson(String id, Instant createdAt, boolean complete, Map<String, Long> counts, List<ItemJson> items,
                     Map<String, String> links) {
        static BatchJson of(Batch b) {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (BatchItemStatus status : BatchItemStatus.values()) {
                counts.put(status.name(), b.count(status));
            }
            return new BatchJson(b.id(), b.createdAt(), b.complete(), counts, b.items().stream().map(ItemJson::of).toList(),
                    Map.of("self", "/api/v1/batches/" + b.id(), "page", "/batches/" + b.id()));
        }
    }

    /** One operation for both bodies, so that the OpenAPI document shows one POST with two request media types. */
    @PostMapping(consumes = {MediaType.MULTIPART_FORM_DATA_VALUE, ZIP})
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "Start a batch: several X-rays (PNG, JPEG, DICOM), or ZIP archives of them",
            security = @SecurityRequirement(name = "token"),
            description = "multipart/form-data: each file (or ZIP) in a part named 'file'; the whole request may be as "
                    + "large as one upload. application/zip: one ZIP archive as the body (name it with Content-Disposition), "
                    + "for batches larger than one upload. Answers 202 at once with the batch and a Location to follow; "
                    + "each file is then analysed by a durable job. Files that cannot be analysed (not an image, a ZIP bomb, "
                    + "a nested archive, a path leaving the archive, more files than a batch holds) are listed as REFUSED "
                    + "with the reason while the others go on. DICOM files are filed under your patient whose reference is "
                    + "derived from the DICOM patient ID (never stored), with the DICOM study date; patientId files every "
                    + "study under that patient of yours instead.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
                    @Content(mediaType = MediaType.MULTIPART_FORM_DATA_VALUE, schema = @Schema(implementation = BatchForm.class)),
                    @Content(mediaType = ZIP, schema = @Schema(type = "string", format = "binary"))}))
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "202", description = "Accepted: the batch as it "
            + "starts", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = BatchJson.class)))
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "404", description = "patientId is not one of "
            + "your patients (code not-found)", content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "413", description = "The multipart request is "
            + "larger than the upload limit (code too-large); send a ZIP body instead", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    ResponseEntity<BatchJson> create(HttpServletRequest request,
                                     @Parameter(description = "File every study under this patient of yours")
                                     @RequestParam(required = false) Long patientId) throws IOException {
        List<BatchService.Source> sources;
        // Filters may wrap the multipart request (Spring Security does in tests): look beneath the wrappers.
        MultipartHttpServletRequest multipart = org.springframework.web.util.WebUtils.getNativeRequest(request,
                MultipartHttpServletRequest.class);
        if (multipart != null) {
            sources = multipart.getMultiFileMap().getOrDefault("file", List.of()).stream().map(BatchController::source).toList();
        } else {
            String name = Optional.ofNullable(request.getHeader("Content-Disposition"))
                    .map(d -> org.springframework.http.ContentDisposition.parse(d).getFilename()).orElse("upload.zip");
            sources = List.of(new BatchService.Source() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public InputStream open() throws IOException {
                    return request.getInputStream();
                }
            });
        }
        String id = batches.create(sources, Optional.ofNullable(patientId), AnalysisRequest.Channel.API);
        Batch batch = batches.find(id).orElseThrow();
        return ResponseEntity.accepted().location(URI.create("/api/v1/batches/" + id)).body(BatchJson.of(batch));
    }

    /** The multipart form, for the OpenAPI document. */
    record BatchForm(@Schema(description = "PNG, JPEG or DICOM files, or ZIP archives of them", requiredMode = Schema.RequiredMode.REQUIRED)
                     List<byte[]> file) {
    }

    private static BatchService.Source source(MultipartFile file) {
        return new BatchService.Source() {
            @Override
            public String name() {
                return file.getOriginalFilename();
            }

            @Override
            public InputStream open() throws IOException {
                return file.getInputStream();
            }
        };
    }

    @GetMapping("/{id}")
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "A batch of yours: each file's status (QUEUED, RUNNING, DONE, REFUSED, FAILED), reason and "
            + "links to its analysis", security = @SecurityRequirement(name = "token"))
    BatchJson get(@PathVariable String id) {
        return batches.find(id).map(BatchJson::of).orElseThrow(() -> new ApiProblems.NotFound("No such batch."));
    }

    @ExceptionHandler(BatchException.class)
    ResponseEntity<ProblemDetail> refused(BatchException e) {
        ProblemDetail problem = switch (e.kind()) {
            case NO_FILES -> ApiProblems.problem(HttpStatus.BAD_REQUEST, "No file", e.getMessage(), "missing-file");
            case NO_SUCH_PATIENT -> ApiProblems.problem(HttpStatus.NOT_FOUND, "Not found", "No such patient.", "not-found");
        };
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
