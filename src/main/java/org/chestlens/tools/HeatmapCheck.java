package org.chestlens.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.chestlens.imaging.BodyMask;
import org.chestlens.imaging.DecodedImage;
import org.chestlens.imaging.EncodedImage;
import org.chestlens.imaging.GreyImage;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.InvalidImageException;
import org.chestlens.imaging.Overlays;
import org.chestlens.imaging.PngEncoder;
import org.chestlens.imaging.Resampler;
import org.chestlens.inference.InferenceEngine;
import org.chestlens.inference.ModelManifest;
import org.chestlens.inference.Prediction;
import org.chestlens.analysis.Renderings;
import org.chestlens.references.Csv;

/**
 * {@code heatmap-check}: how often the hottest 10% of each shown heatmap lies inside the body, before and after
 * the fixed scale and the body mask, on a folder laid out like {@code ../shared/data/cxr}.
 *
 * <p>For every image the gate accepts and every finding the page shows a heatmap for by default (reported, positive,
 * not the normal-study finding), at the display size ({@code chestlens.heatmap.max-side}, 512 px):
 * <ul>
 *   <li><b>before</b>: the map as drawn until this release (CAM upsampled and stretched min-max per image): its
 *       hottest 10% of pixels are the top 10% of the upsampled CAM;</li>
 *   <li><b>after</b>: the intensities drawn now ({@link Renderings#heatmapIntensity}): its hottest 10% are the
 *       coloured pixels at or above the 90th percentile (maps with nothing coloured are counted apart).</li>
 * </ul>
 * Inside = the body mask resampled to the display size at 0.5 or more. Also: the share of the drawn colour
 * (opacity-weighted) outside the body (before: the old opacity rule on the stretched map), the mask's coverage per
 * source and the time to draw a heatmap now.
 */
class HeatmapCheck {

    private static final int BATCH = 16;
    private static final int DISPLAY_SIDE = 512;
    /** Until this release: transparent below a quarter of the stretched map, opacity growing to 60% at its maximum. */
    private static final float OLD_TRANSPARENT_BELOW = 0.25f;

    private final ImageDecoder decoder;
    private final InferenceEngine engine;

    HeatmapCheck(ImageDecoder decoder, InferenceEngine engine) {
        this.decoder = decoder;
        this.engine = engine;
    }

    /** One shown heatmap's numbers. */
    record MapCheck(String finding, String source, double hottestInsideBefore, double hottestInsideAfter,
                    boolean colouredAfter, double colourOutsideBefore, double colourOutsideAfter) {
    }

    int run(Commands.Arguments args) {
        if (!engine.available()) {
            System.err.println(engine.unavailableReason().orElse("No models."));
            return 1;
        }
        Path data = Path.of(args.required("data"));
        Optional<String> split = args.value("split");
        int limit = args.intValue("limit", 0);
        Optional<Path> examples = args.value("examples").map(Path::of);
        int exampleCount = args.intValue("example-count", 24);
        ModelManifest manifest = engine.manifest().orElseThrow();
        Csv index = Csv.readIndex(data);
        int pathColumn = index.column("path");
        int splitColumn = index.column("split");
        int sourceColumn = index.column("source");
        List<List<String>> rows = index.rows().stream()
                .filter(r -> split.map(s -> s.equals(Csv.value(r, splitColumn))).orElse(true))
                .limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
        System.out.printf("Heatmap check of %s %s on %d images of %s%s%n", manifest.name(), manifest.version(),
                rows.size(), data, split.map(s -> " (split " + s + ")").orElse(""));

        List<MapCheck> maps = new ArrayList<>();
        Map<String, List<Double>> coverage = new TreeMap<>();
        int[] counts = new int[3]; // images, rejected, masks not found
        double[] millis = new double[1]; // drawing a heatmap now: mask, scale, blend, PNG
        int examplesWritten = 0;
        long start = System.nanoTime();
        for (int from = 0; from < rows.size(); from += BATCH) {
            List<List<String>> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
            List<DecodedImage> decoded = new ArrayList<>();
            List<String> sources = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            for (List<String> row : batch) {
                try {
                    decoded.add(decoder.decode(Files.readAllBytes(data.resolve(Csv.value(row, pathColumn)))));
                    sources.add(Csv.value(row, sourceColumn));
                    paths.add(Csv.value(row, pathColumn));
                } catch (InvalidImageException | IOException e) {
                    System.out.println("  skipped " + Csv.value(row, pathColumn) + ": " + e.getMessage());
                }
            }
            if (decoded.isEmpty()) {
                continue;
            }
            List<Prediction> predictions = engine.predictBatch(decoded.stream().map(DecodedImage::grey).toList(),
                    decoded.stream().map(DecodedImage::saturation).toList());
            for (int i = 0; i < predictions.size(); i++) {
                counts[0]++;
                Prediction p = predictions.get(i);
                if (p.gate().rejected()) {
                    counts[1]++;
                    continue;
                }
                GreyImage base = Renderings.displayBase(decoded.get(i).grey(), DISPLAY_SIDE);
                BodyMask mask = BodyMask.of(base);
                coverage.computeIfAbsent(sources.get(i), s -> new ArrayList<>()).add(mask.coverage());
                counts[2] += mask.found() ? 0 : 1;
                float[] soft = mask.resampled(base.width(), base.height());
                for (Prediction.FindingScore f : p.findings()) {
                    ModelManifest.FindingSpec spec = manifest.finding(f.code()).orElseThrow();
                    if (!f.reported() || !f.positive() || spec.isNormal()) {
                        continue;
                    }
                    float[] cam = p.cams().byFinding().get(f.code());
                    long t0 = System.nanoTime();
                    float[] after = Renderings.heatmapIntensity(base, cam, p.cams().width(), p.cams().height(),
                            spec.heatmapScale());
                    EncodedImage drawn = Overlays.blendPng(base, after);
                    long t1 = System.nanoTime();
                    millis[0] += (t1 - t0) / 1e6;
                    float[] stretched = Resampler.bilinear(Overlays.normalise(cam), p.cams().width(), p.cams().height(),
                            base.width(), base.height());
                    maps.add(measure(f.code(), sources.get(i), stretched, after, soft));
                    if (examples.isPresent() && examplesWritten < exampleCount && maps.size() % 7 == 1) {
                        writeExample(examples.get(), examplesWritten++, paths.get(i), f.code(), base, soft, drawn);
                    }
                }
            }
            if ((from / BATCH) % 25 == 24) {
                System.out.printf("  %d / %d images, %d maps%n", counts[0], rows.size(), maps.size());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> report = report(manifest, maps, coverage, counts, millis, seconds, data, split);
        print(report);
        try {
            Path out = Path.of(args.value("out").orElse("heatmap-check.json"));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
            System.out.printf("%nWrote %s%n", out.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    static MapCheck measure(String finding, String source, float[] stretched, float[] after, float[] mask) {
        double hottestBefore = insideShare(stretched, mask, false);
        double hottestAfter = insideShare(after, mask, true);
        return new MapCheck(finding, source, hottestBefore, hottestAfter, !Double.isNaN(hottestAfter),
                colourOutside(stretched, mask, true), colourOutside(after, mask, false));
    }

    /**
     * Share of the map's hottest 10% of pixels (at or above its 10%-largest value; with {@code colouredOnly}, only
     * pixels above 0) that lie inside the body; NaN when no pixel qualifies.
     */
    static double insideShare(float[] map, float[] mask, boolean colouredOnly) {
        float[] sorted = map.clone();
        Arrays.sort(sorted);
        float cut = sorted[sorted.length - Math.max(1, (int) Math.ceil(0.1 * sorted.length))]; // the 10% largest
        long hot = 0;
        long inside = 0;
        for (int i = 0; i < map.length; i++) {
            if (map[i] >= cut && (!colouredOnly || map[i] > 0)) {
                hot++;
                inside += mask[i] >= 0.5f ? 1 : 0;
            }
        }
        return hot == 0 ? Double.NaN : inside / (double) hot;
    }

    /** Share of the drawn colour (summed opacity) outside the body; {@code old}: the previous opacity rule. */
    static double colourOutside(float[] map, float[] mask, boolean old) {
        double total = 0;
        double outside = 0;
        for (int i = 0; i < map.length; i++) {
            double alpha = old ? (map[i] <= OLD_TRANSPARENT_BELOW ? 0
                    : Overlays.MAX_OPACITY * (map[i] - OLD_TRANSPARENT_BELOW) / (1 - OLD_TRANSPARENT_BELOW))
                    : Overlays.opacity(map[i]);
            total += alpha;
            outside += mask[i] < 0.5f ? alpha : 0;
        }
        return total == 0 ? Double.NaN : outside / total;
    }

    private static Map<String, Object> report(ModelManifest manifest, List<MapCheck> maps,
                                              Map<String, List<Double>> coverage, int[] counts, double[] millis,
                                              double seconds, Path data, Optional<String> split) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", manifest.name() + " " + manifest.version());
        out.put("data", data.toString());
        out.put("split", split.orElse("all"));
        out.put("images", counts[0]);
        out.put("rejectedByGate", counts[1]);
        out.put("maskNotFound", counts[2]);
        out.put("definition", "maps: every reported, positive, non-normal finding of every accepted image, at the "
                + "display size (longest side 512 px). hottest10InsideBefore: share of the top 10% pixels of the upsampled "
                + "CAM (the old min-max stretched map) inside the body mask (resampled, >= 0.5); hottest10InsideAfter: the "
                + "same for the drawn intensities (coloured pixels at or above the 90th percentile); allHottestInside*: share "
                + "of maps whose hottest 10% lie entirely inside; colourOutside*: opacity-weighted share of the drawn colour "
                + "outside the body");
        Map<String, List<MapCheck>> byFinding = new TreeMap<>();
        maps.forEach(m -> byFinding.computeIfAbsent(m.finding(), k -> new ArrayList<>()).add(m));
        out.put("all", summary(maps));
        Map<String, Object> findings = new LinkedHashMap<>();
        manifest.findings().stream().map(ModelManifest.FindingSpec::code).filter(byFinding::containsKey)
                .forEach(code -> findings.put(code, summary(byFinding.get(code))));
        out.put("findings", findings);
        Map<String, Object> masks = new LinkedHashMap<>();
        coverage.forEach((source, values) -> masks.put(source, Map.of("images", values.size(),
                "meanCoverage", round(values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)),
                "minCoverage", round(values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)))));
        out.put("maskCoverageBySource", masks);
        out.put("drawMillisPerMap", round(millis[0] / Math.max(1, maps.size())));
        out.put("seconds", round(seconds));
        return out;
    }

    private static Map<String, Object> summary(List<MapCheck> maps) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("maps", maps.size());
        s.put("hottest10InsideBefore", round(mean(maps.stream().mapToDouble(MapCheck::hottestInsideBefore).toArray())));
        s.put("allHottestInsideBefore", round(maps.stream().filter(m -> m.hottestInsideBefore() >= 1.0).count()
                / (double) Math.max(1, maps.size())));
        List<MapCheck> coloured = maps.stream().filter(MapCheck::colouredAfter).toList();
        s.put("colouredAfter", coloured.size());
        s.put("hottest10InsideAfter", round(mean(coloured.stream().mapToDouble(MapCheck::hottestInsideAfter).toArray())));
        s.put("allHottestInsideAfter", round(coloured.stream().filter(m -> m.hottestInsideAfter() >= 1.0).count()
                / (double) Math.max(1, coloured.size())));
        s.put("colourOutsideBefore", round(mean(maps.stream().mapToDouble(MapCheck::colourOutsideBefore).toArray())));
        s.put("colourOutsideAfter", round(mean(coloured.stream().mapToDouble(MapCheck::colourOutsideAfter).toArray())));
        return s;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    private static double round(double v) {
        return Double.isNaN(v) ? Double.NaN : Math.round(v * 10000) / 10000.0;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> report) {
        System.out.printf("%n%-20s %6s %12s %12s %10s %12s %12s %12s %12s%n", "finding", "maps", "hot10 in bef",
                "all in bef", "coloured", "hot10 in aft", "all in aft", "col out bef", "col out aft");
        Map<String, Object> rows = new LinkedHashMap<>((Map<String, Object>) report.get("findings"));
        rows.put("ALL", report.get("all"));
        rows.forEach((code, value) -> {
            Map<String, Object> s = (Map<String, Object>) value;
            System.out.printf(Locale.ROOT, "%-20s %6s %12s %12s %10s %12s %12s %12s %12s%n", code, s.get("maps"),
                    s.get("hottest10InsideBefore"), s.get("allHottestInsideBefore"), s.get("colouredAfter"),
                    s.get("hottest10InsideAfter"), s.get("allHottestInsideAfter"), s.get("colourOutsideBefore"),
                    s.get("colourOutsideAfter"));
        });
        System.out.printf(Locale.ROOT, "%nImages %s, rejected by the gate %s, body mask not found %s; mask coverage %s%n",
                report.get("images"), report.get("rejectedByGate"), report.get("maskNotFound"),
                report.get("maskCoverageBySource"));
        System.out.printf(Locale.ROOT, "Drawing one heatmap (mask, scale, blend, PNG): %s ms; %.1f s in all%n",
                report.get("drawMillisPerMap"), (Double) report.get("seconds"));
    }

    /** X-ray with the mask's outside tinted red | the heatmap as drawn now: for looking at, not for the repository. */
    private static void writeExample(Path dir, int n, String path, String finding, GreyImage base, float[] mask,
                                     EncodedImage drawn) {
        try {
            Files.createDirectories(dir);
            int w = base.width();
            int h = base.height();
            byte[] rgb = new byte[w * h * 3];
            byte[] grey = base.pixels();
            for (int i = 0; i < grey.length; i++) {
                int g = grey[i] & 0xff;
                boolean out = mask[i] < 0.5f;
                rgb[3 * i] = (byte) (out ? Math.min(255, g / 2 + 110) : g);
                rgb[3 * i + 1] = (byte) (out ? g / 2 : g);
                rgb[3 * i + 2] = (byte) (out ? g / 2 : g);
            }
            String name = String.format(Locale.ROOT, "%03d-%s-%s", n, finding,
                    path.replaceAll("[^A-Za-z0-9._-]", "_"));
            Files.write(dir.resolve(name + "-mask.png"), PngEncoder.encode(w, h, 3, rgb, PngEncoder.FAST));
            Files.write(dir.resolve(name + "-heatmap.png"), drawn.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
