package org.chestlens.imaging;

import java.util.Arrays;

/**
 * Where the body is on a chest X-ray, computed from the image alone, so that heatmaps can leave the film's
 * surroundings (air beside the shoulders, black letterbox bands, labels) uncoloured.
 *
 * <p>Method (on the image shrunk to at most {@value #WORK_SIDE} px): Gaussian blur (sigma 1.5 px at 128 px);
 * Otsu's threshold splits dark (air, lungs) from bright (soft tissue, bone); the air threshold is halfway between
 * the 1st percentile and the mean of the dark class, because the air outside the body is darker than the lungs.
 * Background is every pixel darker than that, connected to the image border (4-neighbours): the lungs are dark
 * too, but enclosed by the chest wall, so they stay inside; and when what reached the border is not at least 15 grey
 * levels darker than the dark pixels left inside (a tight crop whose lungs touch the border), nothing is removed.
 * The body is the largest connected region of the rest (isolated labels and markers drop out), grown by 2 px at
 * 128 px so its own edge is never cut. When less than
 * {@value #MIN_COVERAGE} of the image remains (an inverted or unusual image), the mask is not trusted and covers
 * everything ({@link #found()} false).
 */
public final class BodyMask {

    /** The mask is computed at this longest side (fast, and the class activation maps are coarser still). */
    static final int WORK_SIDE = 128;
    static final double MIN_COVERAGE = 0.2;
    private static final double SIGMA_AT_128 = 1.5;
    private static final int GROW_AT_128 = 2;
    static final int AIR_GAP = 15;

    private final int width;
    private final int height;
    private final boolean[] inside;
    private final boolean found;

    private BodyMask(int width, int height, boolean[] inside, boolean found) {
        this.width = width;
        this.height = height;
        this.inside = inside;
        this.found = found;
    }

    /** The body mask of an X-ray (any size; computed on a copy shrunk to 128 px). */
    public static BodyMask of(GreyImage image) {
        GreyImage small = Resampler.shrink(image, WORK_SIDE);
        int w = small.width();
        int h = small.height();
        double scale = Math.max(w, h) / (double) WORK_SIDE;
        float[] blurred = Overlays.gaussianBlur(small.toFloats(), w, h, Math.max(0.5, SIGMA_AT_128 * scale));

        int[] histogram = new int[256];
        for (float v : blurred) {
            histogram[Math.max(0, Math.min(255, Math.round(v)))]++;
        }
        int otsu = otsu(histogram, blurred.length);
        double darkSum = 0;
        int darkCount = 0;
        for (int v = 0; v <= otsu; v++) {
            darkSum += (double) v * histogram[v];
            darkCount += histogram[v];
        }
        double darkMean = darkCount == 0 ? otsu : darkSum / darkCount;
        double airBelow = (percentile(histogram, blurred.length, 0.01) + darkMean) / 2;

        boolean[] background = borderConnected(blurred, w, h, airBelow);
        // Compared with the dark pixels a few pixels away from it, so the blurred edge between them does not count.
        boolean[] nearBackground = grow(background, w, h, (int) Math.ceil(3 * SIGMA_AT_128 * scale));
        if (!clearlyDarker(blurred, background, nearBackground, otsu)) {
            // What reached the border is no darker than the lungs: lung, not air (a tight crop). Better colour a
            // border than cut a lung.
            background = new boolean[w * h];
        }
        boolean[] body = new boolean[w * h];
        for (int i = 0; i < body.length; i++) {
            body[i] = !background[i];
        }
        body = largestComponent(body, w, h);
        body = grow(body, w, h, Math.max(1, (int) Math.round(GROW_AT_128 * scale)));
        int count = 0;
        for (boolean b : body) {
            count += b ? 1 : 0;
        }
        if (count < MIN_COVERAGE * body.length) {
            boolean[] all = new boolean[w * h];
            Arrays.fill(all, true);
            return new BodyMask(w, h, all, false);
        }
        return new BodyMask(w, h, body, true);
    }

    /** A mask that covers the whole image (nothing is suppressed). */
    public static BodyMask everything(int width, int height) {
        boolean[] all = new boolean[width * height];
        Arrays.fill(all, true);
        return new BodyMask(width, height, all, false);
    }

    /** Whether a body was found; false: the mask covers the whole image. */
    public boolean found() {
        return found;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Whether the pixel of the work grid is inside the body. */
    public boolean inside(int x, int y) {
        return inside[y * width + x];
    }

    /** The share of the image inside the body. */
    public double coverage() {
        int n = 0;
        for (boolean b : inside) {
            n += b ? 1 : 0;
        }
        return n / (double) inside.length;
    }

    /** The mask at another size as values in [0, 1] (bilinear, so its edge is soft rather than a staircase). */
    public float[] resampled(int outWidth, int outHeight) {
        float[] values = new float[inside.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = inside[i] ? 1f : 0f;
        }
        return Resampler.bilinear(values, width, height, outWidth, outHeight);
    }

    /** Otsu's threshold: the grey level that maximises the between-class variance (dark = values <= it). */
    static int otsu(int[] histogram, int total) {
        double sumAll = 0;
        for (int v = 0; v < 256; v++) {
            sumAll += (double) v * histogram[v];
        }
        double sumDark = 0;
        int dark = 0;
        double best = -1;
        int threshold = 0;
        for (int t = 0; t < 256; t++) {
            dark += histogram[t];
            if (dark == 0) {
                continue;
            }
            int bright = total - dark;
            if (bright == 0) {
                break;
            }
            sumDark += (double) t * histogram[t];
            double meanDark = sumDark / dark;
            double meanBright = (sumAll - sumDark) / bright;
            double between = (double) dark * bright * (meanDark - meanBright) * (meanDark - meanBright);
            if (between > best) {
                best = between;
                threshold = t;
            }
        }
        return threshold;
    }

    /**
     * Whether the background is at least {@value #AIR_GAP} grey levels darker, on average, than the dark pixels
     * (below Otsu's threshold) left inside the body away from it, i.e. air rather than lung. On the 1,959 val X-rays the gap was
     * never below 19 (1st percentile 19-48 per source, median 51-67).
     */
    static boolean clearlyDarker(float[] values, boolean[] background, boolean[] nearBackground, int otsu) {
        double bgSum = 0;
        long bg = 0;
        double[] far = {0, 0};
        double[] all = {0, 0};
        for (int i = 0; i < values.length; i++) {
            if (background[i]) {
                bgSum += values[i];
                bg++;
            } else if (values[i] <= otsu) {
                all[0] += values[i];
                all[1]++;
                if (!nearBackground[i]) {
                    far[0] += values[i];
                    far[1]++;
                }
            }
        }
        if (bg == 0) {
            return false;
        }
        // Too few dark pixels far from the background (it took most of them): compare with all that are left.
        double[] inside = far[1] >= 0.01 * values.length ? far : all;
        return inside[1] == 0 || inside[0] / inside[1] - bgSum / bg >= AIR_GAP;
    }

    private static int percentile(int[] histogram, int total, double q) {
        long wanted = (long) Math.ceil(q * total);
        long seen = 0;
        for (int v = 0; v < 256; v++) {
            seen += histogram[v];
            if (seen >= wanted && seen > 0) {
                return v;
            }
        }
        return 255;
    }

    /** Pixels below {@code limit} reachable from the border through pixels below it (4-neighbours). */
    private static boolean[] borderConnected(float[] values, int w, int h, double limit) {
        boolean[] reached = new boolean[w * h];
        int[] stack = new int[w * h];
        int top = 0;
        for (int x = 0; x < w; x++) {
            top = seed(values, reached, stack, top, x, limit);
            top = seed(values, reached, stack, top, (h - 1) * w + x, limit);
        }
        for (int y = 0; y < h; y++) {
            top = seed(values, reached, stack, top, y * w, limit);
            top = seed(values, reached, stack, top, y * w + w - 1, limit);
        }
        while (top > 0) {
            int i = stack[--top];
            int x = i % w;
            int y = i / w;
            if (x > 0) {
                top = seed(values, reached, stack, top, i - 1, limit);
            }
            if (x < w - 1) {
                top = seed(values, reached, stack, top, i + 1, limit);
            }
            if (y > 0) {
                top = seed(values, reached, stack, top, i - w, limit);
            }
            if (y < h - 1) {
                top = seed(values, reached, stack, top, i + w, limit);
            }
        }
        return reached;
    }

    private static int seed(float[] values, boolean[] reached, int[] stack, int top, int i, double limit) {
        if (!reached[i] && values[i] < limit) {
            reached[i] = true;
            stack[top++] = i;
        }
        return top;
    }

    /** The largest 4-connected region of {@code set}. */
    static boolean[] largestComponent(boolean[] set, int w, int h) {
        int[] label = new int[w * h];
        int[] stack = new int[w * h];
        int bestLabel = 0;
        int bestSize = 0;
        int next = 0;
        for (int start = 0; start < set.length; start++) {
            if (!set[start] || label[start] != 0) {
                continue;
            }
            next++;
            int size = 0;
            int top = 0;
            label[start] = next;
            stack[top++] = start;
            while (top > 0) {
                int i = stack[--top];
                size++;
                int x = i % w;
                int y = i / w;
                int[] neighbours = {x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1};
                for (int n : neighbours) {
                    if (n >= 0 && set[n] && label[n] == 0) {
                        label[n] = next;
                        stack[top++] = n;
                    }
                }
            }
            if (size > bestSize) {
                bestSize = size;
                bestLabel = next;
            }
        }
        boolean[] out = new boolean[set.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = bestLabel != 0 && label[i] == bestLabel;
        }
        return out;
    }

    /** Grows the region by {@code steps} pixels (4-neighbour dilation, repeated). */
    private static boolean[] grow(boolean[] set, int w, int h, int steps) {
        boolean[] current = set;
        for (int s = 0; s < steps; s++) {
            boolean[] next = current.clone();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    if (current[i]) {
                        continue;
                    }
                    next[i] = (x > 0 && current[i - 1]) || (x < w - 1 && current[i + 1])
                            || (y > 0 && current[i - w]) || (y < h - 1 && current[i + w]);
                }
            }
            current = next;
        }
        return current;
    }
}
