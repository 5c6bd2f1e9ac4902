package org.chestlens.references;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.chestlens.inference.Embeddings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cosine-similarity search over the stored cases of one embedding space, sized for a million cases in a node's
 * 1 GB heap. Each case's unit-length embedding is kept as int8 (one byte per dimension and one float scale: 512 B
 * for 512 dimensions, i.e. 512 MB for 1,000,000 cases) in direct buffers outside the Java heap; on the heap only
 * its key, owner and findings (about 50 B per case). A search scans every stored case (an exact scan of the
 * quantised vectors; two halves at once for large libraries), keeps the best {@link #candidates(int)} by the
 * quantised score and re-ranks them by the exact float cosine of the embeddings the caller reads back (from
 * PostgreSQL, where they are stored anyway). From {@link #DEFAULT_PARTITION_FROM} cases on, an inverted-file
 * partition ({@link InvertedLists}: about sqrt(N) k-means lists) lets a search scan only the {@code nprobe} lists
 * nearest the query instead of every case (more if owner filtering leaves too few candidates); changes go to their
 * nearest list. It is trained when a {@code put} reaches the threshold and re-trained when one doubles the size it was
 * trained on, on a background thread and without holding the lock (seconds at 100,000 cases, tens of seconds at
 * 1,000,000): searches go on meanwhile with the old partition (or the full scan), and the new one is installed under
 * the write lock with the cases added, replaced or moved since it read them. Smaller libraries stay an exact scan.
 * How close this comes to an exact float search (recall@10), its memory and speed at 100,000 and 1,000,000 cases are
 * measured by the {@code similarity-index} command ({@code tools}).
 * Owned entries are only ever returned to their owner.
 *
 * <p>Not a Spring bean by itself: {@link SimilarCases} fills it from PostgreSQL and keeps it in step.
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

    /** Where the exact (float) embeddings of candidates come from; cases it no longer knows are left out. */
    @FunctionalInterface
    public interface ExactEmbeddings {
        Map<Long, float[]> of(Collection<Long> keys);
    }

    /** From this many cases a search scans the nearest lists of a partition instead of every case. */
    public static final int DEFAULT_PARTITION_FROM = 50_000;
    /**
     * Lists a partitioned search scans at least: re-ranked recall@10 0.994 on the standard synthetic 1,000,000 cases
     * (0.978 with 8, 1.000 with 32, at 1.6x and 0.5x the time; README, "Memory: the similar-case index").
     */
    public static final int DEFAULT_NPROBE = 16;
    private static final long PARTITION_SEED = 16;
    private static final long NO_OWNER = Long.MIN_VALUE;
    /** Below this many cases one thread scans in a few milliseconds: not worth a hand-off. */
    private static final int PARALLEL_FROM = 20_000;
    /** Cases per direct buffer: 8 MB at 512 dimensions, so growing never copies the vectors already stored. */
    private static final int CHUNK_BITS = 14;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final ExecutorService SCANNERS = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "similarity-scan");
        t.setDaemon(true);
        return t;
    });
    /** Where automatic trainings run: one thread for all indexes, so a node trains one partition at a time. */
    private static final ExecutorService TRAINERS = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "similarity-train");
        t.setDaemon(true);
        return t;
    });
    /** Rows copied per read-lock hold while assigning cases to a new partition (2 MB at 512 dimensions). */
    private static final int ASSIGN_BATCH = 4_096;
    /** Catch-up passes over cases changed during a training before the rest is assigned under the write lock. */
    private static final int CATCH_UP_ROUNDS = 8;
    private static final Logger log = LoggerFactory.getLogger(SimilarityIndex.class);

    private final int dimensions;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<ByteBuffer> chunks = new ArrayList<>();
    private long[] keys = new long[1024];
    /** {@link #NO_OWNER} for reference cases. */
    private long[] owners = new long[1024];
    /** One bit per finding code of {@link #codes}. */
    private long[] findingBits = new long[1024];
    /** Per case: the quantised vector times this is the unit vector. */
    private float[] scales = new float[1024];
    private int size;
    private final LongIntMap positions = new LongIntMap();
    private final List<String> codes = new ArrayList<>();
    private final Map<String, Integer> codeBits = new HashMap<>();
    /** Stored entries searches looked at so far: what a search costs, for tests (speed is the benchmark's business). */
    private final AtomicLong visits = new AtomicLong();
    private final int partitionFrom;
    private volatile int nprobe;
    /** Null while the index is smaller than {@link #partitionFrom} (or partitioning is off). */
    private InvertedLists partition;
    /** Runs the automatic trainings. */
    private final Executor trainer;
    /** One training at a time: the automatic one and {@link #retrain()} wait for each other. */
    private final ReentrantLock training = new ReentrantLock();
    /** An automatic training is scheduled or running (under the lock). */
    private boolean trainingScheduled;
    private volatile CompletableFuture<Void> scheduled = CompletableFuture.completedFuture(null);
    /** How long the last install held the write lock. */
    private volatile long lastInstallNanos;
    /**
     * While a training runs: the positions whose case was added, replaced or moved into since the training last read
     * them (null otherwise). Writers mark it under the write lock; the training swaps it for an empty one under the
     * read lock, when no writer can run.
     */
    private BitSet changed;
    /**
     * Called by a training with its stage, without any lock held: "trained" (centroids trained, the cases stored
     * when it began assigned) and "installing" (about to take the write lock). Tests hold a training here.
     */
    volatile Consumer<String> trainingStage = stage -> {
    };

    public SimilarityIndex(int dimensions) {
        this(dimensions, DEFAULT_PARTITION_FROM, DEFAULT_NPROBE);
    }

    /**
     * @param partitionFrom the size from which searches use the partition ({@link Integer#MAX_VALUE}: never)
     * @param nprobe the lists a partitioned search scans at least
     */
    public SimilarityIndex(int dimensions, int partitionFrom, int nprobe) {
        this(dimensions, partitionFrom, nprobe, TRAINERS);
    }

    /** @param trainer runs the automatic trainings ({@code Runnable::run}: in the {@code put} that asks, after its lock) */
    SimilarityIndex(int dimensions, int partitionFrom, int nprobe, Executor trainer) {
        if (partitionFrom < 1 || nprobe < 1) {
            throw new IllegalArgumentException("partitionFrom and nprobe must be positive");
        }
        this.dimensions = dimensions;
        this.partitionFrom = partitionFrom;
        this.nprobe = nprobe;
        this.trainer = trainer;
    }

    /** Sets the lists a partitioned search scans at least (the {@code similarity-index} command compares several). */
    public void nprobe(int lists) {
        if (lists < 1) {
            throw new IllegalArgumentException("nprobe must be positive");
        }
        nprobe = lists;
    }

    /** The number of lists of the partition, 0 while there is none. */
    public int lists() {
        lock.readLock().lock();
        try {
            return partition == null ? 0 : partition.lists();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Trains the partition anew on the cases stored now (if the index is large enough to have one) and returns once it
     * is installed: what a {@code put} starts in the background when the size has doubled since the last training.
     * Searches and changes go on meanwhile; a training already running is finished first.
     */
    public void retrain() {
        training.lock();
        try {
            trainAndInstall();
        } finally {
            training.unlock();
        }
    }

    /** Waits for the automatic training scheduled or running now, if any (the {@code similarity-index} command). */
    public void awaitTraining() {
        for (CompletableFuture<Void> f = scheduled; !f.isDone(); f = scheduled) {
            f.join();
        }
    }

    /** How long installing the last trained partition held the write lock, in microseconds (0 before any). */
    public long lastInstallMicros() {
        return lastInstallNanos / 1_000;
    }

    /** Whether the partition is missing or out of date for the cases stored now; under the lock. */
    private boolean needsTraining() {
        return size >= partitionFrom && (partition == null || size >= 2L * partition.trainedSize());
    }

    private void scheduleTraining() {
        scheduled = CompletableFuture.runAsync(this::trainAutomatically, trainer);
    }

    /** The training a put asked for, unless one since made it unnecessary; again if the size doubled meanwhile. */
    private void trainAutomatically() {
        boolean again = false;
        training.lock();
        try {
            boolean needed;
            lock.readLock().lock();
            try {
                needed = needsTraining();
            } finally {
                lock.readLock().unlock();
            }
            if (needed) {
                trainAndInstall();
            }
            again = true;
        } catch (RuntimeException e) {
            // The old partition (or the full scan) keeps answering; the next put that needs a training asks again.
            log.error("Training the similar-case partition failed", e);
        } finally {
            lock.writeLock().lock();
            try {
                trainingScheduled = again && needsTraining();
                again = trainingScheduled;
            } finally {
                lock.writeLock().unlock();
            }
            training.unlock();
        }
        if (again) {
            scheduleTraining();
        }
    }

    /**
     * Trains a partition on the cases stored now and installs it, holding the write lock only for the install.
     * Training reads the stored rows under the read lock a batch at a time (they may be appended, replaced, moved or
     * removed in between); every position changed after the training began is marked in {@link #changed} and
     * assigned again, first in catch-up passes under the read lock, the last few under the write lock. The caller
     * holds {@link #training}.
     */
    private void trainAndInstall() {
        int snapshot;
        lock.readLock().lock();
        try {
            if (size < partitionFrom) {
                return;
            }
            snapshot = size;
            changed = new BitSet();
        } finally {
            lock.readLock().unlock();
        }
        try {
            InvertedLists fresh = InvertedLists.train(dimensions, snapshot, this::storedRow, PARTITION_SEED);
            int[] assigned = assign(fresh, IntStream.range(0, snapshot).toArray(), new int[snapshot]);
            trainingStage.accept("trained");
            for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
                BitSet since;
                lock.readLock().lock();
                try {
                    since = changed;
                    changed = new BitSet();
                } finally {
                    lock.readLock().unlock();
                }
                int[] positions = since.stream().toArray();
                if (positions.length > 0) {
                    assigned = assign(fresh, positions, assigned);
                }
                if (positions.length < ASSIGN_BATCH / 4) {
                    break;
                }
            }
            for (int p = 0; p < assigned.length; p++) {
                if (assigned[p] >= 0) {
                    fresh.add(p, assigned[p]);
                }
            }
            trainingStage.accept("installing");
            install(fresh);
        } finally {
            lock.writeLock().lock();
            try {
                changed = null;
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /**
     * The nearest list of the new partition for each of these positions, written into {@code assigned} (grown to hold
     * them; -1 where no case was stored when read). Copies the rows under the read lock a batch at a time and
     * compares them with the centroids without it.
     */
    private int[] assign(InvertedLists fresh, int[] positions, int[] assigned) {
        int end = positions.length == 0 ? 0 : positions[positions.length - 1] + 1;
        int[] out = end > assigned.length ? Arrays.copyOf(assigned, Math.max(end, assigned.length + assigned.length / 2)) : assigned;
        if (out != assigned) {
            Arrays.fill(out, assigned.length, out.length, -1);
        }
        byte[] rows = new byte[Math.min(ASSIGN_BATCH, positions.length) * dimensions];
        boolean[] stored = new boolean[ASSIGN_BATCH];
        for (int from = 0; from < positions.length; from += ASSIGN_BATCH) {
            int count = Math.min(ASSIGN_BATCH, positions.length - from);
            lock.readLock().lock();
            try {
                for (int i = 0; i < count; i++) {
                    int p = positions[from + i];
                    stored[i] = p < size;
                    if (stored[i]) {
                        copyRow(p, rows, i * dimensions);
                    }
                }
            } finally {
                lock.readLock().unlock();
            }
            int batch = from;
            IntStream.range(0, count).parallel().forEach(i ->
                    out[positions[batch + i]] = stored[i] ? fresh.nearestList(rows, i * dimensions) : -1);
        }
        return out;
    }

    /**
     * Makes the trained partition the one searches use: cases changed since their last assignment go to their
     * nearest list, positions no longer stored leave it. Not installed if the library shrank meanwhile below half the
     * threshold (it stays an exact scan).
     */
    private void install(InvertedLists fresh) {
        lock.writeLock().lock();
        long t0 = System.nanoTime();
        try {
            if (size < partitionFrom / 2) {
                return;
            }
            byte[] row = new byte[dimensions];
            for (int p = changed.nextSetBit(0); p >= 0 && p < size; p = changed.nextSetBit(p + 1)) {
                if (fresh.contains(p)) {
                    fresh.remove(p);
                }
                row(p, row);
                fresh.add(p, fresh.nearestList(row));
            }
            for (int p = size; p < fresh.positions(); p++) {
                if (fresh.contains(p)) {
                    fresh.remove(p);
                }
            }
            partition = fresh;
        } finally {
            lastInstallNanos = System.nanoTime() - t0;
            lock.writeLock().unlock();
        }
    }

    /** The positions in the partition's lists, list after list (empty while there is none): for tests. */
    int[] partitionMembers() {
        lock.readLock().lock();
        try {
            if (partition == null) {
                return new int[0];
            }
            IntStream.Builder out = IntStream.builder();
            for (int l = 0; l < partition.lists(); l++) {
                for (int m = 0; m < partition.count(l); m++) {
                    out.add(partition.members(l)[m]);
                }
            }
            return out.build().toArray();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether every case in the partition is in the list nearest its current vector: for tests. */
    boolean casesInTheirNearestLists() {
        lock.readLock().lock();
        try {
            byte[] row = new byte[dimensions];
            for (int l = 0; partition != null && l < partition.lists(); l++) {
                for (int m = 0; m < partition.count(l); m++) {
                    row(partition.members(l)[m], row);
                    if (partition.nearestList(row) != l) {
                        return false;
                    }
                }
            }
            return true;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Heap held by the partition (centroids and lists), 0 while there is none. */
    public long partitionHeapBytes() {
        lock.readLock().lock();
        try {
            return partition == null ? 0 : partition.heapBytes();
        } finally {
            lock.readLock().unlock();
        }
    }

    int dimensions() {
        return dimensions;
    }

    public int size() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many stored entries all searches so far looked at (an unpartitioned search looks at each once). */
    public long visits() {
        return visits.get();
    }

    /** Bytes held outside the heap by the quantised vectors (allocated in whole chunks). */
    public long offHeapBytes() {
        lock.readLock().lock();
        try {
            return (long) chunks.size() * CHUNK * dimensions;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many cases a search for the top {@code k} re-ranks exactly. */
    public static int candidates(int k) {
        return Math.max(4 * k, k + 40);
    }

    /** Adds or replaces the entry with this key. */
    public void put(Entry entry, float[] embedding) {
        if (embedding.length != dimensions) {
            throw new IllegalArgumentException("embedding has " + embedding.length + " dimensions, index " + dimensions);
        }
        byte[] quantised = new byte[dimensions];
        float scale = quantise(Embeddings.unitLength(embedding), quantised);
        boolean train;
        lock.writeLock().lock();
        try {
            long bits = bitsOf(entry.findings());
            int at = positions.get(entry.key());
            boolean added = at < 0;
            if (added) {
                if (size == keys.length) {
                    int capacity = keys.length * 2;
                    keys = Arrays.copyOf(keys, capacity);
                    owners = Arrays.copyOf(owners, capacity);
                    findingBits = Arrays.copyOf(findingBits, capacity);
                    scales = Arrays.copyOf(scales, capacity);
                }
                if (size == chunks.size() * CHUNK) {
                    chunks.add(ByteBuffer.allocateDirect(CHUNK * dimensions));
                }
                at = size++;
                positions.put(entry.key(), at);
            }
            keys[at] = entry.key();
            owners[at] = entry.ownerId() == null ? NO_OWNER : entry.ownerId();
            findingBits[at] = bits;
            scales[at] = scale;
            chunks.get(at >>> CHUNK_BITS).put((at & (CHUNK - 1)) * dimensions, quantised);
            if (partition != null) {
                if (!added) {
                    partition.remove(at); // its vector may have changed: back to its nearest list
                }
                partition.add(at, partition.nearestList(quantised));
            }
            if (changed != null) {
                changed.set(at);
            }
            train = !trainingScheduled && needsTraining();
            trainingScheduled |= train;
        } finally {
            lock.writeLock().unlock();
        }
        if (train) {
            scheduleTraining();
        }
    }

    boolean contains(long key) {
        lock.readLock().lock();
        try {
            return positions.get(key) >= 0;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Removes the entry with this key, if present (the last entry moves into its place). */
    void remove(long key) {
        lock.writeLock().lock();
        try {
            int at = positions.remove(key);
            if (at < 0) {
                return;
            }
            int last = --size;
            if (partition != null) {
                partition.remove(at);
                if (at != last) {
                    partition.move(last, at);
                }
            }
            if (at != last) {
                keys[at] = keys[last];
                owners[at] = owners[last];
                findingBits[at] = findingBits[last];
                scales[at] = scales[last];
                byte[] moved = new byte[dimensions];
                chunks.get(last >>> CHUNK_BITS).get((last & (CHUNK - 1)) * dimensions, moved);
                chunks.get(at >>> CHUNK_BITS).put((at & (CHUNK - 1)) * dimensions, moved);
                positions.put(keys[at], at);
                if (changed != null) {
                    changed.set(at);
                }
            }
            // Whole chunks no longer used go back (a cleared library frees its memory).
            int needed = (size + CHUNK - 1) / CHUNK;
            while (chunks.size() > needed + 1) {
                chunks.remove(chunks.size() - 1);
            }
            // Shrunk well below the threshold: exact again (half, so a library at the threshold does not flap).
            if (partition != null && size < partitionFrom / 2) {
                partition = null;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The {@code k} most similar entries visible to {@code requester} (reference entries and the requester's own),
     * most similar first by the exact cosine similarity, leaving out {@code excludeKey}.
     */
    public List<Hit> search(float[] query, Optional<Long> requester, int k, long excludeKey, ExactEmbeddings exact) {
        if (k <= 0 || query.length != dimensions) {
            return List.of();
        }
        float[] q = Embeddings.unitLength(query);
        List<Hit> candidates = approximate(q, requester, candidates(k), excludeKey);
        Map<Long, float[]> embeddings = exact.of(candidates.stream().map(h -> h.entry().key()).toList());
        List<Hit> out = new ArrayList<>();
        for (Hit c : candidates) {
            float[] e = embeddings.get(c.entry().key());
            if (e != null && e.length == dimensions) {
                out.add(new Hit(c.entry(), dot(Embeddings.unitLength(e), q)));
            }
        }
        out.sort(Comparator.comparingDouble(Hit::similarity).reversed());
        return out.size() > k ? List.copyOf(out.subList(0, k)) : out;
    }

    /**
     * The {@code n} best entries by the quantised score alone (no re-ranking), best first; their similarity is the
     * quantised estimate. The {@code similarity-index} command compares it with the exact search.
     */
    public List<Hit> approximate(float[] query, Optional<Long> requester, int n, long excludeKey) {
        if (n <= 0 || query.length != dimensions) {
            return List.of();
        }
        float[] unit = Embeddings.unitLength(query);
        byte[] q = new byte[dimensions];
        float qScale = quantise(unit, q);
        long owner = requester.orElse(NO_OWNER);
        List<Hit> out = new ArrayList<>();
        lock.readLock().lock();
        try {
            Best best;
            if (partition != null) {
                best = scanLists(unit, q, owner, n, excludeKey);
            } else if (size < PARALLEL_FROM) {
                best = scan(q, owner, n, excludeKey, 0, size);
            } else {
                // Large libraries: both halves at once (the scan is bound by memory bandwidth and one core).
                int half = size / 2;
                int end = size;
                Future<Best> upper = SCANNERS.submit(() -> scan(q, owner, n, excludeKey, half, end));
                best = scan(q, owner, n, excludeKey, 0, half);
                best.addAll(upper.get());
            }
            for (int i = 0; i < best.size; i++) {
                int at = best.positions[i];
                out.add(new Hit(new Entry(keys[at], owners[at] == NO_OWNER ? null : owners[at], findingsOf(findingBits[at])),
                        best.scores[i] * qScale));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            lock.readLock().unlock();
        }
        out.sort(Comparator.comparingDouble(Hit::similarity).reversed());
        return out;
    }

    /**
     * The best n by quantised score among the lists nearest the query: at least {@link #nprobe} lists, and more until
     * n visible candidates are found (owner filtering may leave too few) or every list is scanned. Runs under the
     * read lock held by the caller.
     */
    private Best scanLists(float[] unit, byte[] q, long owner, int n, long excludeKey) {
        Best best = new Best(n);
        byte[] row = new byte[dimensions];
        int[] order = partition.order(unit);
        int probes = nprobe;
        long looked = 0;
        for (int l = 0; l < order.length && (l < probes || best.size < n); l++) {
            int[] members = partition.members(order[l]);
            int count = partition.count(order[l]);
            for (int m = 0; m < count; m++) {
                offer(members[m], q, owner, excludeKey, row, best);
            }
            looked += count;
        }
        visits.addAndGet(looked);
        return best;
    }

    /** The int8 codes of the case at {@code position} (copied into {@code out}) and its scale; under a lock. */
    private float row(int position, byte[] out) {
        copyRow(position, out, 0);
        return scales[position];
    }

    private void copyRow(int position, byte[] out, int offset) {
        chunks.get(position >>> CHUNK_BITS).get((position & (CHUNK - 1)) * dimensions, out, offset, dimensions);
    }

    /** {@link #row} under the read lock for a training's sample; zeros if no case is stored there any more. */
    private float storedRow(int position, byte[] out) {
        lock.readLock().lock();
        try {
            if (position < size) {
                return row(position, out);
            }
            Arrays.fill(out, (byte) 0);
            return 0;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The best n of entries [from, to) by quantised score. Runs under the read lock held by the caller. */
    private Best scan(byte[] q, long owner, int n, long excludeKey, int from, int to) {
        Best best = new Best(n);
        byte[] row = new byte[dimensions];
        for (int i = from; i < to; i++) {
            offer(i, q, owner, excludeKey, row, best);
        }
        visits.addAndGet(to - from);
        return best;
    }

    /** Scores the case at position i into {@code best} unless the requester may not see it or it is excluded. */
    private void offer(int i, byte[] q, long owner, long excludeKey, byte[] row, Best best) {
        long o = owners[i];
        if ((o != NO_OWNER && o != owner) || keys[i] == excludeKey) {
            return;
        }
        // Copied out per case: a bulk get and a loop over a byte[] beat one bounds-checked get per byte (~25 %).
        chunks.get(i >>> CHUNK_BITS).get((i & (CHUNK - 1)) * dimensions, row, 0, dimensions);
        int s = 0;
        for (int j = 0; j < dimensions; j++) {
            s += row[j] * q[j];
        }
        best.offer(s * scales[i], i);
    }

    /** Writes the int8 codes of a unit vector into {@code out}; returns the scale that turns them back. */
    private static float quantise(float[] unit, byte[] out) {
        float max = 0;
        for (float x : unit) {
            max = Math.max(max, Math.abs(x));
        }
        if (max == 0) {
            return 0;
        }
        float scale = max / 127f;
        for (int i = 0; i < unit.length; i++) {
            out[i] = (byte) Math.round(unit[i] / scale);
        }
        return scale;
    }

    private long bitsOf(Set<String> findings) {
        long bits = 0;
        for (String code : findings) {
            Integer bit = codeBits.get(code);
            if (bit == null) {
                if (codes.size() == Long.SIZE) {
                    throw new IllegalStateException("More than 64 finding codes in one similarity index");
                }
                bit = codes.size();
                codes.add(code);
                codeBits.put(code, bit);
            }
            bits |= 1L << bit;
        }
        return bits;
    }

    private Set<String> findingsOf(long bits) {
        Set<String> out = new TreeSet<>();
        for (int b = 0; b < codes.size(); b++) {
            if ((bits & (1L << b)) != 0) {
                out.add(codes.get(b));
            }
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** The n highest scores seen and their positions: a min-heap of primitives (no object per scanned case). */
    private static final class Best {
        final float[] scores;
        final int[] positions;
        int size;

        Best(int n) {
            scores = new float[n];
            positions = new int[n];
        }

        void offer(float score, int position) {
            if (size < scores.length) {
                int i = size++;
                scores[i] = score;
                positions[i] = position;
                up(i);
            } else if (score > scores[0]) {
                scores[0] = score;
                positions[0] = position;
                down(0);
            }
        }

        void addAll(Best other) {
            for (int i = 0; i < other.size; i++) {
                offer(other.scores[i], other.positions[i]);
            }
        }

        private void up(int i) {
            while (i > 0) {
                int parent = (i - 1) / 2;
                if (scores[parent] <= scores[i]) {
                    return;
                }
                swap(i, parent);
                i = parent;
            }
        }

        private void down(int i) {
            while (true) {
                int l = 2 * i + 1;
                int smallest = i;
                if (l < size && scores[l] < scores[smallest]) {
                    smallest = l;
                }
                if (l + 1 < size && scores[l + 1] < scores[smallest]) {
                    smallest = l + 1;
                }
                if (smallest == i) {
                    return;
                }
                swap(i, smallest);
                i = smallest;
            }
        }

        private void swap(int a, int b) {
            float s = scores[a];
            scores[a] = scores[b];
            scores[b] = s;
            int p = positions[a];
            positions[a] = positions[b];
            positions[b] = p;
        }
    }

    /**
     * Key to position, open addressing with linear probing (12 bytes a slot, at most half full): a HashMap of boxed
     * keys would take about 64 bytes per case, 64 MB of heap for a million.
     */
    static final class LongIntMap {
        private static final long FREE = Long.MIN_VALUE;
        private long[] slotKeys = newKeys(1024);
        private int[] slotValues = new int[1024];
        private int count;

        private static long[] newKeys(int n) {
            long[] k = new long[n];
            Arrays.fill(k, FREE);
            return k;
        }

        private int slot(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 32) & (slotKeys.length - 1);
        }

        /** The value, or -1. */
        int get(long key) {
            for (int i = slot(key); ; i = (i + 1) & (slotKeys.length - 1)) {
                if (slotKeys[i] == FREE) {
                    return -1;
                }
                if (slotKeys[i] == key) {
                    return slotValues[i];
                }
            }
        }

        void put(long key, int value) {
            if (key == FREE) {
                throw new IllegalArgumentException("reserved key");
            }
            if (2 * (count + 1) > slotKeys.length) {
                grow();
            }
            int i = slot(key);
            while (slotKeys[i] != FREE && slotKeys[i] != key) {
                i = (i + 1) & (slotKeys.length - 1);
            }
            if (slotKeys[i] == FREE) {
                count++;
            }
            slotKeys[i] = key;
            slotValues[i] = value;
        }

        /** Removes the key; returns its value, or -1. Later keys of the probe run move back (no tombstones). */
        int remove(long key) {
            int mask = slotKeys.length - 1;
            int i = slot(key);
            while (slotKeys[i] != key) {
                if (slotKeys[i] == FREE) {
                    return -1;
                }
                i = (i + 1) & mask;
            }
            int value = slotValues[i];
            count--;
            int gap = i;
            for (int j = (i + 1) & mask; slotKeys[j] != FREE; j = (j + 1) & mask) {
                int home = slot(slotKeys[j]);
                // Move j into the gap unless its home lies cyclically in (gap, j].
                boolean stays = gap <= j ? (home > gap && home <= j) : (home > gap || home <= j);
                if (!stays) {
                    slotKeys[gap] = slotKeys[j];
                    slotValues[gap] = slotValues[j];
                    gap = j;
                }
            }
            slotKeys[gap] = FREE;
            return value;
        }

        private void grow() {
            long[] oldKeys = slotKeys;
            int[] oldValues = slotValues;
            slotKeys = newKeys(oldKeys.length * 2);
            slotValues = new int[oldKeys.length * 2];
            count = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != FREE) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }
    }
}
