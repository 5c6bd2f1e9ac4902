package org.chestlens.api;

import io.swagger.v3.oas.annotations.Operation;

import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.patients.Patient;
import org.chestlens.patients.PatientDetails;
import org.chestlens.patients.PatientOverview;
import org.chestlens.patients.PatientService;
import org.chestlens.patients.Sex;
import org.chestlens.security.CurrentUser;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.format.annotation.DateTimeFormat;
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

/** A clinician's own patients and their studies. Another clinician's patient is simply not found. */
@RestController
@RequestMapping("/api/v1/patients")
@PreAuthorize("hasRole('CLINICIAN')")
@Tag(name = "Patients", description = "Your patients and their X-ray studies (token required)")
@io.swagger.v3.oas.annotations.security.SecurityRequirement(name = "token")
class PatientController {

    private final PatientService patients;
    private final CurrentUser currentUser;

    PatientController(PatientService patients, CurrentUser currentUser) {
        this.patients = patients;
        this.currentUser = currentUser;
    }

    record PatientJson(long id, String reference, String name, Integer birthYear, Sex sex, String notes,
                       Instant createdAt, Instant updatedAt, LocalDate lastStudyDate, List<String> latestPositiveFindings) {
        static PatientJson of(Patient p, LocalDate lastStudy, List<String> latest) {
            return new PatientJson(p.getId(), p.getReference(), p.getName().orElse(null), p.getBirthYear().orElse(null),
                    p.getSex().orElse(null), p.getNotes().orElse(null), p.getCreatedAt(), p.getUpdatedAt(), lastStudy, latest);
        }

        static PatientJson of(PatientOverview o) {
            return of(o.patient(), o.lastStudyDate().orElse(null), o.latestPositiveFindings());
        }
    }

    @GetMapping
    @Operation(summary = "Your patients whose reference or name contains q")
    AnalysisController.PageJson<PatientJson> list(@RequestParam(defaultValue = "") String q,
                                                  @RequestParam(defaultValue = "0") int page,
                                                  @RequestParam(defaultValue = "20") int size) {
        PageRequest request = ListingParameters.page(page, size, Sort.by("reference"));
        return AnalysisController.PageJson.of(patients.overview(ListingParameters.searchText(q), request), PatientJson::of);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a patient (pseudonymous reference required)")
    ResponseEntity<PatientJson> create(@RequestBody PatientDetails details) {
        Patient patient = patients.create(details);
        return ResponseEntity.created(URI.create("/api/v1/patients/" + patient.getId()))
                .body(PatientJson.of(patient, null, List.of()));
    }

    @GetMapping("/{id}")
    @Operation(summary = "One of your patients")
    PatientJson get(@PathVariable long id) {
        return PatientJson.of(patients.view(id).orElseThrow(() -> new ApiProblems.NotFound("No such patient.")), null, List.of());
    }

    @PutMapping("/{id}")
    @Operation(summary = "Change a patient's details")
    PatientJson update(@PathVariable long id, @RequestBody PatientDetails details) {
        find(id);
        return PatientJson.of(patients.update(id, details), null, List.of());
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a patient with all their studies")
    ResponseEntity<Void> delete(@PathVariable long id) {
        find(id);
        patients.delete(id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/analyses")
    @Operation(summary = "The patient's studies, newest first, with per-finding probabilities for trends")
    List<AnalysisController.SummaryJson> studies(@PathVariable long id) {
        find(id);
        return patients.studies(id).stream().map(AnalysisController.SummaryJson::of).toList();
    }

    @PostMapping(value = "/{id}/analyses", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Analyse an X-ray as a study of this patient")
    ResponseEntity<AnalysisController.AnalysisJson> analyse(@PathVariable long id, @RequestPart("file") MultipartFile file,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate studyDate,
            @RequestParam(required = false) String note) throws IOException {
        find(id);
        AnalysisRequest request = AnalysisRequest.of(file.getBytes(), file.getOriginalFilename())
                .withOwner(currentUser.requireAccountId()).viaApi();
        AnalysisResult result = patients.analyseStudy(id, request, studyDate, note);
        return ResponseEntity.created(URI.create("/api/v1/analyses/" + result.publicId()))
                .body(AnalysisController.AnalysisJson.of(result));
    }

    @PutMapping("/{id}/analyses/{analysisId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "File one of your analyses under this patient")
    ResponseEntity<Void> attach(@PathVariable long id, @PathVariable String analysisId) {
        find(id);
        patients.attach(analysisId, id);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{id}/analyses/{analysisId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Take an analysis out of this patient's studies (the analysis stays yours)")
    ResponseEntity<Void> detach(@PathVariable long id, @PathVariable String analysisId) {
        find(id);
        patients.detach(analysisId, id);
        return ResponseEntity.noContent().build();
    }

    private Patient find(long id) {
        return patients.find(id).orElseThrow(() -> new ApiProblems.NotFound("No such patient."));
    }
}
