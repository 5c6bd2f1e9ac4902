package org.chestlens.patients;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A clinician's feedback on one of their own analyses: a verdict per finding and a note. */
@Entity
@Table(name = "analysis_feedback")
public class Feedback {

    @Id
    @Column(name = "analysis_public_id")
    private String analysisPublicId;

    @Column(name = "owner_id", nullable = false, updatable = false)
    private long ownerId;

    private String note;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "finding_feedback", joinColumns = @JoinColumn(name = "analysis_public_id"))
    @MapKeyColumn(name = "finding_code")
    @Column(name = "verdict", nullable = false)
    @Enumerated(EnumType.STRING)
    private Map<String, Verdict> verdicts = new HashMap<>();

    protected Feedback() {
    }

    Feedback(String analysisPublicId, long ownerId) {
        this.analysisPublicId = analysisPublicId;
        this.ownerId = ownerId;
    }

    void update(Map<String, Verdict> newVerdicts, String newNote, Instant now) {
        verdicts.clear();
        verdicts.putAll(newVerdicts);
        note = newNote;
        updatedAt = now;
    }

    public String getAnalysisPublicId() {
        return analysisPublicId;
    }

    long getOwnerId() {
        return ownerId;
    }

    public Optional<String> getNote() {
        return Optional.ofNullable(note);
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public Map<String, Verdict> getVerdicts() {
        return Map.copyOf(verdicts);
    }

    public Optional<Verdict> verdict(String findingCode) {
        return Optional.ofNullable(verdicts.get(findingCode));
    }
}
