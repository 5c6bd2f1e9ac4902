package org.chestlens.patients;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.chestlens.ui.Dates;
import org.chestlens.ui.Numbers;

/**
 * One finding's probability over a patient's studies, as a small self-contained SVG (server-rendered:
 * no chart library, nothing to load). Colour is never the only carrier: positive studies are filled
 * squares, negative ones hollow circles, the threshold is a labelled dashed line, and the figure has a
 * text description listing every value.
 */
final class TrendChart {

    /** One study's value. */
    record Point(LocalDate date, double probability, boolean positive) {
    }

    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("d MMM yy", Locale.ENGLISH);

    private static final int WIDTH = 320;
    private static final int HEIGHT = 150;
    private static final int LEFT = 36;
    private static final int RIGHT = 12;
    private static final int TOP = 12;
    private static final int BOTTOM = 28;

    private TrendChart() {
    }

    /** The text a screen reader gets, also the SVG's description. */
    static String describe(String label, double threshold, List<Point> points) {
        StringBuilder text = new StringBuilder(label).append(" probability over ")
                .append(Numbers.count(points.size(), "study", "studies"))
                .append(", threshold ").append(Numbers.percent(threshold)).append(": ");
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            text.append(i == 0 ? "" : "; ").append(Dates.date(p.date())).append(" ").append(Numbers.percent(p.probability()))
                    .append(p.positive() ? " positive" : " negative");
        }
        return text.append('.').toString();
    }

    /** Points must be in date order; the x axis is proportional to time between the first and last study. */
    static String svg(String id, String label, double threshold, List<Point> points) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        LocalDate first = points.get(0).date();
        LocalDate last = points.get(points.size() - 1).date();
        long span = Math.max(1, ChronoUnit.DAYS.between(first, last));
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("' role='img' aria-labelledby='").append(id).append("-t ").append(id).append("-d' class='cl-trend-svg'>");
        svg.append("<title id='").append(id).append("-t'>").append(xml(label)).append("</title>");
        svg.append("<desc id='").append(id).append("-d'>").append(xml(describe(label, threshold, points))).append("</desc>");

        // Grid lines and y-axis labels at 0, 50 and 100 %.
        for (int pct : new int[] {0, 50, 100}) {
            double y = TOP + plotH * (1 - pct / 100.0);
            svg.append(String.format(Locale.ROOT, "<line class='grid' x1='%d' x2='%d' y1='%.1f' y2='%.1f'/>", LEFT, WIDTH - RIGHT, y, y));
            svg.append(String.format(Locale.ROOT, "<text class='axis' x='%d' y='%.1f' text-anchor='end' dominant-baseline='middle'>%d%%</text>",
                    LEFT - 6, y, pct));
        }
        double ty = TOP + plotH * (1 - threshold);
        svg.append(String.format(Locale.ROOT, "<line class='threshold' x1='%d' x2='%d' y1='%.1f' y2='%.1f'/>", LEFT, WIDTH - RIGHT, ty, ty));
        svg.append(String.format(Locale.ROOT, "<text class='threshold-label' x='%d' y='%.1f' text-anchor='end'>threshold %s</text>",
                WIDTH - RIGHT, ty - 4, Numbers.percent(threshold)));

        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            xs[i] = points.size() == 1 ? LEFT + plotW / 2.0
                    : LEFT + plotW * ChronoUnit.DAYS.between(first, p.date()) / (double) span;
            ys[i] = TOP + plotH * (1 - clamp(p.probability()));
        }
        if (points.size() > 1) {
            svg.append("<polyline class='line' points='");
            for (int i = 0; i < xs.length; i++) {
                svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", xs[i], ys[i]));
            }
            svg.append("'/>");
        }
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            String tip = "<title>" + xml(Dates.date(p.date()) + ": " + Numbers.percent(p.probability())
                    + (p.positive() ? ", positive" : ", negative")) + "</title>";
            if (p.positive()) {
                svg.append(String.format(Locale.ROOT, "<rect class='point positive' x='%.1f' y='%.1f' width='9' height='9'>%s</rect>",
                        xs[i] - 4.5, ys[i] - 4.5, tip));
            } else {
                svg.append(String.format(Locale.ROOT, "<circle class='point negative' cx='%.1f' cy='%.1f' r='4'>%s</circle>",
                        xs[i], ys[i], tip));
            }
        }
        // Date labels for the first and last study (and the only one).
        svg.append(String.format(Locale.ROOT, "<text class='axis' x='%.1f' y='%d' text-anchor='%s'>%s</text>",
                xs[0], HEIGHT - 8, points.size() == 1 ? "middle" : "start", xml(SHORT.format(first))));
        if (points.size() > 1) {
            svg.append(String.format(Locale.ROOT, "<text class='axis' x='%.1f' y='%d' text-anchor='end'>%s</text>",
                    xs[xs.length - 1], HEIGHT - 8, xml(SHORT.format(last))));
        }
        return svg.append("</svg>").toString();
    }

    private static double clamp(double p) {
        return Math.max(0, Math.min(1, p));
    }

    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;").replace("\"", "&quot;");
    }
}
