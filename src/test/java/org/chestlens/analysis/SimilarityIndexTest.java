package org.chestlens.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimilarityIndexTest {

    @Test
    void returnsTheTopKByCosineSimilarity() {
        SimilarityIndex index = new SimilarityIndex(3);
        index.put(entry("ref:1", null), new float[] {1, 0, 0});
        index.put(entry("ref:2", null), new float[] {10, 10, 0}); // length does not matter
        index.put(entry("ref:3", null), new float[] {0, 0, 1});
        index.put(entry("ref:4", null), new float[] {-1, 0, 0});
        List<SimilarityIndex.Hit> hits = index.search(new float[] {2, 1, 0}, Optional.empty(), 2, "none");
        assertThat(hits).extracting(h -> h.entry().key()).containsExactly("ref:2", "ref:1");
        assertThat(hits.get(0).similarity()).isCloseTo(3 / Math.sqrt(5) / Math.sqrt(2), within(1e-6));
        assertThat(index.search(new float[] {1, 0, 0}, Optional.empty(), 10, "ref:1"))
                .extracting(h -> h.entry().key()).doesNotContain("ref:1").hasSize(3).last().isEqualTo("ref:4");
    }

    @Test
    void ownedEntriesAreOnlyFoundByTheirOwner() {
        SimilarityIndex index = new SimilarityIndex(2);
        index.put(entry("analysis:a", 7L), new float[] {1, 0});
        index.put(entry("analysis:b", 8L), new float[] {1, 0});
        index.put(entry("ref:1", null), new float[] {0, 1});
        assertThat(index.search(new float[] {1, 0}, Optional.of(7L), 5, "x")).extracting(h -> h.entry().key())
                .containsExactly("analysis:a", "ref:1");
        assertThat(index.search(new float[] {1, 0}, Optional.empty(), 5, "x")).extracting(h -> h.entry().key())
                .containsExactly("ref:1");
    }

    @Test
    void replaceAndRemoveKeepTheIndexConsistent() {
        SimilarityIndex index = new SimilarityIndex(2);
        for (int i = 0; i < 3000; i++) {
            index.put(entry("ref:" + i, null), new float[] {1, i});
        }
        index.put(entry("ref:5", null), new float[] {-1, 0});
        assertThat(index.size()).isEqualTo(3000);
        index.remove("ref:0");
        index.remove("ref:0");
        assertThat(index.size()).isEqualTo(2999);
        assertThat(index.search(new float[] {-1, 0}, Optional.empty(), 1, "x").get(0).entry().key()).isEqualTo("ref:5");
    }

    @Test
    void searchesOneHundredThousandCasesInUnderFiftyMilliseconds() {
        int dims = 512;
        int n = 100_000;
        SimilarityIndex index = new SimilarityIndex(dims);
        Random random = new Random(3);
        float[][] kept = new float[200][];
        for (int i = 0; i < n; i++) {
            float[] v = new float[dims];
            for (int d = 0; d < dims; d++) {
                v[d] = (float) random.nextGaussian();
            }
            if (i < kept.length) {
                kept[i] = v;
            }
            index.put(entry("ref:" + i, i % 20 == 0 ? (long) (i % 3) : null), v);
        }
        List<Double> millis = new ArrayList<>();
        for (int q = 0; q < 40; q++) {
            float[] query = kept[q].clone();
            for (int d = 0; d < dims; d++) {
                query[d] += (float) (random.nextGaussian() * 0.3); // a noisy copy of a stored case
            }
            long t = System.nanoTime();
            List<SimilarityIndex.Hit> hits = index.search(query, Optional.of(1L), 10, "none");
            double ms = (System.nanoTime() - t) / 1e6;
            if (q >= 10) { // after the JIT has compiled the loop
                millis.add(ms);
            }
            if (q % 20 != 0 || q % 3 == 1) {
                assertThat(hits.get(0).entry().key()).isEqualTo("ref:" + q);
            }
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("similarity search over %d x %d: p50 %.1f ms, max %.1f ms%n", n, dims,
                sorted[sorted.length / 2], sorted[sorted.length - 1]);
        assertThat(sorted[sorted.length / 2]).as("median search time, ms").isLessThan(50);
        // The tail only as a sanity bound: on a shared 2-core machine other processes' bursts land in it
        // (the benchmark reports p95 on a quiet machine).
        assertThat(Arrays.stream(sorted).limit(sorted.length * 9L / 10).max().orElseThrow()).as("p90, ms").isLessThan(150);
    }

    private static SimilarityIndex.Entry entry(String key, Long owner) {
        return new SimilarityIndex.Entry(key, owner, Set.of());
    }
}
