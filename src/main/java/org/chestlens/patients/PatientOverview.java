package org.chestlens.patients;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.chestlens.ui.Dates;

/** One row of the patient list: the patient, the date of their latest study and what it found. */
public record PatientOverview(Patient patient, Optional<LocalDate> lastStudyDate, List<PositiveFinding> latestPositive) {

    /**
     * A finding the latest study found positive: its code, its label (to show), and whether it is the models'
     * "normal study" finding (positive is good news: a calm colour).
     */
    public record PositiveFinding(String code, String label, boolean normal) {
    }

    /** The labels of the latest study's positive findings, most probable first. */
    public List<String> latestPositiveFindings() {
        return latestPositive.stream().map(PositiveFinding::label).toList();
    }

    String lastStudyText() {
        return lastStudyDate.map(Dates::date).orElse("No studies yet");
    }
}
