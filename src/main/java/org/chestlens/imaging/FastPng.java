package org.chestlens.imaging;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The common PNG case without ImageIO: 8-bit grey, grey+alpha, RGB or RGBA, not interlaced. Chunks are
 * walked once, the IDAT stream inflated straight into one buffer and unfiltered in place; colour is converted
 * to grey as PIL does. About twice as fast as ImageIO for a 1024 x 1024 radiograph, and the same pixels
 * ({@code FastPngTest} compares both). Everything else (palette, 1/2/4/16-bit, interlaced) goes to ImageIO.
 */
final class FastPng {

    private FastPng() {
    }

    static boolean handles(PngChunks.Header header, byte[] png) {
        int type = header.colourType();
        return header.bitDepth() == 8 && (type == 0 || type == 2 || type == 4 || type == 6) && png[28] == 0;
    }

    static Rasters.Grey decode(byte[] png, PngChunks.Header header) {
        int w = header.width();
        int h = header.height();
        int channels = switch (header.colourType()) {
            case 0 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            default -> 4;
        };
        int stride = w * channels;
        byte[] raw = new byte[(stride + 1) * h];
        inflate(png, raw);
        byte[] out = channels == 1 ? new byte[w * h] : null;
        byte[] previous = new byte[stride];
        byte[] current = new byte[stride];
        byte[] grey = channels == 1 ? out : new byte[w * h];
        long satSum = 0;
        for (int y = 0; y < h; y++) {
            int at = y * (stride + 1);
            int filter = raw[at];
            System.arraycopy(raw, at + 1, current, 0, stride);
            unfilter(filter, current, previous, channels);
            if (channels == 1) {
                System.arraycopy(current, 0, out, y * w, w);
            } else if (channels == 2) {
                for (int x = 0; x < w; x++) {
                    grey[y * w + x] = current[2 * x];
                }
            } else {
                for (int x = 0, i = 0; x < w; x++, i += channels) {
                    int r = current[i] & 0xff;
                    int g = current[i + 1] & 0xff;
                    int b = current[i + 2] & 0xff;
                    grey[y * w + x] = (byte) Rasters.luma(r, g, b);
                    satSum += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
                }
            }
            byte[] swap = previous;
            previous = current;
            current = swap;
        }
        double saturation = channels >= 3 ? satSum / 255.0 / ((double) w * h) : 0;
        return new Rasters.Grey(new GreyImage(w, h, grey), saturation);
    }

    private static void inflate(byte[] png, byte[] raw) {
        Inflater inflater = new Inflater();
        try {
            int at = 8;
            int filled = 0;
            while (at + 12 <= png.length) {
                int length = readInt(png, at);
                if (length < 0 || length > png.length - at - 12) {
                    throw InvalidImageException.corrupt("a PNG chunk runs past the end of the file");
                }
                int type = readInt(png, at + 4);
                if (type == 0x49444154) { // IDAT
                    inflater.setInput(png, at + 8, length);
                    while (!inflater.needsInput() && !inflater.finished() && filled < raw.length) {
                        filled += inflater.inflate(raw, filled, raw.length - filled);
                    }
                } else if (type == 0x49454e44) { // IEND
                    break;
                }
                at += length + 12;
            }
            if (filled < raw.length) {
                throw InvalidImageException.corrupt("the PNG image data ends early");
            }
        } catch (DataFormatException e) {
            throw InvalidImageException.corrupt("the PNG image data is damaged");
        } finally {
            inflater.end();
        }
    }

    private static void unfilter(int filter, byte[] row, byte[] prior, int bpp) {
        int n = row.length;
        switch (filter) {
            case 0 -> {
            }
            case 1 -> {
                for (int i = bpp; i < n; i++) {
                    row[i] += row[i - bpp];
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    row[i] += prior[i];
                }
            }
            case 3 -> {
                for (int i = 0; i < bpp; i++) {
                    row[i] += (byte) ((prior[i] & 0xff) >> 1);
                }
                for (int i = bpp; i < n; i++) {
                    row[i] += (byte) (((row[i - bpp] & 0xff) + (prior[i] & 0xff)) >> 1);
                }
            }
            case 4 -> {
                for (int i = 0; i < bpp; i++) {
                    row[i] += prior[i];
                }
                for (int i = bpp; i < n; i++) {
                    int a = row[i - bpp] & 0xff;
                    int b = prior[i] & 0xff;
                    int c = prior[i - bpp] & 0xff;
                    int p = a + b - c;
                    int pa = Math.abs(p - a);
                    int pb = Math.abs(p - b);
                    int pc = Math.abs(p - c);
                    row[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
            }
            default -> throw InvalidImageException.corrupt("a PNG row uses an unknown filter");
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
