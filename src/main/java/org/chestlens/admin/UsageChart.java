package org.chestlens.admin;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.chestlens.admin.UsageReport.Bucket;
import org.chestlens.admin.UsageReport.BucketSize;
import org.chestlens.ui.Dates;

/**
 * The volume chart of the usage dashboard as a self-contained SVG of stacked bars: completed analyses of
 * registered users (bottom), of anonymous visitors, and rejected analyses (top, hatched). Only the bars are SVG,
 * stretched to the box (so it fills a phone as well as a wide screen); axis labels and legend are HTML around it,
 * so text never shrinks with the drawing. Colour is never the only carrier: the rejected part is hatched, every
 * bar has a tooltip with its numbers, and the view shows the same numbers as a table.
 */
final class UsageChart {

    private static final DateTimeFormatter SHORT_DAY = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM yyyy", Locale.ENGLISH);

    /** Width of one bar's slot in SVG units; the height is 100 units. */
    private static final int SLOT = 10;
    private static final double BAR = 7;

    private UsageChart() {
    }

    /** The top of the scale: at least the highest bar, even, and round (2, 4, 6, 8, 10, 20, 40...). */
    static long scaleMax(List<Bucket> buckets) {
        long max = buckets.stream().mapToLong(Bucket::total).max().orElse(0);
        long step = 1;
        while (true) {
            for (long m : new long[] {2, 4, 6, 8, 10}) {
                if (m * step >= max) {
                    return m * step;
                }
            }
            step *= 10;
        }
    }

    static String svg(List<Bucket> buckets, BucketSize size, long scaleMax, String label) {
        int width = Math.max(1, buckets.size()) * SLOT;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 ").append(width)
                .append(" 100' preserveAspectRatio='none' class='cl-usage-svg' role='img' aria-label='")
                .append(xml(label)).append("'>");
        svg.append("<defs><pattern id='cl-usage-hatch' patternUnits='userSpaceOnUse' width='3' height='3'"
                + " patternTransform='rotate(45)'><rect class='hatch-ground' width='3' height='3'/>"
                + "<rect class='hatch-line' width='1.2' height='3'/></pattern></defs>");
        for (int y : new int[] {0, 50, 100}) {
            svg.append("<line class='grid' x1='0' x2='").append(width).append("' y1='").append(y).append("' y2='").append(y)
                    .append("' vector-effect='non-scaling-stroke'/>");
        }
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            double x = i * SLOT + (SLOT - BAR) / 2;
            svg.append("<g class='bucket'><title>").append(xml(describe(b, size))).append("</title>");
            // The whole slot answers the pointer, so short bars still show their tooltip.
            svg.append("<rect class='hit' x='").append(i * SLOT).append("' y='0' width='").append(SLOT).append("' height='100'/>");
            double base = 100;
            base = bar(svg, "registered", x, base, b.registeredCompleted(), scaleMax, "");
            base = bar(svg, "anonymous", x, base, b.anonymousCompleted(), scaleMax, "");
            bar(svg, "rejected", x, base, b.rejected(), scaleMax, " fill='url(#cl-usage-hatch)'");
            svg.append("</g>");
        }
        return svg.append("</svg>").toString();
    }

    private static double bar(StringBuilder svg, String kind, double x, double base, long count, long scaleMax, String extra) {
        if (count == 0) {
            return base;
        }
        double h = 100.0 * count / scaleMax;
        svg.append(String.format(Locale.ROOT, "<rect class='%s' x='%.2f' y='%.3f' width='%.2f' height='%.3f'%s/>",
                kind, x, base - h, BAR, h, extra));
        return base - h;
    }

    /** The bar's tooltip and table row in a sentence. */
    static String describe(Bucket b, BucketSize size) {
        return period(b.start(), size) + ": " + count(b.total(), "analysis", "analyses") + " (" + b.registered()
                + " registered, " + b.anonymous() + " anonymous), " + b.rejected() + " rejected";
    }

    /** The bucket in words: a day, "week of ...", or a month. */
    static String period(LocalDate start, BucketSize size) {
        return switch (size) {
            case DAY -> Dates.date(start);
            case WEEK -> "week of " + Dates.date(start);
            case MONTH -> MONTH.format(start);
        };
    }

    /** A short axis label. */
    static String axisLabel(LocalDate start, BucketSize size) {
        return size == BucketSize.MONTH ? MONTH.format(start) : SHORT_DAY.format(start);
    }

    /** What a screen reader hears for the whole chart. */
    static String summary(List<Bucket> buckets, BucketSize size) {
        long total = buckets.stream().mapToLong(Bucket::total).sum();
        StringBuilder text = new StringBuilder("Analyses per ").append(size.noun).append(", ")
                .append(period(buckets.get(0).start(), size)).append(" to ")
                .append(period(buckets.get(buckets.size() - 1).start(), size)).append(": ")
                .append(count(total, "analysis", "analyses")).append(" in total");
        buckets.stream().filter(b -> b.total() > 0).max(Comparator.comparingLong(Bucket::total))
                .ifPresent(b -> text.append(", busiest ").append(period(b.start(), size)).append(" (").append(b.total()).append(')'));
        return text.append(". The table below lists every ").append(size.noun).append('.').toString();
    }

    static String count(long n, String one, String many) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }

    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;").replace("\"", "&quot;");
    }
}
