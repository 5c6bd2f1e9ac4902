package org.chestlens.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chestlens.analysis.Finding;
import org.chestlens.imaging.DecodedImage;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.InvalidImageException;
import org.chestlens.inference.InferenceEngine;
import org.chestlens.inference.ModelManifest;
import org.chestlens.inference.Prediction;
import org.chestlens.references.Csv;

/**
 * {@code evaluate}: the server pipeline (decode, preprocessing, ensemble, gate) on every image of a folder laid
 * out like {@code ../shared/data/cxr}, with per-finding AUC (DeLong 95% CI), sensitivity and specificity at the
 * manifest's thresholds, next to the model card's validation numbers, and the rejection rate.
 *
 * <p>Each finding is scored on the images labelled for it (empty cells are unlabelled). Where the model card
 * says it measured a finding on some sources only ("val images of sources nih + nih128"), the same population is
 * used, so the numbers are comparable.
 */
class Evaluation {

    private static final int BATCH = 16;
    private static final Pattern SOURCES = Pattern.compile("sources? ([A-Za-z0-9_ +]+?)(?:\\s*\\(|$)");

    private final ImageDecoder decoder;
    private final InferenceEngine engine;

    Evaluation(ImageDecoder decoder, InferenceEngine engine) {
        this.decoder = decoder;
        this.engine = engine;
    }

    /**
     * One image's outcome: status COMPLETED / REJECTED / ERROR:CODE, probabilities by finding (empty on error), and
     * the ensemble's scores with each member's probability (empty on error).
     */
    record Row(String path, String source, String status, String rule, Map<String, Double> probabilities,
               List<String> labels, List<Prediction.FindingScore> scores) {
    }

    int run(Commands.Arguments args) {
        if (!engine.available()) {
            System.err.println(engine.unavailableReason().orElse("No models."));
            return 1;
        }
        Path data = Path.of(args.required("data"));
        Optional<String> split = args.value("split");
        int limit = args.intValue("limit", 0);
        ModelManifest manifest = engine.manifest().orElseThrow();
        Csv index = Csv.readIndex(data);
        int pathColumn = index.column("path");
        int splitColumn = index.column("split");
        int sourceColumn = index.column("source");
        Map<String, Integer> findingColumns = index.findingColumns(manifest);
        List<List<String>> rows = index.rows().stream()
                .filter(r -> split.map(s -> s.equals(Csv.value(r, splitColumn))).orElse(true))
                .limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
        System.out.printf("Evaluating %s %s on %d images of %s%s%n", manifest.name(), manifest.version(), rows.size(),
                data, split.map(s -> " (split " + s + ")").orElse(""));

        long start = System.nanoTime();
        List<Row> results = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += BATCH) {
            results.addAll(batch(data, rows.subList(from, Math.min(rows.size(), from + BATCH)), pathColumn,
                    sourceColumn, findingColumns));
            if ((from / BATCH) % 25 == 24) {
                System.out.printf("  %d / %d images%n", results.size(), rows.size());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        Map<String, Object> report = report(manifest, results, findingColumns.keySet(), seconds, data, split);
        print(report);
        try {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Path out = Path.of(args.value("out").orElse("evaluation.json"));
            json.writeValue(out.toFile(), report);
            Path csv = Path.of(args.value("predictions").orElse("predictions.csv"));
            writePredictions(csv, manifest, results);
            System.out.printf("%nWrote %s and %s%n", out.toAbsolutePath(), csv.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    private List<Row> batch(Path data, List<List<String>> rows, int pathColumn, int sourceColumn,
                            Map<String, Integer> findingColumns) {
        List<Row> out = new ArrayList<>();
        List<DecodedImage> decoded = new ArrayList<>();
        List<Integer> decodedAt = new ArrayList<>();
        for (List<String> row : rows) {
            String path = Csv.value(row, pathColumn);
            List<String> labels = new ArrayList<>();
            findingColumns.forEach((code, column) -> labels.add(Csv.value(row, column).trim()));
            try {
                decoded.add(decoder.decode(Files.readAllBytes(data.resolve(path))));
                decodedAt.add(out.size());
                out.add(new Row(path, Csv.value(row, sourceColumn), "", null, Map.of(), labels, List.of()));
            } catch (InvalidImageException e) {
                out.add(new Row(path, Csv.value(row, sourceColumn), "ERROR:" + e.problem(), null, Map.of(), labels, List.of()));
            } catch (IOException e) {
                out.add(new Row(path, Csv.value(row, sourceColumn), "ERROR:UNREADABLE", null, Map.of(), labels, List.of()));
            }
        }
        if (!decoded.isEmpty()) {
            List<Prediction> predictions = engine.predictBatch(decoded.stream().map(DecodedImage::grey).toList(),
                    decoded.stream().map(DecodedImage::saturation).toList());
            for (int i = 0; i < predictions.size(); i++) {
                Prediction p = predictions.get(i);
                Row r = out.get(decodedAt.get(i));
                Map<String, Double> probabilities = new LinkedHashMap<>();
                p.findings().forEach(f -> probabilities.put(f.code(), f.probability()));
                out.set(decodedAt.get(i), new Row(r.path(), r.source(), p.gate().rejected() ? "REJECTED" : "COMPLETED",
                        p.gate().rule(), probabilities, r.labels(), p.findings()));
            }
        }
        return out;
    }

    private Map<String, Object> report(ModelManifest manifest, List<Row> rows, Set<String> labelled, double seconds,
                                       Path data, Optional<String> split) {
        List<String> codes = new ArrayList<>(labelled);
        long errors = rows.stream().filter(r -> r.status().startsWith("ERROR")).count();
        long rejected = rows.stream().filter(r -> r.status().equals("REJECTED")).count();
        long scored = rows.size() - errors;
        Map<String, Long> byRule = new LinkedHashMap<>();
        rows.stream().filter(r -> r.status().equals("REJECTED")).forEach(r -> byRule.merge(r.rule(), 1L, Long::sum));
        Map<String, Map<String, Object>> bySource = new LinkedHashMap<>();
        for (String source : new LinkedHashSet<>(rows.stream().map(Row::source).toList())) {
            List<Row> of = rows.stream().filter(r -> r.source().equals(source) && !r.status().startsWith("ERROR")).toList();
            long rej = of.stream().filter(r -> r.status().equals("REJECTED")).count();
            bySource.put(source.isEmpty() ? "(none)" : source, Map.of("images", of.size(), "rejected", rej,
                    "rejectionRate", of.isEmpty() ? 0.0 : (double) rej / of.size()));
        }
        Map<String, Object> findings = new LinkedHashMap<>();
        for (ModelManifest.FindingSpec f : manifest.findings()) {
            int column = codes.indexOf(f.code());
            if (column < 0) {
                continue;
            }
            Set<String> population = population(f);
            // P(sub-type | parent) is measured where the parent is present, as the model card does.
            int parentColumn = f.isConditional() ? codes.indexOf(f.subtypeOf()) : -1;
            List<Boolean> y = new ArrayList<>();
            List<Double> s = new ArrayList<>();
            for (Row r : rows) {
                Double p = r.probabilities().get(f.code());
                String label = r.labels().get(column);
                if (p == null || p.isNaN() || !(label.equals("0") || label.equals("1"))
                        || (!population.isEmpty() && !population.contains(r.source()))
                        || (f.isConditional() && (parentColumn < 0 || !r.labels().get(parentColumn).equals("1")))) {
                    continue;
                }
                y.add(label.equals("1"));
                s.add(p);
            }
            boolean[] positive = new boolean[y.size()];
            double[] score = new double[s.size()];
            for (int i = 0; i < positive.length; i++) {
                positive[i] = y.get(i);
                score[i] = s.get(i);
            }
            Metrics.Auc auc = Metrics.auc(positive, score);
            double[] ss = Metrics.sensitivitySpecificity(positive, score, f.threshold());
            Metrics.Youden youden = auc.positives() > 0 && auc.negatives() > 0 ? Metrics.youden(positive, score) : null;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", f.label());
            m.put("reported", f.reported());
            m.put("population", (population.isEmpty() ? "all images labelled for it" : "sources " + String.join(" + ", population))
                    + (f.isConditional() ? ", with " + f.subtypeOf() : ""));
            m.put("positives", auc.positives());
            m.put("negatives", auc.negatives());
            m.put("auc", round(auc.auc()));
            m.put("aucLow", round(auc.low()));
            m.put("aucHigh", round(auc.high()));
            m.put("threshold", f.threshold());
            m.put("sensitivity", round(ss[0]));
            m.put("specificity", round(ss[1]));
            // The threshold Youden's J would choose on this data: far from the manifest's means a shifted population.
            m.put("youdenThresholdHere", youden == null ? null : round(youden.threshold()));
            if (f.val() != null && f.val().auc() != null) {
                Map<String, Object> card = new LinkedHashMap<>();
                card.put("auc", f.val().auc());
                card.put("aucLow", f.val().aucLow());
                card.put("aucHigh", f.val().aucHigh());
                card.put("positives", f.val().positives());
                card.put("negatives", f.val().negatives());
                card.put("sensitivity", f.val().sensitivity());
                card.put("specificity", f.val().specificity());
                m.put("modelCard", card);
                m.put("aucDifference", round(auc.auc() - f.val().auc()));
            }
            findings.put(f.code(), m);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("models", manifest.name() + " " + manifest.version());
        report.put("data", data.toAbsolutePath().toString());
        report.put("split", split.orElse(null));
        report.put("images", rows.size());
        report.put("decodeErrors", errors);
        report.put("rejected", rejected);
        report.put("rejectionRate", scored == 0 ? 0.0 : round((double) rejected / scored));
        report.put("rejectedByRule", byRule);
        report.put("bySource", bySource);
        report.put("findings", findings);
        report.put("reviewFlags", reviewFlags(manifest, rows, codes));
        report.put("seconds", round(seconds));
        report.put("imagesPerSecond", round(rows.size() / Math.max(seconds, 1e-9)));
        return report;
    }

    /**
     * How often the result page's uncertainty chips fire ({@link Finding#membersDisagree()}, {@link Finding#borderline()},
     * the rules of models/MANIFEST.md "How results are worded") on the completed images, and how often the positive calls
     * they sit on were right (labelled images only), beside the positive calls without them.
     */
    static Map<String, Object> reviewFlags(ModelManifest manifest, List<Row> rows, List<String> codes) {
        Map<String, String> parents = new LinkedHashMap<>();
        manifest.findings().stream().filter(ModelManifest.FindingSpec::isConditional)
                .forEach(f -> parents.put(f.code(), f.subtypeOf()));
        int studies = 0;
        int withDisagreement = 0;
        int withBorderline = 0;
        int[] disagreeRight = new int[2];
        int[] agreeRight = new int[2];
        int[] borderlineRight = new int[2];
        int[] clearRight = new int[2];
        for (Row r : rows) {
            if (!r.status().equals("COMPLETED")) {
                continue;
            }
            studies++;
            Map<String, Boolean> positive = new LinkedHashMap<>();
            r.scores().forEach(s -> positive.put(s.code(), s.positive()));
            boolean disagree = false;
            boolean borderline = false;
            for (Prediction.FindingScore s : r.scores()) {
                ModelManifest.FindingSpec spec = manifest.finding(s.code()).orElseThrow();
                boolean applicable = !parents.containsKey(s.code()) || positive.getOrDefault(parents.get(s.code()), false);
                if (!s.reported() || Double.isNaN(s.probability())) {
                    continue;
                }
                Finding f = new Finding(s.code(), s.label(), s.probability(), s.threshold(), s.positive(),
                        s.memberProbabilities(), null, spec.isNormal(), applicable);
                disagree |= !f.normal() && f.membersDisagree();
                borderline |= f.borderline();
                int column = codes.indexOf(s.code());
                String label = column < 0 ? "" : r.labels().get(column);
                if (f.normal() || !f.positive() || !(label.equals("0") || label.equals("1"))) {
                    continue;
                }
                int right = label.equals("1") ? 1 : 0;
                int[] byAgreement = f.membersDisagree() ? disagreeRight : agreeRight;
                byAgreement[0] += right;
                byAgreement[1]++;
                int[] byMargin = f.borderline() ? borderlineRight : clearRight;
                byMargin[0] += right;
                byMargin[1]++;
            }
            withDisagreement += disagree ? 1 : 0;
            withBorderline += borderline ? 1 : 0;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("completedImages", studies);
        out.put("withModelsDisagree", share(withDisagreement, studies));
        out.put("withBorderline", share(withBorderline, studies));
        out.put("positivesWhereModelsDisagree", rightOf(disagreeRight));
        out.put("positivesWhereModelsAgree", rightOf(agreeRight));
        out.put("borderlinePositives", rightOf(borderlineRight));
        out.put("otherPositives", rightOf(clearRight));
        return out;
    }

    private static double share(int n, int of) {
        return of == 0 ? 0.0 : round((double) n / of);
    }

    private static Map<String, Object> rightOf(int[] counts) {
        return Map.of("labelled", counts[1], "right", share(counts[0], counts[1]));
    }

    /** The sources the model card measured a finding on ("val images of sources nih + nih128 (adults)"); empty: all. */
    static Set<String> population(ModelManifest.FindingSpec f) {
        Set<String> out = new LinkedHashSet<>();
        if (f.val() != null && f.val().population() != null) {
            Matcher m = SOURCES.matcher(f.val().population());
            if (m.find()) {
                for (String s : m.group(1).split("\\+")) {
                    if (!s.isBlank()) {
                        out.add(s.strip());
                    }
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> report) {
        System.out.printf("%n%-20s %-8s %-9s %-24s %-8s %-8s %-6s %-6s %s%n", "finding", "reported", "pos/neg",
                "AUC [95% CI]", "card", "diff", "sens", "spec", "population");
        Map<String, Object> findings = (Map<String, Object>) report.get("findings");
        findings.forEach((code, value) -> {
            Map<String, Object> m = (Map<String, Object>) value;
            Map<String, Object> card = (Map<String, Object>) m.get("modelCard");
            System.out.printf(Locale.ROOT, "%-20s %-8s %-9s %-24s %-8s %-8s %-6s %-6s %s%n", code,
                    (Boolean) m.get("reported") ? "yes" : "no", m.get("positives") + "/" + m.get("negatives"),
                    String.format(Locale.ROOT, "%.3f [%.3f-%.3f]", (Double) m.get("auc"), (Double) m.get("aucLow"),
                            (Double) m.get("aucHigh")),
                    card == null ? "-" : String.format(Locale.ROOT, "%.3f", ((Number) card.get("auc")).doubleValue()),
                    m.get("aucDifference") == null ? "-" : String.format(Locale.ROOT, "%+.4f", (Double) m.get("aucDifference")),
                    String.format(Locale.ROOT, "%.3f", (Double) m.get("sensitivity")),
                    String.format(Locale.ROOT, "%.3f", (Double) m.get("specificity")), m.get("population"));
        });
        System.out.printf(Locale.ROOT, "%nImages %s, decode errors %s, rejected by the gate %s (rate %.4f) %s%n",
                report.get("images"), report.get("decodeErrors"), report.get("rejected"), (Double) report.get("rejectionRate"),
                report.get("rejectedByRule"));
        System.out.printf("Rejection by source: %s%n", report.get("bySource"));
        System.out.printf("Uncertainty chips on completed images (share right of the labelled positive calls): %s%n",
                report.get("reviewFlags"));
        System.out.printf(Locale.ROOT, "%.1f s, %.1f images/s%n", (Double) report.get("seconds"), (Double) report.get("imagesPerSecond"));
    }

    private static void writePredictions(Path csv, ModelManifest manifest, List<Row> rows) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            List<String> codes = manifest.findings().stream().map(ModelManifest.FindingSpec::code).toList();
            out.println("path,status," + String.join(",", codes));
            for (Row r : rows) {
                StringBuilder line = new StringBuilder(quote(r.path())).append(',').append(r.status());
                for (String code : codes) {
                    Double p = r.probabilities().get(code);
                    line.append(',').append(p == null || p.isNaN() ? "" : String.format(Locale.ROOT, "%.6f", p));
                }
                out.println(line);
            }
        }
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static double round(double v) {
        return Double.isNaN(v) ? Double.NaN : Math.round(v * 1e6) / 1e6;
    }
}
