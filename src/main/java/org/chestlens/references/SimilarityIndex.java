package org.chestlens.references;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.chestlens.inference.Embeddings;

/**
 * Cosine-similarity search over the stored cases of one embedding space, in memory: unit-length vectors in one
 * flat float array, scanned in full per query (an exact search; its speed over 100,000 cases x 512 dimensions is
 * measured by the {@code benchmark} command; large libraries are scanned in two halves at once). Owned entries
 * are only ever returned to their owner.
 *
 * <p>Not a Spring bean by itself: {@link SimilarCases} fills it from PostgreSQL and keeps it in step; the
 * {@code benchmark} command times it on generated vectors.
 */
public final class SimilarityIndex {

    /**
     * One stored case: a reference case (no owner) or a clinician's confirmed analysis.
     *
     * @param key the caller's unique number for the case ({@link SimilarCases} says which kind it is)
     */
    public record Entry(long key, Long ownerId, Set<String> findings) {
    }

    public record Hit(Entry entry, double similarity) {
    }

    /** Below this many cases one thread scans in well under a millisecond or two: not worth a hand-off. */
    private static final int PARALLEL_FROM = 20_000;
    private static final java.util.concurrent.ExecutorService SCANNERS = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "similarity-scan");
        t.setDaemon(true);
        return t;
    });

    private final int dimensions;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private float[] vectors;
    private Entry[] entries;
    private int size;
    private final Map<Long, Integer> positions = new HashMap<>();
    /** Stored entries searches looked at so far: what a search costs, for tests (speed is the benchmark's business). */
    private final AtomicLong visits = new AtomicLong();

    public SimilarityIndex(int dimensions) {
        this.dimensions = dimensions;
        this.vectors = new float[dimensions * 1024];
        this.entries = new Entry[1024];
    }

    int dimensions() {
        return dimensions;
    }

    int size() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many stored entries all searches so far looked at (an exact search looks at each once per query). */
    long visits() {
        return visits.get();
    }

    /** Adds or replaces the entry with this key. */
    public void put(Entry entry, float[] embedding) {
        if (embedding.length != dimensions) {
            throw new IllegalArgumentException("embedding has " + embedding.length + " dimensions, index " + dimensions);
        }
        float[] unit = Embeddings.unitLength(embedding);
        lock.writeLock().lock();
        try {
            Integer at = positions.get(entry.key());
            if (at == null) {
                if (size == entries.length) {
                    entries = Arrays.copyOf(entries, size * 2);
                    vectors = Arrays.copyOf(vectors, size * 2 * dimensions);
                }
                at = size++;
                positions.put(entry.key(), at);
            }
            entries[at] = entry;
            System.arraycopy(unit, 0, vectors, at * dimensions, dimensions);
        } finally {
            lock.writeLock().unlock();
        }
    }

    boolean contains(long key) {
        lock.readLock().lock();
        try {
            return positions.containsKey(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Removes the entry with this key, if present (the last entry moves into its place). */
    void remove(long key) {
        lock.writeLock().lock();
        try {
            Integer at = positions.remove(key);
            if (at == null) {
                return;
            }
            int last = --size;
            if (at != last) {
                entries[at] = entries[last];
                System.arraycopy(vectors, last * dimensions, vectors, at * dimensions, dimensions);
                positions.put(entries[at].key(), at);
            }
            entries[last] = null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The {@code k} most similar entries visible to {@code requester} (reference entries and the requester's own),
     * most similar first, leaving out {@code excludeKey}.
     */
    public List<Hit> search(float[] query, Optional<Long> requester, int k, long excludeKey) {
        if (k <= 0 || query.length != dimensions) {
            return List.of();
        }
        float[] q = Embeddings.unitLength(query);
        Long owner = requester.orElse(null);
        List<Hit> out = new ArrayList<>();
        lock.readLock().lock();
        try {
            if (size < PARALLEL_FROM) {
                out.addAll(scan(q, owner, k, excludeKey, 0, size));
            } else {
                // Large libraries: both halves at once (the scan is bound by memory bandwidth and one core).
                int half = size / 2;
                java.util.concurrent.Future<List<Hit>> upper = SCANNERS.submit(() -> scan(q, owner, k, excludeKey, half, size));
                out.addAll(scan(q, owner, k, excludeKey, 0, half));
                out.addAll(upper.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            lock.readLock().unlock();
        }
        out.sort(Comparator.comparingDouble(Hit::similarity).reversed());
        return out.size() > k ? List.copyOf(out.subList(0, k)) : out;
    }

    /** The top k of entries [from, to), unordered. Runs under the read lock held by the caller. */
    private List<Hit> scan(float[] q, Long owner, int k, long excludeKey, int from, int to) {
        PriorityQueue<Hit> best = new PriorityQueue<>(k + 1, Comparator.comparingDouble(Hit::similarity));
        long visited = 0;
        for (int i = from; i < to; i++) {
            visited++;
            Entry e = entries[i];
            if (e.ownerId() != null && !e.ownerId().equals(owner)) {
                continue;
            }
            float s = dot(vectors, i * dimensions, q, dimensions);
            if (best.size() < k) {
                if (e.key() != excludeKey) {
                    best.add(new Hit(e, s));
                }
            } else if (s > best.peek().similarity() && e.key() != excludeKey) {
                best.poll();
                best.add(new Hit(e, s));
            }
        }
        visits.addAndGet(visited);
        return new ArrayList<>(best);
    }

    /** Eight independent accumulators: the JIT does not vectorise float reductions, but it pipelines these. */
    private static float dot(float[] m, int off, float[] q, int d) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int i = 0;
        for (; i + 7 < d; i += 8) {
            s0 += m[off + i] * q[i];
            s1 += m[off + i + 1] * q[i + 1];
            s2 += m[off + i + 2] * q[i + 2];
            s3 += m[off + i + 3] * q[i + 3];
            s4 += m[off + i + 4] * q[i + 4];
            s5 += m[off + i + 5] * q[i + 5];
            s6 += m[off + i + 6] * q[i + 6];
            s7 += m[off + i + 7] * q[i + 7];
        }
        for (; i < d; i++) {
            s0 += m[off + i] * q[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
