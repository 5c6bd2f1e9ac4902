package org.chestlens.imaging;

/**
 * Resampling of float images (row-major, one value per pixel).
 * <ul>
 *   <li>{@link #resize}: exactly PIL's {@code Image.resize(size, BILINEAR)} on mode "F" images, the resize the
 *       models were trained with: separable (horizontal pass, then vertical), triangle filter whose support
 *       grows with the downscale factor (antialiasing), weights normalised per output pixel, double
 *       accumulation, float32 intermediate and result.</li>
 *   <li>{@link #bilinear}: plain bilinear interpolation with half-pixel centres and clamped edges (PyTorch's
 *       {@code interpolate(mode="bilinear", align_corners=False)}), for upsampling small maps (CAM, anomaly).</li>
 * </ul>
 */
public final class Resampler {

    private Resampler() {
    }

    /** Coefficients for one axis: per output index, the first input index, the count, and the weights. */
    private record Coefficients(int[] start, int[] count, double[] weights, int kernelSize) {
    }

    /**
     * {@link #resize(float[], int, int, int, int)} of the grey image's values, without first copying all of them
     * to floats (the horizontal pass reads the bytes; same result to the bit).
     */
    public static float[] resize(GreyImage image, int outWidth, int outHeight) {
        int width = image.width();
        int height = image.height();
        if (outWidth == width) {
            return resize(image.toFloats(), width, height, outWidth, outHeight);
        }
        byte[] in = image.pixels();
        Coefficients c = coefficients(width, outWidth);
        float[] out = new float[outWidth * height];
        for (int y = 0; y < height; y++) {
            int row = y * width;
            int outRow = y * outWidth;
            for (int x = 0; x < outWidth; x++) {
                int start = c.start[x];
                int count = c.count[x];
                int k = x * c.kernelSize;
                double ss = 0.0;
                for (int i = 0; i < count; i++) {
                    ss += (in[row + start + i] & 0xff) * c.weights[k + i];
                }
                out[outRow + x] = (float) ss;
            }
        }
        return outHeight == height ? out : resize(out, outWidth, height, outWidth, outHeight);
    }

    public static float[] resize(float[] in, int width, int height, int outWidth, int outHeight) {
        if (in.length != width * height) {
            throw new IllegalArgumentException("size");
        }
        float[] current = in;
        int currentWidth = width;
        if (outWidth != width) {
            Coefficients c = coefficients(width, outWidth);
            float[] out = new float[outWidth * height];
            for (int y = 0; y < height; y++) {
                int row = y * width;
                int outRow = y * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    int start = c.start[x];
                    int count = c.count[x];
                    int k = x * c.kernelSize;
                    double ss = 0.0;
                    for (int i = 0; i < count; i++) {
                        ss += current[row + start + i] * c.weights[k + i];
                    }
                    out[outRow + x] = (float) ss;
                }
            }
            current = out;
            currentWidth = outWidth;
        }
        if (outHeight != height) {
            Coefficients c = coefficients(height, outHeight);
            float[] out = new float[currentWidth * outHeight];
            double[] acc = new double[currentWidth];
            for (int y = 0; y < outHeight; y++) {
                int start = c.start[y];
                int count = c.count[y];
                int k = y * c.kernelSize;
                java.util.Arrays.fill(acc, 0.0);
                // Same sum order as PIL (over input rows for each output pixel), looping rows outermost for locality.
                for (int i = 0; i < count; i++) {
                    double w = c.weights[k + i];
                    int row = (start + i) * currentWidth;
                    for (int x = 0; x < currentWidth; x++) {
                        acc[x] += current[row + x] * w;
                    }
                }
                int outRow = y * currentWidth;
                for (int x = 0; x < currentWidth; x++) {
                    out[outRow + x] = (float) acc[x];
                }
            }
            current = out;
        }
        return current == in ? in.clone() : current;
    }

    /** PIL's {@code precompute_coeffs} for the bilinear (triangle) filter, support 1. */
    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 1.0 * filterScale;
        int kernelSize = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        double[] weights = new double[outSize * kernelSize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            int k = xx * kernelSize;
            for (int x = 0; x < xmax; x++) {
                double w = triangle((x + xmin - center + 0.5) * ss);
                weights[k + x] = w;
                ww += w;
            }
            if (ww != 0.0) {
                for (int x = 0; x < xmax; x++) {
                    weights[k + x] /= ww;
                }
            }
            start[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(start, count, weights, kernelSize);
    }

    private static double triangle(double x) {
        if (x < 0.0) {
            x = -x;
        }
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    /** Bilinear interpolation, half-pixel centres, edges clamped (align_corners=False). */
    public static float[] bilinear(float[] in, int width, int height, int outWidth, int outHeight) {
        float[] out = new float[outWidth * outHeight];
        double sx = (double) width / outWidth;
        double sy = (double) height / outHeight;
        int[] x0 = new int[outWidth];
        int[] x1 = new int[outWidth];
        float[] fx = new float[outWidth];
        for (int x = 0; x < outWidth; x++) {
            double src = Math.max((x + 0.5) * sx - 0.5, 0.0);
            x0[x] = Math.min((int) src, width - 1);
            x1[x] = Math.min(x0[x] + 1, width - 1);
            fx[x] = (float) (src - x0[x]);
        }
        for (int y = 0; y < outHeight; y++) {
            double src = Math.max((y + 0.5) * sy - 0.5, 0.0);
            int y0 = Math.min((int) src, height - 1);
            int y1 = Math.min(y0 + 1, height - 1);
            float fy = (float) (src - y0);
            int r0 = y0 * width;
            int r1 = y1 * width;
            int o = y * outWidth;
            for (int x = 0; x < outWidth; x++) {
                float top = in[r0 + x0[x]] + (in[r0 + x1[x]] - in[r0 + x0[x]]) * fx[x];
                float bottom = in[r1 + x0[x]] + (in[r1 + x1[x]] - in[r1 + x0[x]]) * fx[x];
                out[o + x] = top + (bottom - top) * fy;
            }
        }
        return out;
    }

    /** A copy of the rectangle at (x, y) of size w x h. */
    public static float[] crop(float[] in, int width, int x, int y, int w, int h) {
        float[] out = new float[w * h];
        for (int row = 0; row < h; row++) {
            System.arraycopy(in, (y + row) * width + x, out, row * w, w);
        }
        return out;
    }

    /**
     * The grey image shrunk so its longest side is at most {@code maxSide} (unchanged if already smaller), for
     * display: thumbnails and the base of heatmaps. Area averaging when the factor is a whole number
     * (the common 2x, 4x cases, and cheap), PIL's antialiased bilinear otherwise.
     */
    public static GreyImage shrink(GreyImage image, int maxSide) {
        int w = image.width();
        int h = image.height();
        int longest = Math.max(w, h);
        if (longest <= maxSide) {
            return image;
        }
        if (longest % maxSide == 0 && w % (longest / maxSide) == 0 && h % (longest / maxSide) == 0) {
            return boxShrink(image, longest / maxSide);
        }
        int outW = Math.max(1, (int) Math.round((double) w * maxSide / longest));
        int outH = Math.max(1, (int) Math.round((double) h * maxSide / longest));
        // The byte-reading resize: no float copy of the whole image (4 bytes a pixel), the same result.
        float[] resized = resize(image, outW, outH);
        byte[] out = new byte[resized.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Math.max(0, Math.min(255, Math.round(resized[i])));
        }
        return new GreyImage(outW, outH, out);
    }

    private static GreyImage boxShrink(GreyImage image, int factor) {
        int w = image.width();
        int outW = w / factor;
        int outH = image.height() / factor;
        byte[] in = image.pixels();
        int[] sums = new int[outW];
        byte[] out = new byte[outW * outH];
        int area = factor * factor;
        for (int oy = 0; oy < outH; oy++) {
            java.util.Arrays.fill(sums, 0);
            for (int dy = 0; dy < factor; dy++) {
                int row = (oy * factor + dy) * w;
                for (int ox = 0, x = row; ox < outW; ox++) {
                    int s = 0;
                    for (int end = x + factor; x < end; x++) {
                        s += in[x] & 0xff;
                    }
                    sums[ox] += s;
                }
            }
            for (int x = 0; x < outW; x++) {
                out[oy * outW + x] = (byte) ((sums[x] + area / 2) / area);
            }
        }
        return new GreyImage(outW, outH, out);
    }
}
