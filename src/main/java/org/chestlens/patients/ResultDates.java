package org.chestlens.patients;

import org.chestlens.analysis.AnalysisSummary;
import org.chestlens.ui.Dates;

/** When an analysis was made, as lists show it (see {@link Dates}). */
final class ResultDates {

    private ResultDates() {
    }

    static String analysed(AnalysisSummary summary) {
        return Dates.dateTime(summary.createdAt());
    }
}
