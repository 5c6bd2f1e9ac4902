package org.chestlens.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.chestlens.analysis.FindingDescription;
import org.chestlens.security.CurrentUser;
import org.chestlens.worklist.Urgency;
import org.chestlens.worklist.Worklist;
import org.chestlens.worklist.WorklistEntry;
import org.chestlens.worklist.WorklistFilter;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The clinician's triage worklist, as on the /worklist page: own unreviewed studies, most urgent first. */
@RestController
@RequestMapping("/api/v1/worklist")
@PreAuthorize("hasRole('CLINICIAN')")
@Tag(name = "Worklist", description = "Your analysed studies without feedback, most urgent first (token required)")
@io.swagger.v3.oas.annotations.security.SecurityRequirement(name = "token")
class WorklistController {

    private final Worklist worklist;
    private final CurrentUser currentUser;

    WorklistController(Worklist worklist, CurrentUser currentUser) {
        this.worklist = worklist;
        this.currentUser = currentUser;
    }

    record WorklistFindingJson(String code, String label, double probability, double threshold) {
        static WorklistFindingJson of(WorklistEntry.TopFinding f) {
            return new WorklistFindingJson(f.code(), f.label(), f.probability(), f.threshold());
        }
    }

    record UrgencyJson(boolean positive, double topRelativeProbability, double anomalyPercentile) {
        static UrgencyJson of(Urgency u) {
            return new UrgencyJson(u.positive(), u.topRelativeProbability(), u.anomalyPercentile());
        }
    }

    record WorklistEntryJson(String id, Long patientId, String patientReference, LocalDate studyDate, Instant createdAt,
                             String fileName, List<WorklistFindingJson> topFindings, double anomalyPercentile,
                             UrgencyJson urgency, String analysis, String page) {
        static WorklistEntryJson of(WorklistEntry e) {
            return new WorklistEntryJson(e.publicId(), e.patientId().orElse(null), e.patientReference().orElse(null),
                    e.studyDate().orElse(null), e.createdAt(), e.fileName(),
                    e.topFindings().stream().map(WorklistFindingJson::of).toList(), e.anomalyPercentile(),
                    UrgencyJson.of(e.urgency()), "/api/v1/analyses/" + e.publicId(), "/analysis/" + e.publicId());
        }
    }

    @GetMapping
    @Operation(summary = "Your analysed studies without feedback, most urgent first",
            description = "Studies with a positive finding (other than No Finding) first, by their highest probability "
                    + "relative to its threshold, then by anomaly percentile. Feedback on a study "
                    + "(PUT /api/v1/analyses/{id}/feedback) takes it off the list. Dates filter on the study date, or "
                    + "the day analysed when the study has none.")
    AnalysisController.PageJson<WorklistEntryJson> list(
            @Parameter(description = "Only studies positive for this finding code (see GET /api/v1/model)")
            @RequestParam(required = false) String finding,
            @Parameter(description = "First day, e.g. 2026-01-31") @RequestParam(required = false)
            @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @Parameter(description = "Last day, included") @RequestParam(required = false)
            @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "20") int size) {
        PageRequest request = ListingParameters.page(page, size, Sort.unsorted());
        Optional<String> code = Optional.ofNullable(finding).filter(f -> !f.isBlank()).map(String::strip);
        if (code.isPresent()) {
            List<String> codes = worklist.findings().stream().map(FindingDescription::code).toList();
            if (!codes.contains(code.get())) {
                throw new InvalidParameterException("finding", "There is no such finding to filter on. Use one of: "
                        + String.join(", ", codes) + ".");
            }
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw new InvalidParameterException("from", "The first day (" + from + ") is after the last day (" + to + ").");
        }
        WorklistFilter filter = new WorklistFilter(code, Optional.ofNullable(from), Optional.ofNullable(to));
        return AnalysisController.PageJson.of(worklist.page(currentUser.requireAccountId(), filter, request),
                WorklistEntryJson::of);
    }
}
