package org.chestlens.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.chestlens.references.SimilarityIndex;
import org.chestlens.references.SyntheticEmbeddings;

/**
 * {@code similarity-index [--cases N] [--queries Q] [--dims D] [--partition on|off] [--nprobe P[,P...]] [--group-weight W]
 * [--json FILE]}: the similar-case index at a size
 * no test library reaches, on synthetic embeddings shaped like the models' ({@link SyntheticEmbeddings}); no models,
 * no database. Reports the heap and off-heap memory the index holds, the build time, search latency (p50/p95, int8
 * scan and exact re-ranking of the candidates; in the application the re-ranking reads their float embeddings from
 * PostgreSQL instead) and recall@10 against the exact float search, computed in one pass over the regenerated
 * vectors (they are never all in memory). With a partition it then re-trains it while one thread searches in a loop and
 * another adds cases, and reports the longest search and put meanwhile. {@code --partition off} keeps the exact full
 * scan at any size;
 * {@code --nprobe} sets the lists a partitioned search scans (several, comma-separated, are measured one after the
 * other on the same index); {@code --group-weight} how grouped the synthetic cases
 * are (0.6 default; lower is harder for the partition, 0 no groups at all). Run it with the node's heap, e.g. {@code java -Xmx1g -jar chestlens.jar
 * similarity-index --cases 1000000}.
 */
final class SimilarityIndexCommand {

    private static final int WARMUP = 10;
    private static final long REQUESTER = 3;

    private SimilarityIndexCommand() {
    }

    static int run(Commands.Arguments arguments) {
        int cases = arguments.intValue("cases", 100_000);
        int queryCount = arguments.intValue("queries", 50);
        int dims = arguments.intValue("dims", 512);
        List<Integer> nprobes = Arrays.stream(arguments.value("nprobe").orElse(String.valueOf(SimilarityIndex.DEFAULT_NPROBE))
                .split(",")).map(String::trim).map(Integer::parseInt).toList();
        String partitionValue = arguments.value("partition").orElse("on");
        double groupWeight = Double.parseDouble(arguments.value("group-weight").orElse("0.6"));
        if (cases < 1 || queryCount < 1 || dims < 8 || nprobes.stream().anyMatch(n -> n < 1) || groupWeight < 0) {
            throw new IllegalArgumentException(
                    "--cases, --queries and --nprobe need at least 1, --dims at least 8, --group-weight at least 0");
        }
        if (!partitionValue.equals("on") && !partitionValue.equals("off")) {
            throw new IllegalArgumentException("--partition is on or off");
        }
        boolean partitioned = partitionValue.equals("on");
        SyntheticEmbeddings synthetic = new SyntheticEmbeddings(7, dims, Math.max(100, cases / 1000), groupWeight);
        List<String> codes = List.of("no_finding", "pneumonia", "effusion", "cardiomegaly", "covid_19");

        long heapBefore = heapAfterGc();
        long directBefore = directMemory();
        long t0 = System.nanoTime();
        SimilarityIndex index = new SimilarityIndex(dims,
                partitioned ? SimilarityIndex.DEFAULT_PARTITION_FROM : Integer.MAX_VALUE, nprobes.get(0));
        for (int i = 0; i < cases; i++) {
            // One case in ten is a clinician's own (seven clinicians), the rest reference cases.
            Long owner = i % 10 == 0 ? (long) (i % 7) : null;
            index.put(new SimilarityIndex.Entry(i, owner, Set.of(codes.get(i % codes.size()))), synthetic.vector(i));
        }
        index.awaitTraining(); // trainings run in the background: the build ends when the last one is installed
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        long heap = heapAfterGc() - heapBefore;
        long direct = directMemory() - directBefore;
        // What the last (re-)training alone costs, measured apart from generating the synthetic vectors.
        double trainSeconds = 0;
        if (index.lists() > 0) {
            long t1 = System.nanoTime();
            index.retrain();
            trainSeconds = (System.nanoTime() - t1) / 1e9;
        }
        System.out.printf(Locale.ROOT, "Built %,d cases x %d dimensions in %.1f s; heap %.1f MB, off-heap %.1f MB%n",
                cases, dims, buildSeconds, heap / 1e6, direct / 1e6);

        List<float[]> queries = new ArrayList<>();
        for (int q = 0; q < queryCount + WARMUP; q++) {
            queries.add(synthetic.vector(-1 - q)); // made like the stored ones, but not stored
        }
        List<List<Long>> truth = exactTopTen(synthetic, cases, queries.subList(WARMUP, queries.size()));

        SimilarityIndex.ExactEmbeddings exact = keys -> {
            Map<Long, float[]> out = new HashMap<>();
            keys.forEach(key -> out.put(key, synthetic.vector(key)));
            return out;
        };
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("cases", cases);
        result.put("dimensions", dims);
        result.put("queries", queryCount);
        result.put("maxHeapMB", round(Runtime.getRuntime().maxMemory() / 1e6));
        result.put("heapMB", round(heap / 1e6));
        result.put("offHeapMB", round(direct / 1e6));
        result.put("buildSeconds", round(buildSeconds));
        result.put("groupWeight", groupWeight);
        result.put("partition", partitioned);
        result.put("lists", index.lists());
        result.put("partitionHeapMB", round(index.partitionHeapBytes() / 1e6));
        result.put("trainSeconds", round(trainSeconds));
        System.out.printf(Locale.ROOT, """
                        similarity index, %,d cases x %d dims (max heap %.0f MB), synthetic group weight %.2f
                          memory       heap %.1f MB (partition %.1f MB of it), off-heap (int8 vectors) %.1f MB
                          build        %.1f s (incl. generating the vectors); last training alone %.1f s
                          partition    %s, %d lists
                        """, cases, dims, Runtime.getRuntime().maxMemory() / 1e6, groupWeight, heap / 1e6,
                index.partitionHeapBytes() / 1e6, direct / 1e6, buildSeconds, trainSeconds, partitioned ? "on" : "off",
                index.lists());
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int nprobe : nprobes) {
            index.nprobe(nprobe);
            List<Double> searchMs = new ArrayList<>();
            List<Double> scanMs = new ArrayList<>();
            List<Double> visited = new ArrayList<>();
            int rerankedFound = 0;
            int approximateFound = 0;
            for (int q = 0; q < queries.size(); q++) {
                float[] query = queries.get(q);
                long v = index.visits();
                long a = System.nanoTime();
                List<SimilarityIndex.Hit> approximate = index.approximate(query, Optional.of(REQUESTER), 10, -1);
                long b = System.nanoTime();
                List<SimilarityIndex.Hit> hits = index.search(query, Optional.of(REQUESTER), 10, -1, exact);
                long c = System.nanoTime();
                if (q >= WARMUP) {
                    visited.add((index.visits() - v) / 2.0); // two searches per query
                    scanMs.add((b - a) / 1e6);
                    searchMs.add((c - b) / 1e6);
                    List<Long> expected = truth.get(q - WARMUP);
                    approximateFound += (int) approximate.stream().filter(h -> expected.contains(h.entry().key())).count();
                    rerankedFound += (int) hits.stream().filter(h -> expected.contains(h.entry().key())).count();
                }
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("nprobe", partitioned ? nprobe : null);
            run.put("visitedPerQueryP50", p(visited, 50));
            run.put("int8ScanP50Ms", round(p(scanMs, 50)));
            run.put("int8ScanP95Ms", round(p(scanMs, 95)));
            run.put("searchP50Ms", round(p(searchMs, 50)));
            run.put("searchP95Ms", round(p(searchMs, 95)));
            run.put("recallAt10Int8", round(approximateFound / (10.0 * queryCount)));
            run.put("recallAt10Reranked", round(rerankedFound / (10.0 * queryCount)));
            runs.add(run);
            System.out.printf(Locale.ROOT, """
                              nprobe %s: cases looked at per query p50 %,.0f
                                int8 scan    p50 %.1f ms, p95 %.1f ms (top 10, no re-ranking)
                                search       p50 %.1f ms, p95 %.1f ms (int8 scan + exact re-ranking of %d candidates)
                                recall@10    int8 alone %.3f, re-ranked %.3f (vs exact float search, %d queries)
                            """, partitioned ? nprobe : "- (full scan)", p(visited, 50), p(scanMs, 50), p(scanMs, 95),
                    p(searchMs, 50), p(searchMs, 95), SimilarityIndex.candidates(10),
                    approximateFound / (10.0 * queryCount), rerankedFound / (10.0 * queryCount), queryCount);
            if (!partitioned) {
                break; // nprobe means nothing without a partition
            }
        }
        result.put("runs", runs);
        if (index.lists() > 0) {
            index.nprobe(SimilarityIndex.DEFAULT_NPROBE);
            result.put("retrainUnderLoad", retrainUnderLoad(index, synthetic, queries, cases));
        }
        arguments.value("json").ifPresent(file -> {
            try {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(file).toFile(), result);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return 0;
    }

    /**
     * A re-training while one thread searches in a loop and another adds cases (up to 20,000 new ones), as when the
     * change feed crosses a doubling on a node serving searches: how long a search and a put took meanwhile (the
     * longest is what a user's result page would hang), then the same load for as long without a training (what the
     * machine's cores alone do to those times).
     */
    private static Map<String, Object> retrainUnderLoad(SimilarityIndex index, SyntheticEmbeddings synthetic,
            List<float[]> queries, int cases) {
        long t = System.nanoTime();
        Load training = underLoad(index, synthetic, queries, cases, index::retrain);
        double trainSeconds = (System.nanoTime() - t) / 1e9;
        Load control = underLoad(index, synthetic, queries, cases + 20_000, () -> {
            try {
                Thread.sleep((long) (trainSeconds * 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trainSeconds", round(trainSeconds));
        out.put("installMs", round(index.lastInstallMicros() / 1e3));
        out.put("duringTraining", training.json());
        out.put("sameLoadWithoutTraining", control.json());
        System.out.printf(Locale.ROOT, """
                          re-training under load (one thread searching in a loop, int8 scan at nprobe %d; one adding cases)
                            training     %.1f s; the install held the write lock %.1f ms
                            during it    %s
                            without      %s (the same load, as long, no training)
                        """, SimilarityIndex.DEFAULT_NPROBE, trainSeconds, index.lastInstallMicros() / 1e3, training,
                control);
        return out;
    }

    /** Search and put times while {@code action} runs. */
    private record Load(List<Double> searches, List<Double> puts) {

        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("searches", searches.size());
            out.put("searchP50Ms", round(p(searches, 50)));
            out.put("searchP99Ms", round(p(searches, 99)));
            out.put("searchMaxMs", round(p(searches, 100)));
            out.put("puts", puts.size());
            out.put("putMaxMs", round(p(puts, 100)));
            return out;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d searches p50 %.1f ms, p99 %.1f ms, longest %.1f ms; %,d puts, longest %.1f ms",
                    searches.size(), p(searches, 50), p(searches, 99), p(searches, 100), puts.size(), p(puts, 100));
        }
    }

    private static Load underLoad(SimilarityIndex index, SyntheticEmbeddings synthetic, List<float[]> queries,
            int firstKey, Runnable action) {
        int candidates = SimilarityIndex.candidates(10);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Double> searches = Collections.synchronizedList(new ArrayList<>());
        List<Double> puts = Collections.synchronizedList(new ArrayList<>());
        Thread searcher = new Thread(() -> {
            for (int q = 0; running.get(); q++) {
                long a = System.nanoTime();
                index.approximate(queries.get(q % queries.size()), Optional.of(REQUESTER), candidates, -1);
                searches.add((System.nanoTime() - a) / 1e6);
            }
        }, "searcher");
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 20_000 && running.get(); i++) {
                float[] v = synthetic.vector(firstKey + i);
                long a = System.nanoTime();
                index.put(new SimilarityIndex.Entry(firstKey + i, null, Set.of()), v);
                puts.add((System.nanoTime() - a) / 1e6);
            }
        }, "writer");
        searcher.start();
        writer.start();
        action.run();
        running.set(false);
        try {
            searcher.join();
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Load(List.copyOf(searches), List.copyOf(puts));
    }

    /** The exact top ten per query (float vectors, cosine in doubles), in one pass over the regenerated cases. */
    private static List<List<Long>> exactTopTen(SyntheticEmbeddings synthetic, int cases, List<float[]> queries) {
        List<double[]> units = queries.stream().map(SimilarityIndexCommand::unit).toList();
        List<PriorityQueue<double[]>> best = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            best.add(new PriorityQueue<>((x, y) -> Double.compare(x[0], y[0])));
        }
        for (int i = 0; i < cases; i++) {
            Long owner = i % 10 == 0 ? (long) (i % 7) : null;
            if (owner != null && owner != REQUESTER) {
                continue;
            }
            double[] v = unit(synthetic.vector(i));
            for (int q = 0; q < units.size(); q++) {
                double[] u = units.get(q);
                double s = 0;
                for (int d = 0; d < u.length; d++) {
                    s += u[d] * v[d];
                }
                PriorityQueue<double[]> top = best.get(q);
                if (top.size() < 10) {
                    top.add(new double[] {s, i});
                } else if (s > top.peek()[0]) {
                    top.poll();
                    top.add(new double[] {s, i});
                }
            }
        }
        return best.stream().map(top -> top.stream().map(x -> (long) x[1]).toList()).toList();
    }

    private static double[] unit(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        double inv = n == 0 ? 0 : 1 / Math.sqrt(n);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long directMemory() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    private static double p(List<Double> values, int percentile) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
