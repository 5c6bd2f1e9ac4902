package org.chestlens.patients;

/**
 * What a clinician enters about a patient. Optional parts are null when not given; the service
 * trims and checks everything before it is stored.
 */
public record PatientDetails(String reference, String name, Integer birthYear, Sex sex, String notes) {

    public static PatientDetails empty() {
        return new PatientDetails("", null, null, null, null);
    }
}
