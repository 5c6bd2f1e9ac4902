package org.chestlens.patients;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import org.chestlens.analysis.AnalysisSummary;

/** Dates as clinicians read them in lists: local time zone, medium style. */
final class ResultDates {

    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
            .withZone(ZoneId.systemDefault());

    private ResultDates() {
    }

    static String analysed(AnalysisSummary summary) {
        return DATE_TIME.format(summary.createdAt());
    }
}
