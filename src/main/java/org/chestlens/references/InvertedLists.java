package org.chestlens.references;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The inverted-file partition of a {@link SimilarityIndex}: about sqrt(N) lists, each with a unit centroid from
 * spherical k-means, and every stored case in the list of its nearest centroid, so a search scans only the lists
 * nearest the query. Centroids are trained in two levels (about sqrt(lists) coarse groups, then the fine lists inside
 * each group) on a sample of at most 64 cases per list, and a case is assigned by its nearest coarse group then its
 * nearest fine centroid there: ~2 sqrt(lists) dot products per case instead of one per list, which is what makes
 * assigning a million cases take seconds rather than minutes. Deterministic (fixed seed).
 *
 * <p>Not thread-safe. The index trains a new partition and fills its lists while no lock is held and nothing else
 * can see it yet; once installed, the index's lock guards it (changes under the write lock, searches under the read
 * lock).
 */
final class InvertedLists {

    /** The stored int8 rows of the index, read by position. */
    interface Rows {
        /** Copies the int8 codes of the case at {@code position} into {@code out}; returns its scale. */
        float read(int position, byte[] out);
    }

    private static final int ITERATIONS = 6;
    private static final int SAMPLE_PER_LIST = 64;
    private static final int MAX_SAMPLE = 65_536;

    private final int dims;
    private final float[] coarse;
    private final int coarseCount;
    /** Fine lists of coarse group c are [fineStart[c], fineStart[c + 1]). */
    private final int[] fineStart;
    private final float[] centroids;
    /** int8 copies of the coarse and fine centroids: assigning a case is then an integer dot product (~4x faster). */
    private final Codes coarseCodes;
    private final Codes centroidCodes;
    private final int lists;
    private final int[][] members;
    private final int[] counts;
    /** Per stored position: its list (-1: not in the partition) and its place in that list (for removal in constant time). */
    private int[] listOf;
    private int[] slotOf;
    private final int trainedSize;

    private InvertedLists(int dims, float[] coarse, int[] fineStart, float[] centroids, int trainedSize) {
        this.dims = dims;
        this.coarse = coarse;
        this.coarseCount = coarse.length / dims;
        this.fineStart = fineStart;
        this.centroids = centroids;
        this.lists = centroids.length / dims;
        this.trainedSize = trainedSize;
        this.coarseCodes = Codes.of(coarse, dims);
        this.centroidCodes = Codes.of(centroids, dims);
        members = new int[lists][];
        counts = new int[lists];
        for (int l = 0; l < lists; l++) {
            members[l] = new int[Math.max(8, 2 * trainedSize / lists)];
        }
        listOf = new int[Math.max(1, trainedSize)];
        Arrays.fill(listOf, -1);
        slotOf = new int[listOf.length];
    }

    /**
     * Trains the centroids on a sample of the {@code size} stored cases; the lists start empty (the index assigns the
     * cases with {@link #nearestList} and {@link #add}).
     */
    static InvertedLists train(int dims, int size, Rows rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int lists = Math.max(1, (int) Math.round(Math.sqrt(size)));
        int coarseCount = Math.max(1, (int) Math.round(Math.sqrt(lists)));
        // A uniform sample without repeats (partial Fisher-Yates), copied as int8 rows.
        int sampleSize = Math.min(size, Math.min(MAX_SAMPLE, SAMPLE_PER_LIST * lists));
        int[] order = IntStream.range(0, size).toArray();
        for (int i = 0; i < sampleSize; i++) {
            int j = i + random.nextInt(size - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        byte[] sample = new byte[sampleSize * dims];
        float[] scales = new float[sampleSize];
        byte[] row = new byte[dims];
        for (int i = 0; i < sampleSize; i++) {
            scales[i] = rows.read(order[i], row);
            System.arraycopy(row, 0, sample, i * dims, dims);
        }
        int[] all = IntStream.range(0, sampleSize).toArray();
        float[] coarse = kMeans(dims, sample, scales, all, coarseCount, random);
        int[] coarseOf = nearestOfEach(dims, sample, scales, all, coarse, 0, coarseCount);
        int[] fineStart = new int[coarseCount + 1];
        float[][] fine = new float[coarseCount][];
        for (int c = 0; c < coarseCount; c++) {
            final int group = c;
            int[] in = IntStream.range(0, sampleSize).filter(i -> coarseOf[i] == group).toArray();
            int k = Math.max(1, Math.min(in.length, (int) Math.round((double) lists * in.length / sampleSize)));
            // A coarse group left without sample rows keeps one list, at its own centroid.
            fine[c] = in.length == 0 ? Arrays.copyOfRange(coarse, c * dims, (c + 1) * dims)
                    : kMeans(dims, sample, scales, in, k, random);
            fineStart[c + 1] = fineStart[c] + fine[c].length / dims;
        }
        float[] centroids = new float[fineStart[coarseCount] * dims];
        for (int c = 0; c < coarseCount; c++) {
            System.arraycopy(fine[c], 0, centroids, fineStart[c] * dims, fine[c].length);
        }
        return new InvertedLists(dims, coarse, fineStart, centroids, size);
    }

    int lists() {
        return lists;
    }

    /** How many cases the partition was trained on: the index re-trains when it has doubled since. */
    int trainedSize() {
        return trainedSize;
    }

    /** Heap held: centroids, lists and the per-position arrays. */
    long heapBytes() {
        long bytes = 4L * (centroids.length + coarse.length + listOf.length + slotOf.length + counts.length)
                + coarseCodes.codes().length + centroidCodes.codes().length;
        for (int[] m : members) {
            bytes += 16 + 4L * m.length;
        }
        return bytes;
    }

    /** The list of the nearest centroid to these int8 codes (coarse group first, then within it). */
    int nearestList(byte[] codes) {
        return nearestList(codes, 0);
    }

    /** The same for the int8 codes at {@code codes[offset...]}. */
    int nearestList(byte[] codes, int offset) {
        int c = coarseCodes.argMax(codes, offset, dims, 0, coarseCount);
        return centroidCodes.argMax(codes, offset, dims, fineStart[c], fineStart[c + 1]);
    }

    /** Every list, nearest centroid to the unit query first. */
    int[] order(float[] unitQuery) {
        long[] packed = new long[lists];
        for (int l = 0; l < lists; l++) {
            float s = 0;
            int off = l * dims;
            for (int j = 0; j < dims; j++) {
                s += unitQuery[j] * centroids[off + j];
            }
            // Higher score first: sort ascending on the negated, order-preserving int bits of the score.
            int bits = Float.floatToIntBits(s);
            bits ^= (bits >> 31) & 0x7FFFFFFF;
            packed[l] = ((long) -bits << 32) | l;
        }
        Arrays.sort(packed);
        int[] out = new int[lists];
        for (int l = 0; l < lists; l++) {
            out[l] = (int) packed[l];
        }
        return out;
    }

    int count(int list) {
        return counts[list];
    }

    int[] members(int list) {
        return members[list];
    }

    /** Whether the case at {@code position} is in a list. */
    boolean contains(int position) {
        return position < listOf.length && listOf[position] >= 0;
    }

    /** Positions below this may be in a list. */
    int positions() {
        return listOf.length;
    }

    void add(int position, int list) {
        if (position >= listOf.length) {
            int old = listOf.length;
            int capacity = Math.max(position + 1, old * 2);
            listOf = Arrays.copyOf(listOf, capacity);
            Arrays.fill(listOf, old, capacity, -1);
            slotOf = Arrays.copyOf(slotOf, capacity);
        }
        if (counts[list] == members[list].length) {
            members[list] = Arrays.copyOf(members[list], members[list].length * 2);
        }
        listOf[position] = list;
        slotOf[position] = counts[list];
        members[list][counts[list]++] = position;
    }

    void remove(int position) {
        int list = listOf[position];
        int slot = slotOf[position];
        int last = members[list][--counts[list]];
        members[list][slot] = last;
        slotOf[last] = slot;
        listOf[position] = -1;
    }

    /** The case at {@code from} now lives at {@code to} (the index moved its last case into a freed place). */
    void move(int from, int to) {
        int list = listOf[from];
        int slot = slotOf[from];
        members[list][slot] = to;
        listOf[from] = -1;
        listOf[to] = list;
        slotOf[to] = slot;
    }

    /** Spherical k-means (Lloyd, unit centroids, dot product) on the sample rows {@code in}; k unit centroids. */
    private static float[] kMeans(int dims, byte[] sample, float[] scales, int[] in, int k, SplittableRandom random) {
        float[] centres = new float[k * dims];
        // Start from k distinct sample rows.
        int[] pick = in.clone();
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(pick.length - i);
            int t = pick[i];
            pick[i] = pick[j];
            pick[j] = t;
            setRow(dims, sample, pick[i], centres, i);
        }
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            int[] nearest = nearestOfEach(dims, sample, scales, in, centres, 0, k);
            double[] sums = new double[k * dims];
            int[] sizes = new int[k];
            for (int i = 0; i < in.length; i++) {
                int c = nearest[i];
                sizes[c]++;
                int off = in[i] * dims;
                float s = scales[in[i]];
                for (int j = 0; j < dims; j++) {
                    sums[c * dims + j] += sample[off + j] * s;
                }
            }
            for (int c = 0; c < k; c++) {
                if (sizes[c] == 0) {
                    // An empty list restarts at a random sample row.
                    setRow(dims, sample, in[random.nextInt(in.length)], centres, c);
                    continue;
                }
                double norm = 0;
                for (int j = 0; j < dims; j++) {
                    norm += sums[c * dims + j] * sums[c * dims + j];
                }
                double inv = norm == 0 ? 0 : 1 / Math.sqrt(norm);
                for (int j = 0; j < dims; j++) {
                    centres[c * dims + j] = (float) (sums[c * dims + j] * inv);
                }
            }
        }
        return centres;
    }

    private static int[] nearestOfEach(int dims, byte[] sample, float[] scales, int[] in, float[] centres, int from, int to) {
        Codes codes = Codes.of(centres, dims);
        return IntStream.range(0, in.length).parallel().map(i -> codes.argMax(sample, in[i] * dims, dims, from, to)).toArray();
    }

    /** Unit centroids as int8 codes and a scale each (as the index stores cases). */
    private record Codes(byte[] codes, float[] scales) {

        static Codes of(float[] centres, int dims) {
            int count = centres.length / dims;
            byte[] codes = new byte[centres.length];
            float[] scales = new float[count];
            for (int c = 0; c < count; c++) {
                float max = 0;
                for (int j = 0; j < dims; j++) {
                    max = Math.max(max, Math.abs(centres[c * dims + j]));
                }
                float scale = max == 0 ? 1 : max / 127f;
                scales[c] = max == 0 ? 0 : scale;
                for (int j = 0; j < dims; j++) {
                    codes[c * dims + j] = (byte) Math.round(centres[c * dims + j] / scale);
                }
            }
            return new Codes(codes, scales);
        }

        /** The centroid in [from, to) with the highest dot product with the int8 row at {@code row[offset...]}. */
        int argMax(byte[] row, int offset, int dims, int from, int to) {
            int best = from;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int c = from; c < to; c++) {
                int s = 0;
                int co = c * dims;
                for (int j = 0; j < dims; j++) {
                    s += row[offset + j] * codes[co + j];
                }
                float score = s * scales[c];
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            return best;
        }
    }

    private static void setRow(int dims, byte[] sample, int row, float[] centres, int c) {
        double norm = 0;
        for (int j = 0; j < dims; j++) {
            norm += (double) sample[row * dims + j] * sample[row * dims + j];
        }
        double inv = norm == 0 ? 0 : 1 / Math.sqrt(norm);
        for (int j = 0; j < dims; j++) {
            centres[c * dims + j] = (float) (sample[row * dims + j] * inv);
        }
    }
}
