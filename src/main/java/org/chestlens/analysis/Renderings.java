package org.chestlens.analysis;

import java.util.Arrays;
import org.chestlens.imaging.BodyMask;
import org.chestlens.imaging.EncodedImage;
import org.chestlens.imaging.GreyImage;
import org.chestlens.imaging.Overlays;
import org.chestlens.imaging.Resampler;
import org.chestlens.inference.ModelManifest;

/** What users look at, drawn from stored maps: heatmaps, anomaly maps, thumbnails. */
public final class Renderings {

    static final int THUMBNAIL_SIDE = 256;

    /** Smoothing of the VAE error map, in pixels of the VAE input (a few pixels: blobs, not speckle). */
    private static final double ANOMALY_SIGMA = 1.5;
    /** Errors are shown relative to the image's own 99th percentile, but never below this (no noise at full heat). */
    private static final float ANOMALY_FLOOR = 0.1f;
    /** Differences up to this share of that scale stay uncoloured: every image has some, they are not news. */
    static final float ANOMALY_UNCOLOURED_BELOW = 0.25f;

    private Renderings() {
    }

    static EncodedImage thumbnail(GreyImage grey) {
        return Overlays.thumbnail(grey, THUMBNAIL_SIDE);
    }

    /**
     * The finding's CAM (logit units) on the finding's fixed scale from the model's manifest (never stretched per
     * image), with activation outside the body suppressed, blended over the X-ray shrunk for display.
     */
    static EncodedImage heatmap(GreyImage displayBase, float[] cam, int camWidth, int camHeight, ModelManifest.HeatmapScale scale) {
        return Overlays.blendPng(displayBase, heatmapIntensity(displayBase, cam, camWidth, camHeight, scale));
    }

    /** The intensities {@link #heatmap} draws (also measured by the {@code heatmap-check} command). */
    public static float[] heatmapIntensity(GreyImage displayBase, float[] cam, int camWidth, int camHeight, ModelManifest.HeatmapScale scale) {
        int w = displayBase.width();
        int h = displayBase.height();
        float[] mask = BodyMask.of(displayBase).resampled(w, h);
        return Overlays.heatmapIntensity(cam, camWidth, camHeight, w, h, scale.low(), scale.high(), mask);
    }

    /**
     * The VAE error map (bytes: fraction of the input range x 255), smoothed, relative to this image's own 99th
     * percentile (never below {@link #ANOMALY_FLOOR}); a quarter of that and less stays uncoloured, blended over the X-ray.
     */
    static EncodedImage anomalyMap(GreyImage displayBase, byte[] map, int width, int height) {
        float[] values = new float[map.length];
        for (int i = 0; i < map.length; i++) {
            values[i] = (map[i] & 0xff) / 255f;
        }
        float[] smooth = Overlays.gaussianBlur(values, width, height, ANOMALY_SIGMA);
        float[] sorted = smooth.clone();
        Arrays.sort(sorted);
        float scale = Math.max(sorted[(int) Math.floor(0.99 * (sorted.length - 1))], ANOMALY_FLOOR);
        for (int i = 0; i < smooth.length; i++) {
            float relative = Math.min(1f, smooth[i] / scale);
            smooth[i] = Math.max(0f, (relative - ANOMALY_UNCOLOURED_BELOW) / (1 - ANOMALY_UNCOLOURED_BELOW));
        }
        int w = displayBase.width();
        int h = displayBase.height();
        float[] intensity = (width == w && height == h) ? smooth : Resampler.bilinear(smooth, width, height, w, h);
        return Overlays.blendPng(displayBase, intensity);
    }

    /** |x - x̂| as a fraction of the input range, quantised to a byte per pixel for storage. */
    static byte[] quantiseError(float[] error, double rangeWidth) {
        byte[] out = new byte[error.length];
        for (int i = 0; i < error.length; i++) {
            out[i] = (byte) Math.round(Math.min(1.0, error[i] / rangeWidth) * 255);
        }
        return out;
    }

    public static GreyImage displayBase(GreyImage grey, int maxSide) {
        return Resampler.shrink(grey, maxSide);
    }
}
