package org.chestlens.admin;

/** The ranges the usage dashboard offers; {@code days} includes today, 0 for all time. */
enum UsagePeriod {
    LAST_7_DAYS("Last 7 days", 7),
    LAST_30_DAYS("Last 30 days", 30),
    LAST_90_DAYS("Last 90 days", 90),
    ALL_TIME("All time", 0);

    final String label;
    final int days;

    UsagePeriod(String label, int days) {
        this.label = label;
        this.days = days;
    }
}
