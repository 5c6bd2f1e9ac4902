package org.chestlens.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.chestlens.imaging.GreyImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Loads {@code <models-dir>/manifest.json} and every ONNX graph it names once, at start-up, and runs them.
 *
 * <ul>
 *   <li>No {@code manifest.json} in the folder (or no folder): the engine is unavailable and says why; the
 *       application still starts (its own tests, a fresh checkout).</li>
 *   <li>A manifest that names a missing file, or a graph whose inputs/outputs do not match the manifest: start-up
 *       fails with a message naming the file.</li>
 * </ul>
 * The graphs of one image (members and VAE) run side by side on a small pool as wide as the machine, each with
 * one ONNX Runtime thread (see {@link OnnxGraph}); batches are stacked into one run per graph.
 */
@Service
public class InferenceEngine implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(InferenceEngine.class);

    static {
        // DJL's usage tracking must never reach for the network (set before any DJL class loads).
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    private final Path modelsDir;
    private final ModelManifest manifest;
    private final String unavailableReason;
    private final Map<String, OnnxGraph> members = new LinkedHashMap<>();
    private final OnnxGraph vae;
    private final ExecutorService pool;
    private final Map<String, Integer> embeddingSizes = new HashMap<>();
    /** Recent run time per graph (moving average), to start the longest graphs first. */
    private final Map<String, Double> typicalNanos = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Loads the models (also usable without Spring, e.g. by tools and tests).
     *
     * @param intraOpThreads ONNX Runtime threads per session run
     * @param graphThreads   threads running graphs side by side (0: one per core)
     */
    public InferenceEngine(@Value("${chestlens.models-dir:models}") Path modelsDir,
                    @Value("${chestlens.inference.intra-op-threads:1}") int intraOpThreads,
                    @Value("${chestlens.inference.graph-threads:0}") int graphThreads) throws IOException {
        this.modelsDir = modelsDir.toAbsolutePath().normalize();
        int threads = graphThreads > 0 ? graphThreads : Runtime.getRuntime().availableProcessors();
        Path manifestFile = this.modelsDir.resolve("manifest.json");
        if (!Files.isRegularFile(manifestFile)) {
            this.manifest = null;
            this.vae = null;
            this.pool = null;
            this.unavailableReason = "No models are installed (" + manifestFile + " does not exist).";
            log.warn("{} Analyses are unavailable until models are installed and the application restarted.", unavailableReason);
            return;
        }
        long t0 = System.nanoTime();
        this.manifest = ModelManifest.read(manifestFile);
        this.unavailableReason = null;
        // Enough predictors for every pool thread and a caller running the same graph at once.
        int predictors = threads + 2;
        OnnxGraph anomaly = null;
        try {
            for (ModelManifest.MemberSpec m : manifest.members()) {
                OnnxGraph graph = new OnnxGraph(this.modelsDir.resolve(m.file()), m.input().name(), intraOpThreads, predictors);
                members.put(m.name(), graph);
                embeddingSizes.put(m.name(), ModelChecks.member(m, graph));
            }
            ModelManifest.AnomalySpec a = manifest.anomaly();
            anomaly = new OnnxGraph(this.modelsDir.resolve(a.file()), a.input().name(), intraOpThreads, predictors);
            ModelChecks.anomaly(a, anomaly);
            ModelChecks.gateFeatures(manifest, manifestFile);
            ModelChecks.findingRelations(manifest, manifestFile);
        } catch (RuntimeException e) {
            members.values().forEach(OnnxGraph::close);
            if (anomaly != null) {
                anomaly.close(); // also when a later check fails (the finalizer warned "vae was not closed")
            }
            throw e;
        }
        this.vae = anomaly;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "inference-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        log.info("Models {} {} loaded from {} in {} ms: {} members + VAE, {} graph threads x {} ONNX Runtime thread(s)",
                manifest.name(), manifest.version(), this.modelsDir, (System.nanoTime() - t0) / 1_000_000,
                members.size(), threads, intraOpThreads);
    }

    public boolean available() {
        return manifest != null;
    }

    /** Why no analysis can run, when {@link #available()} is false. */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    public Optional<ModelManifest> manifest() {
        return Optional.ofNullable(manifest);
    }

    public Path modelsDir() {
        return modelsDir;
    }

    /** Identifies the embedding space (release and member): embeddings from different spaces never compare. */
    public String embeddingSpace() {
        requireAvailable();
        return manifest.name() + "@" + manifest.version() + "/" + manifest.similarityMember().name();
    }

    /** Length of the embeddings in {@link #embeddingSpace()}. */
    public int embeddingDimensions() {
        requireAvailable();
        return embeddingSizes.get(manifest.similarityMember().name());
    }

    /** Runs everything on one image. */
    public Prediction predict(GreyImage image, double saturation) {
        return predict(image, saturation, () -> { });
    }

    /**
     * Runs everything on one image, and {@code meanwhile} (work of the caller's that needs only the image, e.g. a
     * thumbnail) as one more task on the same pool, started at once beside the preprocessing: on a thread of its
     * own it would make one thread more than there are cores and slow the graphs down by as much as it takes.
     */
    public Prediction predict(GreyImage image, double saturation, Runnable meanwhile) {
        return predict(image, saturation, meanwhile, () -> { });
    }

    /**
     * As {@link #predict(GreyImage, double, Runnable)}, and runs {@code whileWaiting} on the calling thread once the
     * graphs are queued, instead of idling until they finish: work that must stay on the caller, such as statements
     * of its open database transaction. If it throws, the exception propagates (the graphs still finish).
     */
    public Prediction predict(GreyImage image, double saturation, Runnable meanwhile, Runnable whileWaiting) {
        return predictBatch(List.of(image), List.of(saturation), meanwhile, whileWaiting).get(0);
    }

    /** Runs everything on several images, one run per graph for the whole batch. */
    public List<Prediction> predictBatch(List<GreyImage> images, List<Double> saturations) {
        return predictBatch(images, saturations, () -> { }, () -> { });
    }

    private List<Prediction> predictBatch(List<GreyImage> images, List<Double> saturations, Runnable meanwhile,
                                          Runnable whileWaiting) {
        requireAvailable();
        int n = images.size();
        long t0 = System.nanoTime();
        // Longest graph first: on two threads, four graphs finish soonest when the slowest starts at once.
        List<String> order = new ArrayList<>(members.keySet().stream().map(m -> "member." + m).toList());
        order.add("vae");
        order.sort(java.util.Comparator.comparingDouble((String g) -> typicalNanos.getOrDefault(g, 0.0)).reversed());
        Map<String, CompletableFuture<Map<String, OnnxGraph.Tensor>>> runs = new LinkedHashMap<>();
        order.forEach(g -> runs.put(g, new CompletableFuture<>()));
        Map<String, Long> graphNanos = new java.util.concurrent.ConcurrentHashMap<>();
        long[] prepared = new long[1];
        AtomicLong lastGraphEnd = new AtomicLong();

        // Preprocessing and the side work (which needs only the image) start at once, side by side; the graphs
        // are queued the moment their inputs are ready, and the calling thread does its own work meanwhile.
        CompletableFuture<Inputs> inputs = CompletableFuture.supplyAsync(() -> inputs(images), pool);
        CompletableFuture<Void> side = CompletableFuture.runAsync(meanwhile, pool);
        inputs.whenComplete((in, failure) -> {
            prepared[0] = System.nanoTime();
            lastGraphEnd.set(prepared[0]);
            for (String g : order) {
                CompletableFuture<Map<String, OnnxGraph.Tensor>> run = runs.get(g);
                if (failure != null) {
                    run.completeExceptionally(failure);
                    continue;
                }
                Runnable task = () -> {
                    try {
                        long start = System.nanoTime();
                        Map<String, OnnxGraph.Tensor> out = g.equals("vae") ? vae.run(in.vae(), shape(n, manifest.anomaly().input()))
                                : members.get(g.substring("member.".length())).run(in.members().get(g), in.shapes().get(g));
                        long end = System.nanoTime();
                        graphNanos.put(g, end - start);
                        lastGraphEnd.accumulateAndGet(end, Math::max);
                        run.complete(out);
                    } catch (Throwable e) {
                        run.completeExceptionally(e);
                    }
                };
                try {
                    pool.execute(task);
                } catch (java.util.concurrent.RejectedExecutionException e) { // shutting down
                    run.completeExceptionally(e);
                }
            }
        });
        whileWaiting.run();

        Inputs in = join(inputs);
        Map<String, Map<String, OnnxGraph.Tensor>> outputs = new LinkedHashMap<>();
        for (ModelManifest.MemberSpec m : manifest.members()) {
            outputs.put(m.name(), join(runs.get("member." + m.name())));
        }
        Map<String, OnnxGraph.Tensor> vaeOut = join(runs.get("vae"));
        long t1 = prepared[0];
        long t2 = lastGraphEnd.get(); // the model stage ends with the last graph, whatever else still runs
        graphNanos.forEach((g, nanos) -> typicalNanos.merge(g, (double) nanos / n, (old, now) -> 0.9 * old + 0.1 * now));
        Map<String, float[]> memberInputs = new HashMap<>();
        manifest.members().forEach(m -> memberInputs.put(m.name(), in.members().get("member." + m.name())));
        float[] vaeInput = in.vae();
        ModelManifest.InputSpec vaeSpec = manifest.anomaly().input();

        List<Prediction> predictions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long c0 = System.nanoTime();
            Map<String, Prediction.MemberResult> results = new LinkedHashMap<>();
            for (ModelManifest.MemberSpec m : manifest.members()) {
                results.put(m.name(), memberResult(m, outputs.get(m.name()), memberInputs.get(m.name()), i));
            }
            Prediction.AnomalyResult anomaly = anomalyResult(vaeOut, vaeInput, i);
            AnomalyScoring.Scores scores = new AnomalyScoring.Scores(anomaly.mse(), anomaly.kl(), anomaly.negElbo());
            List<Prediction.FindingScore> findings = Ensemble.findings(manifest, results);
            Prediction.CamMaps cams = Ensemble.cams(manifest, results);
            Map<String, Double> features = GateFeatures.compute(saturations.get(i), anomaly.input(), vaeSpec, scores, results);
            Prediction.GateDecision gate = AnalysisGate.decide(manifest, features, findings);
            float[] embedding = results.get(manifest.similarityMember().name()).embedding();
            Map<String, Long> stages = new LinkedHashMap<>();
            stages.put("preprocess", (t1 - t0) / n);
            graphNanos.forEach((k, v) -> stages.put(k, v / n));
            stages.put("models", (t2 - t1) / n);
            stages.put("combine", System.nanoTime() - c0);
            predictions.add(new Prediction(findings, cams, embedding, anomaly, features, gate, results, stages));
        }
        join(side);
        return predictions;
    }

    /** The input tensors of one batch: per member graph ("member.NAME") and for the VAE. */
    private record Inputs(Map<String, float[]> members, Map<String, long[]> shapes, float[] vae) {
    }

    private Inputs inputs(List<GreyImage> images) {
        List<Preprocessing> pre = images.stream().map(Preprocessing::new).toList();
        Map<String, float[]> memberInputs = new HashMap<>();
        Map<String, long[]> shapes = new HashMap<>();
        for (ModelManifest.MemberSpec m : manifest.members()) {
            memberInputs.put("member." + m.name(), stack(pre, m.input()));
            shapes.put("member." + m.name(), shape(images.size(), m.input()));
        }
        return new Inputs(memberInputs, shapes, stack(pre, manifest.anomaly().input()));
    }

    /** The ONNX files by graph name ("member.NAME", "vae"). */
    public Map<String, Path> graphFiles() {
        requireAvailable();
        Map<String, Path> out = new LinkedHashMap<>();
        members.forEach((name, g) -> out.put("member." + name, g.file()));
        out.put("vae", vae.file());
        return out;
    }

    private Prediction.MemberResult memberResult(ModelManifest.MemberSpec m, Map<String, OnnxGraph.Tensor> out,
                                                 float[] inputs, int i) {
        OnnxGraph.Tensor probs = out.get(m.outputs().probabilities());
        OnnxGraph.Tensor cam = out.get(m.outputs().cam());
        OnnxGraph.Tensor emb = out.get(m.outputs().embedding());
        Map<String, Double> scalars = new LinkedHashMap<>();
        if (m.outputs().scalars() != null) {
            m.outputs().scalars().forEach((k, name) -> scalars.put(k, (double) row(out.get(name), i)[0]));
        }
        int plane = m.input().channels() * m.input().height() * m.input().width();
        return new Prediction.MemberResult(Arrays.copyOfRange(inputs, i * plane, (i + 1) * plane), row(probs, i),
                row(cam, i), (int) cam.shape()[2], (int) cam.shape()[3], row(emb, i), scalars);
    }

    private Prediction.AnomalyResult anomalyResult(Map<String, OnnxGraph.Tensor> out, float[] inputs, int i) {
        ModelManifest.AnomalySpec a = manifest.anomaly();
        ModelManifest.InputSpec spec = a.input();
        int plane = spec.channels() * spec.height() * spec.width();
        float[] x = Arrays.copyOfRange(inputs, i * plane, (i + 1) * plane);
        float[] rec = row(out.get(a.outputs().reconstruction()), i);
        float[] mu = row(out.get(a.outputs().mu()), i);
        float[] logvar = row(out.get(a.outputs().logvar()), i);
        AnomalyScoring.Scores s = AnomalyScoring.scores(x, rec, mu, logvar, a.negElboMseWeight());
        ModelManifest.Reference ref = a.reference();
        return new Prediction.AnomalyResult(s.mse(), s.kl(), s.negElbo(),
                AnomalyScoring.percentileRank(s.mse(), ref.mse()), AnomalyScoring.percentileRank(s.kl(), ref.kl()),
                AnomalyScoring.percentileRank(s.negElbo(), ref.negElbo()), x, rec, spec.channels(), spec.width(),
                spec.height(), mu, logvar);
    }

    /** Row {@code i} of a tensor whose first axis is the batch. */
    private static float[] row(OnnxGraph.Tensor t, int i) {
        int size = t.values().length / (int) t.shape()[0];
        return Arrays.copyOfRange(t.values(), i * size, (i + 1) * size);
    }

    private static float[] stack(List<Preprocessing> pre, ModelManifest.InputSpec spec) {
        if (pre.size() == 1) {
            return pre.get(0).tensor(spec);
        }
        int plane = spec.channels() * spec.height() * spec.width();
        float[] out = new float[plane * pre.size()];
        for (int i = 0; i < pre.size(); i++) {
            System.arraycopy(pre.get(i).tensor(spec), 0, out, i * plane, plane);
        }
        return out;
    }

    static long[] shape(int n, ModelManifest.InputSpec spec) {
        return new long[] {n, spec.channels(), spec.height(), spec.width()};
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private void requireAvailable() {
        if (manifest == null) {
            throw new IllegalStateException(unavailableReason);
        }
    }

    @Override
    public void destroy() {
        if (pool != null) {
            pool.shutdownNow();
        }
        members.values().forEach(OnnxGraph::close);
        if (vae != null) {
            vae.close();
        }
    }
}
