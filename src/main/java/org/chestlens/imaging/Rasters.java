package org.chestlens.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Decoded rasters to 8-bit grey the way the training code (PIL) reads them, so the server sees the pixels the
 * models were trained on:
 * <ul>
 *   <li>grey 8-bit: as is; 1/2/4-bit grey and palettes: through the palette (levels 0..255);</li>
 *   <li>colour: {@code L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16} (PIL {@code convert("L")}), alpha ignored;</li>
 *   <li>grey 16-bit: stretched min..max to 0..255 and rounded; grey+alpha and colour at 16 bits: the high byte
 *       (PIL's {@code ;16B} raw modes).</li>
 * </ul>
 */
final class Rasters {

    record Grey(GreyImage image, double saturation) {
    }

    private Rasters() {
    }

    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    static Grey toGrey(BufferedImage image) {
        Raster raster = image.getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        if (image.getColorModel() instanceof IndexColorModel palette) {
            return fromPalette(raster, palette, w, h);
        }
        int bands = raster.getNumBands();
        boolean sixteen = raster.getSampleModel().getSampleSize(0) > 8;
        if (bands == 1 && sixteen) {
            return new Grey(stretch16(raster, w, h), 0);
        }
        if (bands <= 2) {
            return new Grey(new GreyImage(w, h, firstBand8(raster, w, h, sixteen)), 0);
        }
        return fromColour(raster, w, h, sixteen);
    }

    /** Grey 16-bit to 8-bit: min-max over the image, rounded half up (what the training code does). */
    static GreyImage stretch(int[] values, int w, int h) {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        byte[] out = new byte[w * h];
        if (hi > lo) {
            double range = hi - lo;
            for (int i = 0; i < out.length; i++) {
                double v = Math.floor((values[i] - lo) * 255.0 / range + 0.5);
                out[i] = (byte) Math.max(0, Math.min(255, (int) v));
            }
        }
        return new GreyImage(w, h, out);
    }

    /** The same stretch for 16-bit samples already in memory, whose min and max are known, into {@code out}. */
    static void stretch(char[] values, int lo, int hi, byte[] out) {
        if (hi > lo) {
            double range = hi - lo;
            for (int i = 0; i < out.length; i++) {
                double v = Math.floor((values[i] - lo) * 255.0 / range + 0.5);
                out[i] = (byte) Math.max(0, Math.min(255, (int) v));
            }
        } else {
            java.util.Arrays.fill(out, (byte) 0);
        }
    }

    private static GreyImage stretch16(Raster raster, int w, int h) {
        return stretch(raster.getSamples(0, 0, w, h, 0, new int[w * h]), w, h);
    }

    private static byte[] firstBand8(Raster raster, int w, int h, boolean sixteen) {
        if (!sixteen && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModel() instanceof ComponentSampleModel model
                && model.getPixelStride() == raster.getNumBands() && raster.getNumBands() == 1
                && model.getScanlineStride() == w && buffer.getNumBanks() == 1 && buffer.getOffset() == 0
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && model.getBandOffsets()[0] == 0) {
            byte[] data = buffer.getData();
            return data.length == w * h ? data : java.util.Arrays.copyOf(data, w * h);
        }
        byte[] out = new byte[w * h];
        int[] row = new int[w];
        int shift = sixteen ? 8 : 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) (row[x] >> shift);
            }
        }
        return out;
    }

    private static Grey fromColour(Raster raster, int w, int h, boolean sixteen) {
        byte[] out = new byte[w * h];
        int bands = raster.getNumBands();
        int[] row = new int[w * bands];
        int shift = sixteen ? 8 : 0;
        long satSum = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0, i = 0; x < w; x++, i += bands) {
                int r = row[i] >> shift;
                int g = row[i + 1] >> shift;
                int b = row[i + 2] >> shift;
                out[y * w + x] = (byte) luma(r, g, b);
                satSum += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
            }
        }
        return new Grey(new GreyImage(w, h, out), satSum / 255.0 / ((double) w * h));
    }

    private static Grey fromPalette(Raster raster, IndexColorModel palette, int w, int h) {
        int size = palette.getMapSize();
        int[] lut = new int[size];
        int[] sat = new int[size];
        for (int i = 0; i < size; i++) {
            int r = palette.getRed(i);
            int g = palette.getGreen(i);
            int b = palette.getBlue(i);
            lut[i] = luma(r, g, b);
            sat[i] = Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
        }
        byte[] out = new byte[w * h];
        int[] row = new int[w];
        long satSum = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int index = Math.min(row[x], size - 1);
                out[y * w + x] = (byte) lut[index];
                satSum += sat[index];
            }
        }
        return new Grey(new GreyImage(w, h, out), satSum / 255.0 / ((double) w * h));
    }
}
