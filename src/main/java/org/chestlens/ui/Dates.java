package org.chestlens.ui;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Dates as every reader can read them, whatever the server's locale: ISO 8601 ("2026-01-05"), and times on the
 * 24-hour clock with the time zone named ("2026-01-05 14:03 UTC"), never a US-only "1/5/26, 2:03 PM".
 */
public final class Dates {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm z", Locale.ROOT);

    private Dates() {
    }

    public static String date(LocalDate date) {
        return DATE.format(date);
    }

    /** In the server's time zone, which is named. */
    public static String dateTime(Instant instant) {
        return dateTime(instant, ZoneId.systemDefault());
    }

    public static String dateTime(Instant instant, ZoneId zone) {
        return DATE_TIME.format(instant.atZone(zone));
    }
}
