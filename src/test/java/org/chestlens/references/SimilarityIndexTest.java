package org.chestlens.references;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimilarityIndexTest {

    /** The index and the float vectors it was given: what PostgreSQL holds for the re-ranking in the application. */
    private static final class Stored {
        final SimilarityIndex index;
        final Map<Long, float[]> vectors = new HashMap<>();

        Stored(int dims) {
            index = new SimilarityIndex(dims);
        }

        void put(long key, Long owner, float[] v) {
            put(key, owner, Set.of(), v);
        }

        void put(long key, Long owner, Set<String> findings, float[] v) {
            vectors.put(key, v);
            index.put(new SimilarityIndex.Entry(key, owner, findings), v);
        }

        void remove(long key) {
            vectors.remove(key);
            index.remove(key);
        }

        List<SimilarityIndex.Hit> search(float[] q, Optional<Long> requester, int k, long exclude) {
            return index.search(q, requester, k, exclude, keys -> {
                Map<Long, float[]> out = new HashMap<>();
                keys.forEach(key -> {
                    if (vectors.containsKey(key)) {
                        out.put(key, vectors.get(key));
                    }
                });
                return out;
            });
        }
    }

    @Test
    void returnsTheTopKByCosineSimilarityWithFindings() {
        Stored s = new Stored(3);
        s.put(1, null, Set.of("pneumonia"), new float[] {1, 0, 0});
        s.put(2, null, Set.of("effusion", "cardiomegaly"), new float[] {10, 10, 0}); // length does not matter
        s.put(3, null, new float[] {0, 0, 1});
        s.put(4, null, new float[] {-1, 0, 0});
        List<SimilarityIndex.Hit> hits = s.search(new float[] {2, 1, 0}, Optional.empty(), 2, -1);
        assertThat(hits).extracting(h -> h.entry().key()).containsExactly(2L, 1L);
        assertThat(hits.get(0).similarity()).as("exact after re-ranking").isCloseTo(3 / Math.sqrt(5) / Math.sqrt(2), within(1e-6));
        assertThat(hits.get(0).entry().findings()).containsExactlyInAnyOrder("effusion", "cardiomegaly");
        assertThat(hits.get(1).entry().findings()).containsExactly("pneumonia");
        assertThat(s.search(new float[] {1, 0, 0}, Optional.empty(), 10, 1L))
                .extracting(h -> h.entry().key()).doesNotContain(1L).hasSize(3).last().isEqualTo(4L);
    }

    @Test
    void ownedEntriesAreOnlyFoundByTheirOwner() {
        Stored s = new Stored(2);
        s.put(1001, 7L, new float[] {1, 0});
        s.put(1002, 8L, new float[] {1, 0});
        s.put(1, null, new float[] {0, 1});
        assertThat(s.search(new float[] {1, 0}, Optional.of(7L), 5, -1)).extracting(h -> h.entry().key())
                .containsExactly(1001L, 1L);
        assertThat(s.search(new float[] {1, 0}, Optional.empty(), 5, -1)).extracting(h -> h.entry().key())
                .containsExactly(1L);
    }

    @Test
    void casesTheExactSourceNoLongerKnowsAreLeftOut() {
        Stored s = new Stored(2);
        s.put(1, null, new float[] {1, 0});
        s.put(2, null, new float[] {1, 0.1f});
        s.vectors.remove(1L); // deleted in PostgreSQL, not yet in this index
        assertThat(s.search(new float[] {1, 0}, Optional.empty(), 5, -1)).extracting(h -> h.entry().key()).containsExactly(2L);
    }

    @Test
    void replaceAndRemoveKeepTheIndexConsistentAcrossChunksAndFreeThem() {
        Stored s = new Stored(2);
        int n = 40_000; // more than two chunks of 16,384 cases
        for (int i = 0; i < n; i++) {
            s.put(i, null, new float[] {1, i});
        }
        s.put(5, null, new float[] {-1, 0});
        assertThat(s.index.size()).isEqualTo(n);
        long offHeap = s.index.offHeapBytes();
        assertThat(offHeap).isGreaterThanOrEqualTo(2L * n);
        s.remove(0);
        s.remove(0);
        assertThat(s.index.size()).isEqualTo(n - 1);
        assertThat(s.search(new float[] {-1, 0}, Optional.empty(), 1, -1).get(0).entry().key()).isEqualTo(5L);
        for (int i = 1; i < n - 10; i++) {
            s.remove(i == 5 ? n - 1 : i);
        }
        assertThat(s.index.size()).isEqualTo(10);
        assertThat(s.index.contains(5)).isTrue();
        assertThat(s.search(new float[] {-1, 0}, Optional.empty(), 1, -1).get(0).entry().key()).isEqualTo(5L);
        assertThat(s.index.offHeapBytes()).as("emptied chunks given back").isLessThan(offHeap);
    }

    @Test
    void theKeyMapAgreesWithAHashMapUnderRandomPutsAndRemoves() {
        SimilarityIndex.LongIntMap map = new SimilarityIndex.LongIntMap();
        Map<Long, Integer> expected = new HashMap<>();
        Random random = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            long key = random.nextInt(20_000) * 2L + (random.nextBoolean() ? 1 : 0);
            if (random.nextInt(3) == 0) {
                assertThat(map.remove(key)).isEqualTo(expected.containsKey(key) ? expected.remove(key) : -1);
            } else {
                map.put(key, i);
                expected.put(key, i);
            }
        }
        expected.forEach((k, v) -> assertThat(map.get(k)).isEqualTo(v));
        for (long k = 0; k < 40_000; k++) {
            assertThat(map.get(k)).isEqualTo(expected.getOrDefault(k, -1));
        }
    }

    /**
     * The search over a library large enough to be scanned in two halves at once: each stored case is looked at
     * exactly once per query, and the answer (int8 scan, exact re-ranking) is the true top 10 of the exact float
     * search, with owned cases left out for others. How fast this is belongs to the {@code similarity-index} command,
     * not to a test: a wall-clock limit fails on a busy machine without anything being wrong.
     */
    @Test
    void searchesOneHundredThousandCasesLookingAtEachOnceAndFindsTheTrueTopTen() {
        int dims = 512;
        int n = 100_000;
        Stored s = new Stored(dims);
        Random random = new Random(3);
        float[][] stored = new float[n][];
        Long[] owners = new Long[n];
        for (int i = 0; i < n; i++) {
            float[] v = new float[dims];
            for (int d = 0; d < dims; d++) {
                v[d] = (float) random.nextGaussian();
            }
            stored[i] = v;
            owners[i] = i % 20 == 0 ? (long) (i % 3) : null;
            s.put(i, owners[i], v);
        }
        for (int q = 0; q < 12; q++) {
            float[] query = stored[q].clone();
            for (int d = 0; d < dims; d++) {
                query[d] += (float) (random.nextGaussian() * 0.3); // a noisy copy of a stored case
            }
            long visitsBefore = s.index.visits();
            List<SimilarityIndex.Hit> hits = s.search(query, Optional.of(1L), 10, -1);
            assertThat(s.index.visits() - visitsBefore).as("cases looked at for one query").isEqualTo(n);
            assertThat(hits).extracting(h -> h.entry().key()).containsExactlyElementsOf(plainTop(stored, owners, query, 1L, 10));
            if (owners[q] == null || owners[q] == 1L) {
                assertThat(hits.get(0).entry().key()).isEqualTo((long) q);
            }
        }
    }

    /**
     * Recall@10 of the int8 scan alone and with exact re-ranking against the exact float search, on synthetic
     * embeddings shaped like the models' (non-negative pooled features in a narrow cone, grouped around cases that
     * look alike), where the top ten are close together and quantisation matters most.
     */
    @Test
    void quantisedSearchRecallsTheExactTopTen() {
        int dims = 512;
        int n = 20_000;
        SyntheticEmbeddings synthetic = new SyntheticEmbeddings(11, dims, 200);
        float[][] stored = new float[n][];
        Stored s = new Stored(dims);
        Long[] owners = new Long[n];
        for (int i = 0; i < n; i++) {
            stored[i] = synthetic.vector(i);
            s.put(i, null, stored[i]);
        }
        int queries = 50;
        int approximateFound = 0;
        int rerankedFound = 0;
        for (int q = 0; q < queries; q++) {
            float[] query = synthetic.vector(-1 - q);
            List<Long> truth = plainTop(stored, owners, query, 0, 10);
            List<Long> approximate = s.index.approximate(query, Optional.empty(), 10, -1).stream().map(h -> h.entry().key()).toList();
            List<Long> reranked = s.search(query, Optional.empty(), 10, -1).stream().map(h -> h.entry().key()).toList();
            approximateFound += (int) truth.stream().filter(approximate::contains).count();
            rerankedFound += (int) truth.stream().filter(reranked::contains).count();
        }
        double approximateRecall = approximateFound / (10.0 * queries);
        double rerankedRecall = rerankedFound / (10.0 * queries);
        assertThat(approximateRecall).as("recall@10 of the int8 scan alone").isGreaterThan(0.8);
        assertThat(rerankedRecall).as("recall@10 with exact re-ranking").isGreaterThan(0.99);
    }

    /** The top k by cosine similarity, the slow obvious way (doubles, a full sort). */
    private static List<Long> plainTop(float[][] stored, Long[] owners, float[] query, long requester, int k) {
        List<Integer> visible = new ArrayList<>();
        double[] similarity = new double[stored.length];
        for (int i = 0; i < stored.length; i++) {
            if (owners[i] == null || owners[i] == requester) {
                visible.add(i);
                similarity[i] = cosine(stored[i], query);
            }
        }
        visible.sort((a, b) -> Double.compare(similarity[b], similarity[a]));
        return visible.stream().limit(k).map(i -> (long) i).toList();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
