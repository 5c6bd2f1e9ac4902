package org.chestlens.analysis;

import java.util.Arrays;
import org.chestlens.imaging.EncodedImage;
import org.chestlens.imaging.GreyImage;
import org.chestlens.imaging.Overlays;
import org.chestlens.imaging.Resampler;

/** What users look at, drawn from stored maps: heatmaps, anomaly maps, thumbnails. */
final class Renderings {

    static final int THUMBNAIL_SIDE = 256;

    /** Smoothing of the VAE error map, in pixels of the VAE input (a few pixels: blobs, not speckle). */
    private static final double ANOMALY_SIGMA = 1.5;
    /** Errors are shown relative to the image's own 99th percentile, but never below this (no noise at full heat). */
    private static final float ANOMALY_FLOOR = 0.1f;

    private Renderings() {
    }

    static EncodedImage thumbnail(GreyImage grey) {
        return Overlays.thumbnail(grey, THUMBNAIL_SIDE);
    }

    /** The finding's CAM (logit units), min-max normalised, blended over the X-ray shrunk for display. */
    static EncodedImage heatmap(GreyImage displayBase, float[] cam, int camWidth, int camHeight) {
        return Overlays.blendPng(displayBase, Overlays.normalise(cam), camWidth, camHeight);
    }

    /** The VAE error map (bytes: fraction of the input range x 255), smoothed, blended over the X-ray. */
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
            smooth[i] = Math.min(1f, smooth[i] / scale);
        }
        return Overlays.blendPng(displayBase, smooth, width, height);
    }

    /** |x - x̂| as a fraction of the input range, quantised to a byte per pixel for storage. */
    static byte[] quantiseError(float[] error, double rangeWidth) {
        byte[] out = new byte[error.length];
        for (int i = 0; i < error.length; i++) {
            out[i] = (byte) Math.round(Math.min(1.0, error[i] / rangeWidth) * 255);
        }
        return out;
    }

    static GreyImage displayBase(GreyImage grey, int maxSide) {
        return Resampler.shrink(grey, maxSide);
    }
}
