package org.chestlens.patients;

import java.time.Clock;
import java.time.LocalDate;
import java.time.Year;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.AnalysisSummary;
import org.chestlens.analysis.FindingDescription;
import org.chestlens.analysis.UploadRefusedException;
import org.chestlens.audit.AuditTrail;
import org.chestlens.security.CurrentUser;
import org.chestlens.security.PlainText;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A clinician's patients. The owner is always the signed-in user, taken here rather than from
 * callers, so no view or controller can forget the check: someone else's patient is simply
 * "not found", whatever id a URL carries.
 *
 * <p>Calls into {@link AnalysisService} are made outside this service's transactions: the analysis
 * feature runs its own, and its entities must not end up in (and be flushed by) ours.
 */
@Service
public class PatientService {

    public static final int MAX_REFERENCE = 64;
    public static final int MAX_NAME = 200;
    public static final int MAX_NOTES = 4000;
    public static final int MIN_BIRTH_YEAR = 1900;

    private final PatientRepository patients;
    private final AnalysisService analysisService;
    private final CurrentUser currentUser;
    private final AuditTrail audit;
    private final Clock clock;

    PatientService(PatientRepository patients, AnalysisService analysisService, CurrentUser currentUser,
                   AuditTrail audit, Clock clock) {
        this.patients = patients;
        this.analysisService = analysisService;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    /** The signed-in clinician's patients whose reference or name contains {@code text}. */
    @Transactional(readOnly = true)
    public Page<Patient> search(String text, Pageable pageable) {
        return patients.search(owner(), likePattern(text), withDefaultSort(pageable));
    }

    /** The same, with each patient's latest study date and its positive findings, for the patient list. */
    public Page<PatientOverview> overview(String text, Pageable pageable) {
        long owner = owner();
        Map<String, String> labels = findingLabels();
        Set<String> normal = analysisService.normalFindingCodes();
        return patients.search(owner, likePattern(text), withDefaultSort(pageable)).map(patient -> {
            Optional<AnalysisSummary> latest = analysisService.listForPatient(owner, patient.getId()).stream().findFirst();
            return new PatientOverview(patient, latest.map(PatientService::studyDate),
                    latest.map(s -> s.positiveFindings().stream()
                                    .map(code -> new PatientOverview.PositiveFinding(code, labels.getOrDefault(code, code),
                                            normal.contains(code))).toList())
                            .orElse(List.of()));
        });
    }

    /** The patient's studies, newest study date first; empty for a patient that is not the caller's. */
    public List<AnalysisSummary> studies(long patientId) {
        return find(patientId).map(p -> analysisService.listForPatient(owner(), p.getId())).orElse(List.of());
    }

    /** One of the patient's studies in full, if the patient is the caller's and the analysis is one of its studies. */
    public Optional<AnalysisResult> study(long patientId, String publicId) {
        return find(patientId).flatMap(p -> analysisService.find(publicId, Optional.of(owner()))
                .filter(a -> a.patientId().equals(Optional.of(p.getId()))));
    }

    /** The finding catalogue of the loaded models (labels, thresholds, which are reported). */
    public List<FindingDescription> findingCatalogue() {
        return analysisService.findingCatalogue();
    }

    /** How many studies (analyses) the patient has; 0 for a patient that is not the caller's. */
    public long studyCount(long patientId) {
        return find(patientId).map(p -> analysisService.countForPatient(owner(), p.getId())).orElse(0L);
    }

    /**
     * Analyses an X-ray as a study of the patient, taken on {@code studyDate}. The patient's ownership is
     * checked here; problems with the file come back as {@link org.chestlens.analysis.InvalidUploadException}.
     * Not one transaction: the analysis commits on its own, as it does for every upload.
     */
    public AnalysisResult analyseStudy(long patientId, AnalysisRequest upload, LocalDate studyDate, String note) {
        long owner = owner();
        Patient patient = find(patientId).orElseThrow(() -> new UploadRefusedException("patientId",
                "This patient does not exist or is not yours."));
        if (studyDate == null) {
            throw new UploadRefusedException("studyDate", "Enter the date the X-ray was taken.");
        }
        if (studyDate.isAfter(LocalDate.now(clock))) {
            throw new UploadRefusedException("studyDate", "The study date is in the future. Enter the date the X-ray was taken.");
        }
        if (studyDate.isBefore(AnalysisRequest.EARLIEST_STUDY_DATE)) {
            throw new UploadRefusedException("studyDate", "The study date is before X-rays were discovered (8 November 1895). "
                    + "Enter the date the X-ray was taken.");
        }
        if (!PlainText.isMultiLine(note)) {
            throw new UploadRefusedException("note", "The note contains a control character (such as NUL) that cannot be "
                    + "stored. Remove it and try again.");
        }
        if (note != null && note.strip().length() > AnalysisRequest.MAX_NOTE_LENGTH) {
            throw new UploadRefusedException("note", "The note has more than " + AnalysisRequest.MAX_NOTE_LENGTH + " characters.");
        }
        AnalysisResult result = analysisService.analyse(upload.withOwner(owner).withPatient(patient.getId())
                .withStudyDate(studyDate).withNote(note));
        patients.touch(patient.getId(), owner, clock.instant());
        return result;
    }

    /** The signed-in clinician's analyses that belong to no patient yet, newest first. */
    public List<AnalysisSummary> unattachedAnalyses(int limit) {
        return analysisService.listForOwner(owner(), PageRequest.of(0, Math.max(limit * 4, 50))).stream()
                .filter(s -> s.patientId().isEmpty()).limit(limit).toList();
    }

    /** Files one of the clinician's own analyses under one of their patients, keeping its study date. */
    public void attach(String publicId, long patientId) {
        attach(publicId, patientId, Optional.empty());
    }

    /**
     * Files one of the clinician's own analyses under one of their patients, with the date the X-ray was
     * taken if given (an empty date keeps what the analysis has).
     */
    public void attach(String publicId, long patientId, Optional<LocalDate> studyDate) {
        long owner = owner();
        Patient patient = require(patientId);
        if (studyDate.map(d -> d.isAfter(LocalDate.now(clock))).orElse(false)) {
            throw new PatientException("studyDate", "The study date is in the future. Enter the date the X-ray was taken.");
        }
        if (studyDate.map(d -> d.isBefore(AnalysisRequest.EARLIEST_STUDY_DATE)).orElse(false)) {
            throw new PatientException("studyDate", "The study date is before X-rays were discovered (8 November 1895).");
        }
        if (!analysisService.attachToPatient(publicId, owner, Optional.of(patient.getId()))) {
            throw new PatientException(null, "This analysis does not exist or is not yours.");
        }
        if (studyDate.isPresent()) {
            analysisService.setStudyDate(publicId, owner, studyDate);
        }
        patients.touch(patient.getId(), owner, clock.instant());
    }

    /** Takes an analysis out of the patient's studies; the analysis itself stays in the clinician's account. */
    public void detach(String publicId, long patientId) {
        require(patientId);
        AnalysisResult analysis = analysisService.find(publicId, Optional.of(owner()))
                .filter(a -> a.patientId().equals(Optional.of(patientId)))
                .orElseThrow(() -> new PatientException(null, "This study is not one of this patient's."));
        analysisService.attachToPatient(analysis.publicId(), owner(), Optional.empty());
    }

    /** Finding code to label, for every finding the models know. */
    public Map<String, String> findingLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        analysisService.findingCatalogue().forEach(f -> labels.put(f.code(), f.label()));
        return labels;
    }

    /** The date a study stands for: when the X-ray was taken, or else when it was analysed. */
    public static LocalDate studyDate(AnalysisSummary summary) {
        return summary.studyDate().orElseGet(() -> summary.createdAt().atZone(ZoneId.systemDefault()).toLocalDate());
    }

    /** Most recently active patients first unless the list asks for another order. */
    private static Pageable withDefaultSort(Pageable pageable) {
        return pageable.getSort().isSorted() ? pageable
                : PageRequest.of(pageable.getPageNumber(), pageable.getPageSize(), Sort.by(Sort.Direction.DESC, "updatedAt"));
    }

    @Transactional(readOnly = true)
    public long count() {
        return patients.countByOwnerId(owner());
    }

    /** The patient, if it exists and belongs to the signed-in clinician. */
    @Transactional(readOnly = true)
    public Optional<Patient> find(long patientId) {
        return patients.findByIdAndOwnerId(patientId, owner());
    }

    /** {@link #find}, recorded in the audit trail as a view: for the page and API call that show the patient. */
    @Transactional
    public Optional<Patient> view(long patientId) {
        Optional<Patient> patient = find(patientId);
        patient.ifPresent(p -> audit.record("PATIENT_VIEWED", "patient " + p.getId()));
        return patient;
    }

    @Transactional
    public Patient create(PatientDetails details) {
        long owner = owner();
        PatientDetails clean = check(details);
        if (patients.existsByOwnerIdAndReferenceIgnoreCase(owner, clean.reference())) {
            throw duplicateReference(clean.reference());
        }
        Patient patient = saveChecked(new Patient(owner, clean, clock.instant()), clean);
        audit.record("PATIENT_CREATED", "patient " + patient.getId());
        return patient;
    }

    /**
     * The signed-in clinician's patient with this reference, created with these notes when there is none (batch
     * uploads file DICOM studies under a reference derived from the DICOM patient ID).
     */
    @Transactional
    public Patient findOrCreate(String reference, String notes) {
        return patients.findByOwnerIdAndReferenceIgnoreCase(owner(), reference)
                .orElseGet(() -> create(new PatientDetails(reference, null, null, null, notes)));
    }

    @Transactional
    public Patient update(long patientId, PatientDetails details) {
        long owner = owner();
        Patient patient = require(patientId);
        PatientDetails clean = check(details);
        if (patients.existsByOwnerIdAndReferenceIgnoreCaseAndIdNot(owner, clean.reference(), patientId)) {
            throw duplicateReference(clean.reference());
        }
        patient.apply(clean, clock.instant());
        return saveChecked(patient, clean);
    }

    /**
     * Deletes the patient with all their studies (images, heatmaps, results, feedback); returns how many studies.
     * The analysis feature deletes the studies first, so its similar-case index forgets them too; the
     * foreign key would cascade anyway.
     */
    public int delete(long patientId) {
        long owner = owner();
        Patient patient = require(patientId);
        int studies = analysisService.deleteAllForPatient(owner, patient.getId());
        patients.deleteOwned(patient.getId(), owner);
        audit.record("PATIENT_DELETED", "patient " + patientId + " with " + studies + " studies");
        return studies;
    }

    private Patient require(long patientId) {
        return find(patientId).orElseThrow(() -> new PatientException(null, "This patient does not exist or is not yours."));
    }

    private long owner() {
        return currentUser.requireAccountId();
    }

    /**
     * Two sessions may create the same reference at once: the unique index has the last word. Only a unique
     * violation means that; anything else the database refuses is not reported as a duplicate.
     */
    private Patient saveChecked(Patient patient, PatientDetails clean) {
        try {
            return patients.saveAndFlush(patient);
        } catch (DataIntegrityViolationException e) {
            if (e.getMostSpecificCause() instanceof java.sql.SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw duplicateReference(clean.reference());
            }
            throw e;
        }
    }

    private static final String UNIQUE_VIOLATION = "23505";

    private PatientDetails check(PatientDetails details) {
        String reference = trimToNull(details.reference());
        if (reference == null) {
            throw new PatientException("reference", "Enter a reference for this patient, for example your study or ward code.");
        }
        if (reference.length() > MAX_REFERENCE) {
            throw new PatientException("reference", "A reference has at most " + MAX_REFERENCE + " characters.");
        }
        if (!PlainText.isSingleLine(reference)) {
            throw new PatientException("reference", "A reference cannot contain line breaks, tabs or other control "
                    + "characters (such as NUL).");
        }
        String name = trimToNull(details.name());
        if (name != null && name.length() > MAX_NAME) {
            throw new PatientException("name", "A name has at most " + MAX_NAME + " characters.");
        }
        if (!PlainText.isSingleLine(name)) {
            throw new PatientException("name", "A name cannot contain line breaks, tabs or other control characters "
                    + "(such as NUL).");
        }
        Integer birthYear = details.birthYear();
        int thisYear = Year.now(clock).getValue();
        if (birthYear != null && (birthYear < MIN_BIRTH_YEAR || birthYear > thisYear)) {
            throw new PatientException("birthYear", "Enter a birth year between " + MIN_BIRTH_YEAR + " and " + thisYear + ".");
        }
        String notes = trimToNull(details.notes());
        if (notes != null && notes.length() > MAX_NOTES) {
            throw new PatientException("notes", "Notes have at most " + MAX_NOTES + " characters.");
        }
        if (!PlainText.isMultiLine(notes)) {
            throw new PatientException("notes", "Notes cannot contain control characters (such as NUL); line breaks "
                    + "and tabs are fine.");
        }
        return new PatientDetails(reference, name, birthYear, details.sex(), notes);
    }

    private static PatientException duplicateReference(String reference) {
        return new PatientException("reference", "You already have a patient with the reference \"" + reference + "\".");
    }

    private static String trimToNull(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }

    /**
     * Lower-cased, with LIKE wildcards escaped so "%" or "_" typed by a user match themselves; control characters
     * (which no reference or name holds, and PostgreSQL refuses as NUL) are dropped.
     */
    static String likePattern(String text) {
        String trimmed = text == null ? "" : text.replaceAll("\\p{Cntrl}", "").strip().toLowerCase(java.util.Locale.ROOT);
        return trimmed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
