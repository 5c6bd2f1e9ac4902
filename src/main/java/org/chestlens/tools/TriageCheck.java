package org.chestlens.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.chestlens.imaging.DecodedImage;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.InvalidImageException;
import org.chestlens.inference.InferenceEngine;
import org.chestlens.inference.ModelManifest;
import org.chestlens.inference.Prediction;
import org.chestlens.references.Csv;
import org.chestlens.worklist.Urgency;

/**
 * {@code triage-check}: how well the worklist's urgency order ({@link Urgency}, the same function the page and the
 * API sort by) puts abnormal studies first, on a labelled folder laid out like {@code ../shared/data/cxr}.
 *
 * <p>Every image goes through the server's pipeline (decode, models, gate); images the gate refuses would never be
 * on a worklist and are counted apart. The accepted ones are ordered most urgent first. A study is <b>abnormal</b>
 * when any finding label other than the normal-study finding (No Finding) is 1. Reported: the share of abnormal
 * studies among the first 10% of the list (the {@code --top} fraction) against the share among all studies, which is
 * what a random order gives on average; the lift (their ratio); and the AUC of the order (the chance that a random
 * abnormal study is listed before a random normal one; ties count half) with its DeLong 95% interval. The same for two
 * parts of the rule alone (positive findings only, anomaly only) and for one variant (studies without a positive
 * finding ordered by their highest probability / threshold before the anomaly score), and within each source, where
 * the comparison is not helped by sources that differ in both their share of abnormal images and their look.
 */
class TriageCheck {

    private static final int BATCH = 16;

    private final ImageDecoder decoder;
    private final InferenceEngine engine;

    TriageCheck(ImageDecoder decoder, InferenceEngine engine) {
        this.decoder = decoder;
        this.engine = engine;
    }

    /**
     * One accepted image: where it came from, whether it is abnormal, its urgency, and (for a variant of the rule) the
     * highest probability / threshold among its reported non-normal findings whether positive or not.
     */
    record Study(String path, String source, boolean abnormal, Urgency urgency, double highestRelative) {
    }

    int run(Commands.Arguments args) {
        if (!engine.available()) {
            System.err.println(engine.unavailableReason().orElse("No models."));
            return 1;
        }
        Path data = Path.of(args.required("data"));
        Optional<String> split = args.value("split");
        int limit = args.intValue("limit", 0);
        double top = args.value("top").map(Double::parseDouble).orElse(0.1);
        if (!(top > 0 && top <= 1)) {
            throw new IllegalArgumentException("--top must be a fraction in (0, 1], e.g. 0.1");
        }
        ModelManifest manifest = engine.manifest().orElseThrow();
        Csv index = Csv.readIndex(data);
        int pathColumn = index.column("path");
        int splitColumn = index.column("split");
        int sourceColumn = index.column("source");
        // Label columns of the findings that make a study abnormal: every manifest finding but the normal-study one.
        Map<String, Integer> abnormalColumns = new LinkedHashMap<>(index.findingColumns(manifest));
        manifest.findings().stream().filter(ModelManifest.FindingSpec::isNormal).forEach(f -> abnormalColumns.remove(f.code()));
        if (abnormalColumns.isEmpty()) {
            throw new IllegalArgumentException(data.resolve("index.csv") + " has no finding label columns");
        }
        List<List<String>> rows = index.rows().stream()
                .filter(r -> split.map(s -> s.equals(Csv.value(r, splitColumn))).orElse(true))
                .limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
        System.out.printf("Triage check of %s %s on %d images of %s%s%n", manifest.name(), manifest.version(),
                rows.size(), data, split.map(s -> " (split " + s + ")").orElse(""));

        List<Study> studies = new ArrayList<>();
        int[] refused = new int[3]; // rejected by the gate, of which abnormal; unreadable
        long start = System.nanoTime();
        for (int from = 0; from < rows.size(); from += BATCH) {
            List<DecodedImage> decoded = new ArrayList<>();
            List<List<String>> kept = new ArrayList<>();
            for (List<String> row : rows.subList(from, Math.min(rows.size(), from + BATCH))) {
                try {
                    decoded.add(decoder.decode(Files.readAllBytes(data.resolve(Csv.value(row, pathColumn)))));
                    kept.add(row);
                } catch (InvalidImageException | IOException e) {
                    refused[2]++;
                    System.out.println("  skipped " + Csv.value(row, pathColumn) + ": " + e.getMessage());
                }
            }
            if (decoded.isEmpty()) {
                continue;
            }
            List<Prediction> predictions = engine.predictBatch(decoded.stream().map(DecodedImage::grey).toList(),
                    decoded.stream().map(DecodedImage::saturation).toList());
            for (int i = 0; i < predictions.size(); i++) {
                List<String> row = kept.get(i);
                boolean abnormal = abnormalColumns.values().stream().anyMatch(c -> Csv.value(row, c).trim().equals("1"));
                Prediction p = predictions.get(i);
                if (p.gate().rejected()) {
                    refused[0]++;
                    refused[1] += abnormal ? 1 : 0;
                    continue;
                }
                studies.add(new Study(Csv.value(row, pathColumn), Csv.value(row, sourceColumn), abnormal,
                        urgency(p, manifest), highestRelative(p, manifest)));
            }
            if ((from / BATCH) % 25 == 24) {
                System.out.printf("  %d / %d images%n", Math.min(rows.size(), from + BATCH), rows.size());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", manifest.name() + " " + manifest.version());
        report.put("data", data.toString());
        report.put("split", split.orElse("all"));
        report.put("images", rows.size());
        report.put("rejectedByGate", refused[0]);
        report.put("rejectedAbnormal", refused[1]);
        report.put("unreadable", refused[2]);
        report.put("top", top);
        report.put("definition", "Accepted images ordered most urgent first by the worklist's rule (positive reported "
                + "findings other than No Finding first, by highest probability / threshold, then anomaly percentile). "
                + "Abnormal: any finding label 1 other than No Finding. abnormalInTop: share of abnormal studies in the "
                + "first 'top' fraction of the list; abnormalOverall: their share in the whole list, the expected share "
                + "in the top under random order; lift = abnormalInTop / abnormalOverall; auc: probability that an "
                + "abnormal study is listed before a normal one (ties half), DeLong 95% CI.");
        report.put("all", orders(studies, top));
        Map<String, Object> bySource = new LinkedHashMap<>();
        new TreeMap<>(groupBySource(studies)).forEach((source, of) -> bySource.put(source, orders(of, top)));
        report.put("bySource", bySource);
        report.put("seconds", round(seconds));
        print(report);
        try {
            Path out = Path.of(args.value("out").orElse("triage-check.json"));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
            System.out.printf("%nWrote %s%n", out.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    /** The worklist's urgency of a prediction: the same inputs as a stored analysis. */
    static Urgency urgency(Prediction p, ModelManifest manifest) {
        List<Urgency.Call> calls = p.findings().stream().map(f -> new Urgency.Call(f.probability(), f.threshold(),
                f.positive(), manifest.finding(f.code()).map(ModelManifest.FindingSpec::isNormal).orElse(false),
                f.reported())).toList();
        return Urgency.of(calls, p.anomaly().negElboPercentile());
    }

    /** Highest probability / threshold among reported findings other than the normal-study one, positive or not. */
    static double highestRelative(Prediction p, ModelManifest manifest) {
        return p.findings().stream()
                .filter(f -> f.reported() && !manifest.finding(f.code()).map(ModelManifest.FindingSpec::isNormal).orElse(false))
                .mapToDouble(f -> new Urgency.Call(f.probability(), f.threshold(), true, false, true).relative())
                .filter(Double::isFinite).max().orElse(0);
    }

    /** The full rule, two of its parts alone, and a variant, each measured as an order. */
    private static Map<String, Object> orders(List<Study> studies, double top) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("urgency", measure(studies, byUrgency(Urgency.MOST_URGENT_FIRST), top));
        // Parts of the rule alone, to see what each contributes.
        out.put("positiveFindingsOnly", measure(studies, byUrgency(Comparator.comparing(Urgency::positive)
                .thenComparingDouble(Urgency::topRelativeProbability).reversed()), top));
        out.put("anomalyOnly", measure(studies, byUrgency(Comparator.comparingDouble(Urgency::anomalyPercentile)
                .reversed()), top));
        // Variant: studies without a positive finding ordered by how close their findings come to a threshold.
        out.put("negativesByProbabilityThenAnomaly", measure(studies, Comparator.comparing((Study s) -> s.urgency().positive())
                .thenComparingDouble(Study::highestRelative)
                .thenComparingDouble(s -> s.urgency().anomalyPercentile()).reversed(), top));
        return out;
    }

    static Comparator<Study> byUrgency(Comparator<Urgency> order) {
        return Comparator.comparing(Study::urgency, order);
    }

    /**
     * Orders the studies by {@code order} (most urgent first; equal urgencies keep their input order) and measures
     * how early the abnormal ones come.
     */
    static Map<String, Object> measure(List<Study> studies, Comparator<Study> order, double top) {
        List<Study> sorted = new ArrayList<>(studies);
        sorted.sort(order);
        int n = sorted.size();
        int k = n == 0 ? 0 : Math.max(1, (int) Math.ceil(top * n));
        long abnormal = sorted.stream().filter(Study::abnormal).count();
        long abnormalInTop = sorted.subList(0, k).stream().filter(Study::abnormal).count();
        // The order as a score for the AUC: a study's score is minus its rank, equal urgencies share one score.
        boolean[] positive = new boolean[n];
        double[] score = new double[n];
        int rank = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0 && order.compare(sorted.get(i - 1), sorted.get(i)) != 0) {
                rank = i;
            }
            positive[i] = sorted.get(i).abnormal();
            score[i] = -rank;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("studies", n);
        m.put("abnormal", abnormal);
        m.put("topStudies", k);
        m.put("abnormalInTopCount", abnormalInTop);
        double overall = n == 0 ? Double.NaN : abnormal / (double) n;
        double inTop = k == 0 ? Double.NaN : abnormalInTop / (double) k;
        m.put("abnormalInTop", round(inTop));
        m.put("abnormalOverall", round(overall));
        m.put("lift", round(inTop / overall));
        if (abnormal > 0 && abnormal < n) {
            Metrics.Auc auc = Metrics.auc(positive, score);
            m.put("auc", round(auc.auc()));
            m.put("aucLow", round(auc.low()));
            m.put("aucHigh", round(auc.high()));
        }
        return m;
    }

    private static Map<String, List<Study>> groupBySource(List<Study> studies) {
        Map<String, List<Study>> out = new LinkedHashMap<>();
        for (Study s : studies) {
            out.computeIfAbsent(s.source().isEmpty() ? "(none)" : s.source(), x -> new ArrayList<>()).add(s);
        }
        return out;
    }

    private static double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? Double.NaN : Math.round(v * 10000) / 10000.0;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> report) {
        System.out.printf(Locale.ROOT, "%nFirst %s%% of the list, accepted images only (%s refused by the gate, %s of "
                        + "them abnormal)%n", Math.round((Double) report.get("top") * 1000) / 10.0,
                report.get("rejectedByGate"), report.get("rejectedAbnormal"));
        System.out.printf("%-12s %-34s %8s %9s %12s %13s %7s %22s%n", "population", "order", "studies", "abnormal",
                "abn in top", "abn overall", "lift", "AUC (95% CI)");
        Map<String, Object> rows = new LinkedHashMap<>();
        rows.put("all", report.get("all"));
        ((Map<String, Object>) report.get("bySource")).forEach(rows::put);
        rows.forEach((population, value) -> ((Map<String, Object>) value).forEach((order, v) -> {
            Map<String, Object> m = (Map<String, Object>) v;
            String auc = m.containsKey("auc")
                    ? String.format(Locale.ROOT, "%.3f (%.3f-%.3f)", m.get("auc"), m.get("aucLow"), m.get("aucHigh")) : "-";
            System.out.printf(Locale.ROOT, "%-12s %-34s %8s %9s %12s %13s %7s %22s%n", population, order,
                    m.get("studies"), m.get("abnormal"), m.get("abnormalInTop"), m.get("abnormalOverall"), m.get("lift"), auc);
        }));
        System.out.printf(Locale.ROOT, "%.1f s in all%n", (Double) report.get("seconds"));
    }
}
