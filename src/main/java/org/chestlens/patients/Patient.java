package org.chestlens.patients;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/**
 * A patient in one clinician's list. The owner is kept by id (accounts stay unaware of patients);
 * every read and write goes through {@link PatientService}, which checks it.
 */
@Entity
@Table(name = "patient")
public class Patient {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "owner_id", nullable = false, updatable = false)
    private long ownerId;

    @Column(nullable = false)
    private String reference;

    private String name;

    @Column(name = "birth_year")
    private Integer birthYear;

    @Enumerated(EnumType.STRING)
    private Sex sex;

    private String notes;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Patient() {
    }

    Patient(long ownerId, PatientDetails details, Instant now) {
        this.ownerId = ownerId;
        this.createdAt = now;
        apply(details, now);
    }

    void apply(PatientDetails details, Instant now) {
        this.reference = details.reference();
        this.name = details.name();
        this.birthYear = details.birthYear();
        this.sex = details.sex();
        this.notes = details.notes();
        this.updatedAt = now;
    }

    public long getId() {
        return id;
    }

    long getOwnerId() {
        return ownerId;
    }

    public String getReference() {
        return reference;
    }

    public Optional<String> getName() {
        return Optional.ofNullable(name);
    }

    public Optional<Integer> getBirthYear() {
        return Optional.ofNullable(birthYear);
    }

    public Optional<Sex> getSex() {
        return Optional.ofNullable(sex);
    }

    public Optional<String> getNotes() {
        return Optional.ofNullable(notes);
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public PatientDetails details() {
        return new PatientDetails(reference, name, birthYear, sex, notes);
    }

    /** "P-0042 (Jane Doe)" or just the reference: how the patient is named in headings and reports. */
    public String displayLabel() {
        return name == null ? reference : reference + " (" + name + ")";
    }
}
