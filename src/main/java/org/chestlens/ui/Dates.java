package org.chestlens.ui;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Dates and times as every page shows them: ISO 8601 ({@code 2026-02-10}, {@code 2026-02-10 14:30}), which
 * reads the same in every country (unlike "2/10/2026"), sorts as text and keeps a narrow, fixed width in grids.
 * Times are on the 24-hour clock in the server's time zone, as the PDF report and the audit CSV give them; where a
 * time leaves the page (the PDF), its zone is named.
 */
public final class Dates {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME_ZONE = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm z", Locale.ROOT);

    private Dates() {
    }

    /** The zone times are shown in. */
    public static ZoneId zone() {
        return ZoneId.systemDefault();
    }

    /** {@code 2026-02-10}. */
    public static String date(LocalDate date) {
        return DATE.format(date);
    }

    /** The day of the instant in {@link #zone()}: {@code 2026-02-10}. */
    public static String date(Instant instant) {
        return DATE.format(instant.atZone(zone()));
    }

    /** {@code 2026-02-10 14:30}, in {@link #zone()}. */
    public static String dateTime(Instant instant) {
        return DATE_TIME.format(instant.atZone(zone()));
    }

    /** {@code 14:30:05}, in {@link #zone()}: when a live page last changed (today, to the second). */
    public static String time(Instant instant) {
        return TIME.format(instant.atZone(zone()));
    }

    /** {@code 2026-02-10 14:30 UTC}: the zone named, for documents read away from the server. */
    public static String dateTime(Instant instant, ZoneId zone) {
        return DATE_TIME_ZONE.format(instant.atZone(zone));
    }

    /** {@code 2026-02-10 14:30:05}, in {@link #zone()}: for the audit trail, where the order within a minute matters. */
    public static String dateTimeSeconds(Instant instant) {
        return DATE_TIME_SECONDS.format(instant.atZone(zone()));
    }
}
