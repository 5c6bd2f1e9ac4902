package org.chestlens.ui;

import java.util.Locale;

/**
 * The one way numbers are written for people: probabilities as whole percentages, changes between two of them in
 * percentage points, rates with one decimal, and counts with the right plural. Every page, the PDF and the admin
 * screens use these, so a change never contradicts the two numbers it sits between.
 */
public final class Numbers {

    private Numbers() {
    }

    /** Whole percent, except that the ends stay honest: 0.3% is "<1%", 99.7% is ">99%". */
    public static String percent(double probability) {
        double pct = clamp(probability) * 100;
        if (pct > 0 && pct < 1) {
            return "<1%";
        }
        if (pct > 99 && pct < 100) {
            return ">99%";
        }
        return Math.round(pct) + "%";
    }

    /**
     * The whole percentage {@link #percent} shows, as a number: "<1%" counts as 0 and ">99%" as 99, so that a change
     * computed from two of these never claims more than the two shown numbers differ by.
     */
    public static int shownPercent(double probability) {
        double pct = clamp(probability) * 100;
        if (pct > 0 && pct < 1) {
            return 0;
        }
        if (pct > 99 && pct < 100) {
            return 99;
        }
        return (int) Math.round(pct);
    }

    /**
     * The change from one probability to another as the reader sees it: the difference of the two shown whole
     * percentages ("up 1 point", "down 12 points"), "unchanged" when both read the same, and "up less than 1 point"
     * where the shown numbers differ only at an honest end ("<1%" to "1%").
     */
    public static String percentChange(double before, double after) {
        int points = shownPercent(after) - shownPercent(before);
        if (points == 0) {
            if (percent(before).equals(percent(after))) {
                return "unchanged";
            }
            return (after > before ? "up" : "down") + " less than 1 point";
        }
        return (points > 0 ? "up " : "down ") + count(Math.abs(points), "point", "points");
    }

    /** A rate for statistics (admin usage): one decimal, with "<0.1%" rather than a misleading "0.0%". */
    public static String rate(double fraction) {
        double pct = Math.max(0, fraction) * 100;
        if (pct > 0 && pct < 0.05) {
            return "<0.1%";
        }
        return String.format(Locale.ROOT, "%.1f%%", pct);
    }

    /** "1 study", "2 studies", "0 studies". */
    public static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** Where a bar or marker for a probability goes, as a CSS length ("37.5%"). */
    public static String cssPercent(double probability) {
        return String.format(Locale.ROOT, "%.1f%%", clamp(probability) * 100);
    }

    private static double clamp(double p) {
        return Double.isNaN(p) ? 0 : Math.max(0, Math.min(1, p));
    }
}
