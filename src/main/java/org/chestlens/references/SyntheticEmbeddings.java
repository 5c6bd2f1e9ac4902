package org.chestlens.references;

import java.util.SplittableRandom;

/**
 * Made-up embeddings shaped like the models' (pooled, non-negative features: every case shares a common part, so
 * all lie in a narrow cone, and cases fall into groups that look alike), for measuring the similarity index at sizes
 * no test library reaches. Case {@code i} is the same vector every time, so a million of them need not be kept to
 * be compared again. Used by the {@code similarity-index} command and the index's tests; never by the application.
 */
public final class SyntheticEmbeddings {

    private final long seed;
    private final int dimensions;
    private final float[] common;
    private final float[][] groups;
    private final double groupWeight;

    public SyntheticEmbeddings(long seed, int dimensions, int groupCount) {
        this(seed, dimensions, groupCount, 0.6);
    }

    /**
     * @param groupWeight how strongly a case follows its group (0.6 by default; 0: no groups, every case the common
     *        part plus its own noise, spread evenly over the cone, the hardest case for a partitioned index)
     */
    public SyntheticEmbeddings(long seed, int dimensions, int groupCount, double groupWeight) {
        this.seed = seed;
        this.groupWeight = groupWeight;
        this.dimensions = dimensions;
        SplittableRandom random = new SplittableRandom(seed);
        common = new float[dimensions];
        for (int d = 0; d < dimensions; d++) {
            common[d] = (float) Math.abs(gaussian(random));
        }
        groups = new float[groupCount][dimensions];
        for (float[] g : groups) {
            for (int d = 0; d < dimensions; d++) {
                g[d] = (float) gaussian(random);
            }
        }
    }

    /** Case {@code i} (any long; negative numbers make queries that are not stored). */
    public float[] vector(long i) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
        float[] group = groups[random.nextInt(groups.length)];
        float[] v = new float[dimensions];
        for (int d = 0; d < dimensions; d++) {
            v[d] = (float) Math.max(0, common[d] + groupWeight * group[d] + 0.5 * gaussian(random));
        }
        return v;
    }

    public int dimensions() {
        return dimensions;
    }

    /** Box-Muller: SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
