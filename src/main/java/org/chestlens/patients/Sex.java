package org.chestlens.patients;

/** Sex as recorded by the clinician; absent when not recorded. */
public enum Sex {
    FEMALE("Female"),
    MALE("Male"),
    OTHER("Other");

    private final String label;

    Sex(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
