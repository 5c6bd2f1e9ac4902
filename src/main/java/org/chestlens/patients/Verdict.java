package org.chestlens.patients;

/** A clinician's verdict on one finding of their analysis. No verdict means "not reviewed". */
public enum Verdict {
    CONFIRMED("Confirmed"),
    REJECTED("Rejected");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
