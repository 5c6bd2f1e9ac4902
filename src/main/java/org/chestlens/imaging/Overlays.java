package org.chestlens.imaging;

/**
 * Colour maps blended over X-rays: the heatmaps and anomaly maps users look at.
 *
 * <p>An overlay is an intensity per pixel in [0, 1] on a scale the caller chose (0: nothing to show). Each intensity
 * is coloured with the Turbo colour map (perceptually ordered, readable in greyscale print) from blue (weak) to red
 * (strong), and blended with an opacity that grows with the intensity ({@link #opacity}): weak regions are faint and
 * leave the X-ray visible, intensity 0 leaves it untouched. The legend beside a viewer draws the same ramp
 * ({@link #cssGradient()}).
 */
public final class Overlays {

    /** Opacity at the strongest intensity. */
    public static final float MAX_OPACITY = 0.6f;
    /** Turbo below this is near black, which reads as shadow rather than weak evidence: colours start at blue. */
    static final float COLOUR_FROM = 0.15f;

    private static final byte[][] TURBO = turbo();

    private Overlays() {
    }

    /** Opacity of an intensity: 0 for 0, growing fast at first (square root) so that weak evidence is still seen. */
    public static float opacity(float intensity) {
        float v = Math.max(0f, Math.min(1f, intensity));
        return v <= 0f ? 0f : MAX_OPACITY * (float) Math.sqrt(v);
    }

    /** Colour (0xRRGGBB) of an intensity in [0, 1]. */
    public static int colour(float intensity) {
        byte[] c = TURBO[turboIndex(intensity)];
        return ((c[0] & 0xff) << 16) | ((c[1] & 0xff) << 8) | (c[2] & 0xff);
    }

    private static int turboIndex(float intensity) {
        float v = Math.max(0f, Math.min(1f, intensity));
        return Math.round((COLOUR_FROM + (1 - COLOUR_FROM) * v) * 255);
    }

    /** RGB pixels (interleaved) of the intensities (one per pixel of {@code base}, in [0, 1]) blended over it. */
    public static byte[] blend(GreyImage base, float[] intensity) {
        int w = base.width();
        int h = base.height();
        if (intensity.length != w * h) {
            throw new IllegalArgumentException("intensity map " + intensity.length + " for an image of " + w + "x" + h);
        }
        byte[] grey = base.pixels();
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0, o = 0; i < intensity.length; i++, o += 3) {
            int g = grey[i] & 0xff;
            float alpha = opacity(intensity[i]);
            if (alpha == 0f) {
                rgb[o] = rgb[o + 1] = rgb[o + 2] = (byte) g;
                continue;
            }
            byte[] c = TURBO[turboIndex(intensity[i])];
            float keep = 1 - alpha;
            rgb[o] = (byte) Math.round(g * keep + (c[0] & 0xff) * alpha);
            rgb[o + 1] = (byte) Math.round(g * keep + (c[1] & 0xff) * alpha);
            rgb[o + 2] = (byte) Math.round(g * keep + (c[2] & 0xff) * alpha);
        }
        return rgb;
    }

    /** The overlay as a PNG, at the size of {@code base}. */
    public static EncodedImage blendPng(GreyImage base, float[] intensity) {
        byte[] rgb = blend(base, intensity);
        return new EncodedImage(PngEncoder.encode(base.width(), base.height(), 3, rgb, PngEncoder.FAST), "image/png");
    }

    /**
     * A class activation map as intensities at {@code width x height}: bilinearly upsampled, then placed on the fixed
     * scale {@code [low, high]} (at or below {@code low}: 0; at or above {@code high}: 1), then multiplied by the body
     * mask (values in [0, 1] at the same size; null: no mask). No per-image stretch: the same map value gives the same
     * colour on every image, so a weak finding stays faint.
     */
    public static float[] heatmapIntensity(float[] cam, int camWidth, int camHeight, int width, int height,
                                           double low, double high, float[] mask) {
        if (!(high > low)) {
            throw new IllegalArgumentException("heatmap scale needs high > low: " + low + ", " + high);
        }
        float[] up = (camWidth == width && camHeight == height) ? cam.clone()
                : Resampler.bilinear(cam, camWidth, camHeight, width, height);
        float span = (float) (high - low);
        for (int i = 0; i < up.length; i++) {
            float v = Math.max(0f, Math.min(1f, (up[i] - (float) low) / span));
            up[i] = mask == null ? v : v * mask[i];
        }
        return up;
    }

    /**
     * The legend's colour ramp from intensity 0 to 1 as a CSS {@code linear-gradient} of the colours with their
     * opacities, to be drawn over a grey like an X-ray's: what the viewer shows for each intensity.
     */
    public static String cssGradient() {
        StringBuilder css = new StringBuilder("linear-gradient(90deg");
        for (int step = 0; step <= 10; step++) {
            float v = step / 10f;
            int c = colour(v);
            css.append(String.format(java.util.Locale.ROOT, ", rgba(%d, %d, %d, %.3f) %d%%",
                    (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff, opacity(v), step * 10));
        }
        return css.append(")").toString();
    }

    /** Min-max normalisation to [0, 1]; a flat map becomes all zeros (nothing to highlight). */
    public static float[] normalise(float[] map) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float[] out = new float[map.length];
        if (hi - lo > 1e-6f) {
            for (int i = 0; i < map.length; i++) {
                out[i] = (map[i] - lo) / (hi - lo);
            }
        }
        return out;
    }

    /** Separable Gaussian blur with edge clamping. */
    public static float[] gaussianBlur(float[] in, int w, int h, double sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] kernel = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            double v = Math.exp(-(i * i) / (2 * sigma * sigma));
            kernel[i + radius] = (float) v;
            sum += v;
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= (float) sum;
        }
        float[] tmp = new float[in.length];
        float[] out = new float[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int k = -radius; k <= radius; k++) {
                    int xx = Math.max(0, Math.min(w - 1, x + k));
                    s += in[y * w + xx] * kernel[k + radius];
                }
                tmp[y * w + x] = s;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int k = -radius; k <= radius; k++) {
                    int yy = Math.max(0, Math.min(h - 1, y + k));
                    s += tmp[yy * w + x] * kernel[k + radius];
                }
                out[y * w + x] = s;
            }
        }
        return out;
    }

    /** A grey PNG thumbnail whose longest side is at most {@code maxSide}. */
    public static EncodedImage thumbnail(GreyImage image, int maxSide) {
        return new EncodedImage(PngEncoder.grey(Resampler.shrink(image, maxSide), PngEncoder.FAST), "image/png");
    }

    /** Turbo (Google, 2019), from its published polynomial approximation, as 256 RGB entries. */
    private static byte[][] turbo() {
        byte[][] lut = new byte[256][3];
        for (int i = 0; i < 256; i++) {
            double x = i / 255.0;
            double r = 0.13572138 + x * (4.61539260 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
            double g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
            double b = 0.10667330 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
            lut[i][0] = (byte) Math.round(255 * Math.max(0, Math.min(1, r)));
            lut[i][1] = (byte) Math.round(255 * Math.max(0, Math.min(1, g)));
            lut[i][2] = (byte) Math.round(255 * Math.max(0, Math.min(1, b)));
        }
        return lut;
    }
}
