package org.chestlens.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.Renderer;
import org.chestlens.imaging.GreyImage;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.ImageFormat;
import org.chestlens.imaging.PngEncoder;
import org.chestlens.inference.GraphFloor;
import org.chestlens.inference.InferenceEngine;
import org.chestlens.inference.ModelManifest;
import org.chestlens.references.ReferenceLibrary;
import org.chestlens.references.SimilarCases;
import org.chestlens.references.SimilarityIndex;
import org.springframework.beans.factory.annotation.Value;

/**
 * {@code benchmark}: latency per stage and end to end of {@link AnalysisService#analyse} (decode to committed
 * transaction), the floor (decode + the same graphs in bare ONNX Runtime sessions), throughput with 1 and 4
 * concurrent callers, memory, and the same networks in PyTorch eager as the baseline users would otherwise
 * script (models/training/torch_bench.py, run as a subprocess on the same images).
 */
class Benchmark {

    private static final double TARGET_P50_MS = 150;
    private static final double TARGET_FLOOR_RATIO = 1.5;
    private static final double TARGET_TORCH_RATIO = 2.0;
    private static final double TARGET_RSS_MB = 1536;

    private final AnalysisService service;
    private final InferenceEngine engine;
    private final ImageDecoder decoder;
    private final Renderer renderer;
    private final SimilarCases similarCases;
    private final ReferenceLibrary references;
    private final int intraOpThreads;
    private final int graphThreads;

    Benchmark(AnalysisService service, InferenceEngine engine, ImageDecoder decoder, Renderer renderer,
              SimilarCases similarCases, ReferenceLibrary references,
              @Value("${chestlens.inference.intra-op-threads:1}") int intraOpThreads,
              @Value("${chestlens.inference.graph-threads:0}") int graphThreads) {
        this.graphThreads = graphThreads;
        this.similarCases = similarCases;
        this.references = references;
        this.service = service;
        this.engine = engine;
        this.decoder = decoder;
        this.renderer = renderer;
        this.intraOpThreads = intraOpThreads;
    }

    private record Sample(String name, byte[] bytes, Path file) {
    }

    int run(Commands.Arguments args) throws UncheckedIOException {
        if (!engine.available()) {
            System.err.println(engine.unavailableReason().orElse("No models."));
            return 1;
        }
        int n = args.intValue("n", 200);
        int warmup = args.intValue("warmup", 30);
        ModelManifest manifest = engine.manifest().orElseThrow();
        List<Sample> samples;
        try {
            samples = args.value("images").map(d -> load(Path.of(d))).orElseGet(Benchmark::generated);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("Cannot read the images: " + e.getMessage());
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("No PNG, JPEG or DICOM images found");
        }
        System.out.printf("Benchmark of %s %s: %d image(s) (%s), %d warm-up + %d timed analyses, %d cores, max heap %d MB%n",
                manifest.name(), manifest.version(), samples.size(), samples.get(0).name(), warmup, n,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        // As on a fresh install: the default reference library, so that similar-case search has its usual work.
        if (references.size() == 0 && ReferenceLibrary.defaultAvailable()) {
            references.importDefault();
        }
        long referenceCases = references.size();
        resetPeaks();
        MemoryWatch watch = MemoryWatch.start();

        for (int i = 0; i < warmup; i++) {
            service.analyse(AnalysisRequest.of(samples.get(i % samples.size()).bytes(), "warmup.png"));
            renderer.awaitIdle();
        }

        // 1 caller: latency per stage and end to end, and the floor: decode alone (nothing else running) + the same
        // graphs alone in bare ONNX Runtime sessions, on the same image, measured right after each analysis so that
        // both see the same machine (this VM's speed drifts by 10-20 % within minutes). Between uploads the
        // background drawing of the previous heatmap is let finish (as while a person looks at the result), so it
        // does not slow the next upload's clock; the throughput counts it, and only the uploads' wall time.
        Map<String, List<Double>> stages = new LinkedHashMap<>();
        List<Double> endToEnd = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Double> bareDecode = new ArrayList<>();
        List<Double> modelOnly = new ArrayList<>();
        Map<String, List<Double>> perGraph = new LinkedHashMap<>();
        int errors = 0;
        long uploadsNanos = 0;
        try (GraphFloor floor = new GraphFloor(engine, intraOpThreads)) {
            List<Map<String, float[]>> prepared = samples.stream()
                    .map(s -> floor.prepare(decoder.decode(s.bytes()).grey())).toList();
            for (int i = 0; i < warmup; i++) {
                decoder.decode(samples.get(i % samples.size()).bytes());
                floor.time(prepared.get(i % prepared.size()));
            }
            for (int i = 0; i < n; i++) {
                Sample s = samples.get(i % samples.size());
                long t = System.nanoTime();
                try {
                    AnalysisResult r = service.analyse(AnalysisRequest.of(s.bytes(), s.name()));
                    endToEnd.add((System.nanoTime() - t) / 1e6);
                    r.timings().stageMillis().forEach((k, v) -> stages.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                    ids.add(r.publicId());
                } catch (RuntimeException e) {
                    errors++;
                }
                renderer.awaitIdle();
                uploadsNanos += System.nanoTime() - t;

                t = System.nanoTime();
                decoder.decode(s.bytes());
                bareDecode.add((System.nanoTime() - t) / 1e6);
                Map<String, Long> times = floor.time(prepared.get(i % prepared.size()));
                modelOnly.add(times.values().stream().mapToLong(Long::longValue).sum() / 1e6);
                times.forEach((k, v) -> perGraph.computeIfAbsent(k, x -> new ArrayList<>()).add(v / 1e6));
            }
        }
        double throughput1 = n / (uploadsNanos / 1e9);

        // On-demand renderings and similar-case search, as a result page asks for them.
        List<Double> heatmapOnDemand = new ArrayList<>();
        List<Double> anomalyMap = new ArrayList<>();
        List<Double> similar = new ArrayList<>();
        for (int i = 0; i < Math.min(ids.size(), 30); i++) {
            String id = ids.get(i);
            AnalysisResult r = service.find(id, Optional.empty()).orElseThrow();
            if (r.heatmapFindings().size() > 1) {
                long t = System.nanoTime();
                service.heatmap(id, Optional.empty(), r.heatmapFindings().get(1));
                heatmapOnDemand.add((System.nanoTime() - t) / 1e6);
            }
            long t = System.nanoTime();
            service.anomalyMap(id, Optional.empty());
            anomalyMap.add((System.nanoTime() - t) / 1e6);
            t = System.nanoTime();
            similarCases.find(id, Optional.empty(), 5);
            similar.add((System.nanoTime() - t) / 1e6);
        }
        Map<String, Double> similarity100k = similarity100k(manifest);

        // 4 concurrent callers.
        int concurrentTotal = Math.max(n, 40);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger concurrentErrors = new AtomicInteger();
        ConcurrentLinkedQueue<Double> concurrentLatency = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        long c0 = System.nanoTime();
        for (int c = 0; c < 4; c++) {
            Thread thread = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < concurrentTotal) {
                    Sample s = samples.get(i % samples.size());
                    long t = System.nanoTime();
                    try {
                        service.analyse(AnalysisRequest.of(s.bytes(), s.name()));
                        concurrentLatency.add((System.nanoTime() - t) / 1e6);
                    } catch (RuntimeException e) {
                        concurrentErrors.incrementAndGet();
                    }
                }
            }, "benchmark-caller-" + c);
            callers.add(thread);
            thread.start();
        }
        for (Thread thread : callers) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        renderer.awaitIdle(); // the background drawings of these uploads are part of the work done
        double throughput4 = concurrentTotal / ((System.nanoTime() - c0) / 1e9);
        watch.stop();

        Optional<JsonNode> torch = args.flag("no-torch") ? Optional.empty() : torch(samples, n);

        Map<String, Object> result = new LinkedHashMap<>();
        double e2e50 = Metrics.percentile(sorted(endToEnd), 50);
        double decode50 = Metrics.percentile(sorted(bareDecode), 50);
        double model50 = Metrics.percentile(sorted(modelOnly), 50);
        double floor = decode50 + model50;
        double modelStage50 = p(stages.get("models"), 50);
        result.put("models", manifest.name() + " " + manifest.version());
        result.put("images", samples.stream().map(Sample::name).toList());
        result.put("n", n);
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("intraOpThreads", intraOpThreads);
        result.put("graphThreads", graphThreads > 0 ? graphThreads : Runtime.getRuntime().availableProcessors());
        result.put("endToEndP50Ms", round(e2e50));
        result.put("endToEndP95Ms", round(Metrics.percentile(sorted(endToEnd), 95)));
        result.put("decodeP50Ms", round(decode50));
        result.put("modelOnlyP50Ms", round(model50));
        result.put("floorP50Ms", round(floor));
        result.put("endToEndOverFloor", round(e2e50 / floor));
        result.put("modelStageP50Ms", round(modelStage50));
        Map<String, Object> stageTable = new LinkedHashMap<>();
        stages.forEach((k, v) -> stageTable.put(k, Map.of("p50", round(p(v, 50)), "p95", round(p(v, 95)))));
        stageTable.put("heatmap.background", Map.of("p50", round(p(renderer.recentMillis(), 50)),
                "p95", round(p(renderer.recentMillis(), 95))));
        stageTable.put("heatmap.onDemand", Map.of("p50", round(p(heatmapOnDemand, 50)), "p95", round(p(heatmapOnDemand, 95))));
        stageTable.put("anomalyMap.onDemand", Map.of("p50", round(p(anomalyMap, 50)), "p95", round(p(anomalyMap, 95))));
        stageTable.put("similarity", Map.of("p50", round(p(similar, 50)), "p95", round(p(similar, 95))));
        result.put("stagesMs", stageTable);
        Map<String, Object> floorTable = new LinkedHashMap<>();
        perGraph.forEach((k, v) -> floorTable.put(k, Map.of("p50", round(p(v, 50)), "p95", round(p(v, 95)))));
        result.put("modelOnlyPerGraphMs", floorTable);
        result.put("referenceCases", referenceCases);
        result.put("similarity100k", similarity100k);
        result.put("throughput1PerS", round(throughput1));
        result.put("throughput4PerS", round(throughput4));
        result.put("concurrent4P50Ms", round(p(new ArrayList<>(concurrentLatency), 50)));
        result.put("concurrent4P95Ms", round(p(new ArrayList<>(concurrentLatency), 95)));
        result.put("errors", errors + concurrentErrors.get());
        result.put("peakHeapMb", round(peakHeapMb()));
        result.put("peakRssMb", round(watch.peakMb()));
        torch.ifPresent(t -> {
            double torch50 = t.path("total_members_plus_vae").path("p50_ms").asDouble(Double.NaN);
            result.put("pytorchModelP50Ms", round(torch50));
            result.put("pytorchOverModelStage", round(torch50 / modelStage50));
            result.put("pytorchOverModelOnly", round(torch50 / model50));
            result.put("pytorch", t);
        });
        if (torch.isEmpty()) {
            result.put("pytorchModelP50Ms", null);
        }
        result.put("targets", targets(result));
        print(result);
        try {
            Path out = Path.of(args.value("json").orElse("benchmark.json"));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
            System.out.printf("%nWrote %s%n", out.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    /** Search time over 100,000 random cases in the loaded models' embedding size (no database involved). */
    private Map<String, Double> similarity100k(ModelManifest manifest) {
        int dims = engine.embeddingDimensions();
        SimilarityIndex index = new SimilarityIndex(dims);
        Random random = new Random(7);
        float[][] stored = new float[100_000][];
        for (int i = 0; i < 100_000; i++) {
            float[] v = new float[dims];
            stored[i] = v;
            for (int d = 0; d < dims; d++) {
                v[d] = (float) random.nextGaussian();
            }
            index.put(new SimilarityIndex.Entry(i, i % 10 == 0 ? (long) (i % 7) : null, java.util.Set.of()), v);
        }
        List<Double> times = new ArrayList<>();
        float[] query = new float[dims];
        for (int i = 0; i < 60; i++) {
            for (int d = 0; d < dims; d++) {
                query[d] = (float) random.nextGaussian();
            }
            long t = System.nanoTime();
            index.search(query, Optional.of(3L), 10, -1, keys -> keys.stream()
                    .collect(java.util.stream.Collectors.toMap(key -> key, key -> stored[(int) (long) key])));
            if (i >= 10) {
                times.add((System.nanoTime() - t) / 1e6);
            }
        }
        return Map.of("cases", 100_000.0, "dimensions", (double) dims, "p50Ms", round(p(times, 50)), "p95Ms", round(p(times, 95)));
    }

    private Optional<JsonNode> torch(List<Sample> samples, int runs) {
        Path script = engine.modelsDir().resolve("training/torch_bench.py");
        if (!Files.isRegularFile(script)) {
            System.out.println("PyTorch baseline skipped: " + script + " not found");
            return Optional.empty();
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), "--runs", String.valueOf(runs)));
        samples.forEach(s -> command.add(s.file().toString()));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
            pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // never write into the models folder
            Process process = pb.start();
            process.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                System.out.println("PyTorch baseline failed (exit " + process.exitValue() + ")");
                return Optional.empty();
            }
            return Optional.of(new ObjectMapper().readTree(out.substring(out.indexOf('{'))));
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.out.println("PyTorch baseline failed: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static Map<String, Object> targets(Map<String, Object> r) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("endToEndP50 <= 150 ms", num(r, "endToEndP50Ms") <= TARGET_P50_MS);
        t.put("endToEnd <= 1.5 x floor", num(r, "endToEndOverFloor") <= TARGET_FLOOR_RATIO);
        t.put("PyTorch model time >= 2 x our model stage", r.get("pytorchOverModelStage") == null ? null
                : num(r, "pytorchOverModelStage") >= TARGET_TORCH_RATIO);
        t.put("4 callers: no errors, throughput >= 1 caller's", (Integer) r.get("errors") == 0
                && num(r, "throughput4PerS") >= num(r, "throughput1PerS"));
        t.put("peak RSS <= 1.5 GB", num(r, "peakRssMb") <= TARGET_RSS_MB);
        t.put("similarity over 100,000 cases < 50 ms", ((Map<?, ?>) r.get("similarity100k")).get("p95Ms") instanceof Double d && d < 50);
        return t;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r) {
        System.out.printf("%n%-28s %10s %10s%n", "stage (1 caller)", "p50 ms", "p95 ms");
        ((Map<String, Map<String, Double>>) r.get("stagesMs")).forEach((k, v) ->
                System.out.printf(Locale.ROOT, "%-28s %10.2f %10.2f%n", k, v.get("p50"), v.get("p95")));
        System.out.printf(Locale.ROOT, "%-28s %10.2f %10.2f%n", "END TO END", num(r, "endToEndP50Ms"), num(r, "endToEndP95Ms"));
        System.out.printf("%n%-28s %10s %10s%n", "bare ONNX Runtime (floor)", "p50 ms", "p95 ms");
        ((Map<String, Map<String, Double>>) r.get("modelOnlyPerGraphMs")).forEach((k, v) ->
                System.out.printf(Locale.ROOT, "%-28s %10.2f %10.2f%n", k, v.get("p50"), v.get("p95")));
        System.out.printf(Locale.ROOT, "%-28s %10.2f%n", "all graphs, sequential", num(r, "modelOnlyP50Ms"));
        System.out.printf(Locale.ROOT, "%-28s %10.2f   (the decoder alone, nothing else running)%n", "decode", num(r, "decodeP50Ms"));
        System.out.printf(Locale.ROOT, "%-28s %10.2f   (decode p50 + model-only p50)%n", "floor", num(r, "floorP50Ms"));
        System.out.printf(Locale.ROOT, "%-28s %10.2f%n", "end to end / floor", num(r, "endToEndOverFloor"));
        if (r.get("pytorchModelP50Ms") != null) {
            System.out.printf(Locale.ROOT, "%-28s %10.2f   (torch eager, 2 threads, OpenBLAS 1 thread; all graphs)%n",
                    "PyTorch model time p50", num(r, "pytorchModelP50Ms"));
            System.out.printf(Locale.ROOT, "%-28s %10.2f   (PyTorch / our model stage %.2f ms)%n", "speed-up",
                    num(r, "pytorchOverModelStage"), num(r, "modelStageP50Ms"));
        }
        Map<String, Double> sim = (Map<String, Double>) r.get("similarity100k");
        System.out.printf(Locale.ROOT, "%-28s %10.2f %10.2f   (%d cases x %d dims)%n", "similarity search 100k",
                sim.get("p50Ms"), sim.get("p95Ms"), sim.get("cases").intValue(), sim.get("dimensions").intValue());
        System.out.printf(Locale.ROOT, "%nthroughput: 1 caller %.1f/s, 4 callers %.1f/s (p50 %.1f ms, p95 %.1f ms); errors %s%n",
                num(r, "throughput1PerS"), num(r, "throughput4PerS"), num(r, "concurrent4P50Ms"), num(r, "concurrent4P95Ms"),
                r.get("errors"));
        System.out.printf(Locale.ROOT, "memory: peak heap %.0f MB, peak RSS %.0f MB%n", num(r, "peakHeapMb"), num(r, "peakRssMb"));
        System.out.println("\ntargets:");
        ((Map<String, Object>) r.get("targets")).forEach((k, v) ->
                System.out.printf("  %-48s %s%n", k, v == null ? "n/a" : ((Boolean) v ? "met" : "NOT MET")));
    }

    private static List<Sample> generated() {
        try {
            Path dir = Files.createTempDirectory("chestlens-benchmark");
            List<Sample> out = new ArrayList<>();
            for (int seed = 1; seed <= 4; seed++) {
                byte[] png = PngEncoder.grey(phantom(1024, 1024, seed), 6);
                Path file = dir.resolve("phantom-1024-" + seed + ".png");
                Files.write(file, png);
                file.toFile().deleteOnExit();
                out.add(new Sample(file.getFileName().toString(), png, file));
            }
            dir.toFile().deleteOnExit();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A chest-like 8-bit phantom with noise (about 1 MB as PNG, like a real 1024 x 1024 radiograph). */
    static GreyImage phantom(int w, int h, long seed) {
        Random random = new Random(seed);
        byte[] px = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double nx = (x - w / 2.0) / (w / 2.0);
                double ny = (y - h / 2.0) / (h / 2.0);
                double v = 10;
                if (nx * nx / 0.8 + (ny - 0.3) * (ny - 0.3) / 1.4 < 1) {
                    v = 150;
                }
                if (Math.pow((nx + 0.38) / 0.3, 2) + Math.pow((ny + 0.05) / 0.75, 2) < 1
                        || Math.pow((nx - 0.38) / 0.3, 2) + Math.pow((ny + 0.05) / 0.75, 2) < 1) {
                    v = 60;
                }
                if (Math.pow((nx - 0.1) / 0.28, 2) + Math.pow((ny - 0.35) / 0.4, 2) < 1) {
                    v = 175;
                }
                if (Math.abs(nx) < 0.08) {
                    v = 190;
                }
                v += 18 * Math.sin(ny * 22 + nx * 3) * (Math.abs(nx) > 0.1 ? 1 : 0) + random.nextGaussian() * 6;
                px[y * w + x] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
            }
        }
        return new GreyImage(w, h, px);
    }

    private static List<Sample> load(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Sample> out = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                if (Files.isRegularFile(f)) {
                    byte[] bytes = Files.readAllBytes(f);
                    if (ImageFormat.detect(bytes).isPresent()) {
                        out.add(new Sample(f.getFileName().toString(), bytes, f.toAbsolutePath()));
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static double peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / 1048576.0;
    }

    /** Samples the process's resident set (Linux /proc) every 20 ms; peak also from VmHWM. */
    private static final class MemoryWatch {
        private final AtomicLong peakKb = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private MemoryWatch() {
            thread = new Thread(() -> {
                while (running.get()) {
                    peakKb.accumulateAndGet(status("VmRSS:"), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "benchmark-rss");
            thread.setDaemon(true);
        }

        static MemoryWatch start() {
            MemoryWatch w = new MemoryWatch();
            w.thread.start();
            return w;
        }

        void stop() {
            running.set(false);
            peakKb.accumulateAndGet(status("VmHWM:"), Math::max);
        }

        double peakMb() {
            return peakKb.get() / 1024.0;
        }

        private static long status(String key) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith(key)) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | NumberFormatException ignored) {
                // not Linux: no RSS figure
            }
            return 0;
        }
    }

    private static double p(List<Double> values, double pct) {
        return values == null || values.isEmpty() ? Double.NaN : Metrics.percentile(sorted(values), pct);
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static double num(Map<String, Object> r, String key) {
        Object v = r.get(key);
        return v instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    private static double round(double v) {
        return Double.isNaN(v) ? Double.NaN : Math.round(v * 1000) / 1000.0;
    }
}
