package org.chestlens.imaging;

/**
 * Colour maps blended over X-rays: the heatmaps and anomaly maps users look at.
 *
 * <p>The map (any small size, values already normalised to [0, 1]) is upsampled bilinearly to the X-ray,
 * coloured with the Turbo colour map (perceptually ordered, readable in greyscale print) and blended with an
 * opacity that grows with the value, so that low values leave the X-ray visible and only the hot regions are
 * coloured.
 */
public final class Overlays {

    /** Values below this stay fully transparent: the overlay marks regions, not the whole lung field. */
    static final float TRANSPARENT_BELOW = 0.25f;
    /** Opacity at the hottest value. */
    static final float MAX_OPACITY = 0.6f;

    private static final byte[][] TURBO = turbo();

    private Overlays() {
    }

    /** RGB pixels (interleaved) of the overlay blended over {@code base}. */
    public static byte[] blend(GreyImage base, float[] map, int mapWidth, int mapHeight) {
        int w = base.width();
        int h = base.height();
        float[] values = (mapWidth == w && mapHeight == h) ? map : Resampler.bilinear(map, mapWidth, mapHeight, w, h);
        byte[] grey = base.pixels();
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0, o = 0; i < values.length; i++, o += 3) {
            float v = Math.max(0f, Math.min(1f, values[i]));
            int g = grey[i] & 0xff;
            float alpha = v <= TRANSPARENT_BELOW ? 0f : MAX_OPACITY * (v - TRANSPARENT_BELOW) / (1 - TRANSPARENT_BELOW);
            if (alpha == 0f) {
                rgb[o] = rgb[o + 1] = rgb[o + 2] = (byte) g;
                continue;
            }
            int c = Math.round(v * 255);
            float keep = 1 - alpha;
            rgb[o] = (byte) Math.round(g * keep + (TURBO[c][0] & 0xff) * alpha);
            rgb[o + 1] = (byte) Math.round(g * keep + (TURBO[c][1] & 0xff) * alpha);
            rgb[o + 2] = (byte) Math.round(g * keep + (TURBO[c][2] & 0xff) * alpha);
        }
        return rgb;
    }

    /** The overlay as a PNG, at the size of {@code base}. */
    public static EncodedImage blendPng(GreyImage base, float[] map, int mapWidth, int mapHeight) {
        byte[] rgb = blend(base, map, mapWidth, mapHeight);
        return new EncodedImage(PngEncoder.encode(base.width(), base.height(), 3, rgb, PngEncoder.FAST), "image/png");
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
