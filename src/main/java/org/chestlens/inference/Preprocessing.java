package org.chestlens.inference;

import java.util.HashMap;
import java.util.Map;
import org.chestlens.imaging.GreyImage;
import org.chestlens.imaging.Resampler;

/**
 * The manifest's preprocessing, exactly as models/training/preprocess.py does it: float32 grey 0..255, the
 * resize rule, PIL's antialiased bilinear resize, then {@code v * ((hi - lo) / 255) + lo} and
 * {@code (v - mean) / std} per channel, NCHW. Geometry is shared between inputs with the same size and rule,
 * so an ensemble whose members all take 128 x 128 resizes the image once.
 */
final class Preprocessing {

    private final GreyImage image;
    private final Map<String, float[]> geometries = new HashMap<>();
    private float[] floats;

    Preprocessing(GreyImage image) {
        this.image = image;
    }

    /** The input tensor (C x H x W, flattened) for one spec. */
    float[] tensor(ModelManifest.InputSpec spec) {
        float[] geometry = geometries.computeIfAbsent(spec.geometryKey(), k -> geometry(spec));
        return toTensor(geometry, spec);
    }

    private float[] geometry(ModelManifest.InputSpec spec) {
        if (spec.resizeRule().equals("stretch")) {
            return Resampler.resize(image, spec.width(), spec.height());
        }
        if (floats == null) {
            floats = image.toFloats();
        }
        return geometry(floats, image.width(), image.height(), spec.width(), spec.height(), spec.resizeRule());
    }

    static float[] geometry(float[] grey, int w, int h, int outW, int outH, String rule) {
        switch (rule) {
            case "stretch":
                return Resampler.resize(grey, w, h, outW, outH);
            case "center-crop": {
                int s = Math.min(w, h);
                int x0 = (w - s) / 2;
                int y0 = (h - s) / 2;
                float[] square = (s == w && s == h) ? grey : Resampler.crop(grey, w, x0, y0, s, s);
                return Resampler.resize(square, s, s, outW, outH);
            }
            case "letterbox": {
                double scale = Math.min((double) outW / w, (double) outH / h);
                // Python's round() rounds half to even, as Math.rint does.
                int nw = Math.max(1, (int) Math.rint(w * scale));
                int nh = Math.max(1, (int) Math.rint(h * scale));
                float[] resized = Resampler.resize(grey, w, h, nw, nh);
                float[] out = new float[outW * outH];
                int y0 = (outH - nh) / 2;
                int x0 = (outW - nw) / 2;
                for (int y = 0; y < nh; y++) {
                    System.arraycopy(resized, y * nw, out, (y0 + y) * outW + x0, nw);
                }
                return out;
            }
            default:
                throw new IllegalArgumentException("resize " + rule);
        }
    }

    static float[] toTensor(float[] geometry, ModelManifest.InputSpec spec) {
        int plane = geometry.length;
        int channels = spec.channels();
        float scale = (float) ((spec.high() - spec.low()) / 255.0);
        float low = (float) spec.low();
        float[] out = new float[plane * channels];
        for (int c = 0; c < channels; c++) {
            int o = c * plane;
            if (spec.mean() == null) {
                for (int i = 0; i < plane; i++) {
                    out[o + i] = geometry[i] * scale + low;
                }
            } else {
                float mean = (float) spec.mean()[spec.mean().length == 1 ? 0 : c];
                float std = (float) spec.std()[spec.std().length == 1 ? 0 : c];
                for (int i = 0; i < plane; i++) {
                    float v = geometry[i] * scale + low;
                    out[o + i] = (v - mean) / std;
                }
            }
        }
        return out;
    }
}
