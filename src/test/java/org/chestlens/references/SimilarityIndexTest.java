package org.chestlens.references;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimilarityIndexTest {

    @Test
    void returnsTheTopKByCosineSimilarity() {
        SimilarityIndex index = new SimilarityIndex(3);
        index.put(entry(1L, null), new float[] {1, 0, 0});
        index.put(entry(2L, null), new float[] {10, 10, 0}); // length does not matter
        index.put(entry(3L, null), new float[] {0, 0, 1});
        index.put(entry(4L, null), new float[] {-1, 0, 0});
        List<SimilarityIndex.Hit> hits = index.search(new float[] {2, 1, 0}, Optional.empty(), 2, -1);
        assertThat(hits).extracting(h -> h.entry().key()).containsExactly(2L, 1L);
        assertThat(hits.get(0).similarity()).isCloseTo(3 / Math.sqrt(5) / Math.sqrt(2), within(1e-6));
        assertThat(index.search(new float[] {1, 0, 0}, Optional.empty(), 10, 1L))
                .extracting(h -> h.entry().key()).doesNotContain(1L).hasSize(3).last().isEqualTo(4L);
    }

    @Test
    void ownedEntriesAreOnlyFoundByTheirOwner() {
        SimilarityIndex index = new SimilarityIndex(2);
        index.put(entry(1001L, 7L), new float[] {1, 0});
        index.put(entry(1002L, 8L), new float[] {1, 0});
        index.put(entry(1L, null), new float[] {0, 1});
        assertThat(index.search(new float[] {1, 0}, Optional.of(7L), 5, -1)).extracting(h -> h.entry().key())
                .containsExactly(1001L, 1L);
        assertThat(index.search(new float[] {1, 0}, Optional.empty(), 5, -1)).extracting(h -> h.entry().key())
                .containsExactly(1L);
    }

    @Test
    void replaceAndRemoveKeepTheIndexConsistent() {
        SimilarityIndex index = new SimilarityIndex(2);
        for (int i = 0; i < 3000; i++) {
            index.put(entry(i, null), new float[] {1, i});
        }
        index.put(entry(5L, null), new float[] {-1, 0});
        assertThat(index.size()).isEqualTo(3000);
        index.remove(0L);
        index.remove(0L);
        assertThat(index.size()).isEqualTo(2999);
        assertThat(index.search(new float[] {-1, 0}, Optional.empty(), 1, -1).get(0).entry().key()).isEqualTo(5L);
    }

    /**
     * The exact search over a library large enough to be scanned in two halves at once: each stored case is looked at
     * exactly once per query, and the answer is the true top 10 (checked against a plain scan), with owned cases
     * left out for others. How fast this is belongs to the {@code benchmark} command, not to a test: a wall-clock
     * limit fails on a busy machine without anything being wrong.
     */
    @Test
    void searchesOneHundredThousandCasesLookingAtEachOnceAndFindsTheTrueTopTen() {
        int dims = 512;
        int n = 100_000;
        SimilarityIndex index = new SimilarityIndex(dims);
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
            index.put(entry(i, owners[i]), v);
        }
        for (int q = 0; q < 12; q++) {
            float[] query = stored[q].clone();
            for (int d = 0; d < dims; d++) {
                query[d] += (float) (random.nextGaussian() * 0.3); // a noisy copy of a stored case
            }
            long visitsBefore = index.visits();
            List<SimilarityIndex.Hit> hits = index.search(query, Optional.of(1L), 10, -1);
            assertThat(index.visits() - visitsBefore).as("cases looked at for one query").isEqualTo(n);
            assertThat(hits).extracting(h -> h.entry().key()).containsExactlyElementsOf(plainTopTen(stored, owners, query, 1L));
            if (owners[q] == null || owners[q] == 1L) {
                assertThat(hits.get(0).entry().key()).isEqualTo((long) q);
            }
        }
    }

    /** The top ten by cosine similarity, the slow obvious way (doubles, a full sort). */
    private static List<Long> plainTopTen(float[][] stored, Long[] owners, float[] query, long requester) {
        List<Integer> visible = new ArrayList<>();
        double[] similarity = new double[stored.length];
        for (int i = 0; i < stored.length; i++) {
            if (owners[i] == null || owners[i] == requester) {
                visible.add(i);
                similarity[i] = cosine(stored[i], query);
            }
        }
        visible.sort((a, b) -> Double.compare(similarity[b], similarity[a]));
        return visible.stream().limit(10).map(i -> (long) i).toList();
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

    private static SimilarityIndex.Entry entry(long key, Long owner) {
        return new SimilarityIndex.Entry(key, owner, Set.of());
    }
}
