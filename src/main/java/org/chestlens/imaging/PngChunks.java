package org.chestlens.imaging;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * PNG at the chunk level: the header (read before decoding, for the limits) and a copy without metadata.
 * Stripping copies chunks, it does not re-encode: the pixels stay byte-identical and it costs microseconds.
 */
final class PngChunks {

    /** Everything needed to show the image as the uploader saw it; text, EXIF, time and private chunks go. */
    private static final Set<String> KEPT = Set.of("IHDR", "PLTE", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD",
            "pHYs", "IDAT", "IEND");

    record Header(int width, int height, int bitDepth, int colourType) {
    }

    private PngChunks() {
    }

    static Header header(byte[] png) {
        if (png.length < 33 || !"IHDR".equals(new String(png, 12, 4, StandardCharsets.US_ASCII))) {
            throw InvalidImageException.corrupt("the PNG header is missing");
        }
        int width = readInt(png, 16);
        int height = readInt(png, 20);
        if (width <= 0 || height <= 0) {
            throw InvalidImageException.corrupt("the PNG header gives no size");
        }
        return new Header(width, height, png[24] & 0xff, png[25] & 0xff);
    }

    /** The same PNG with only the chunks in {@link #KEPT}. */
    static byte[] strip(byte[] png) {
        // First the chunk walk alone: most uploads carry nothing to drop, and are kept as they are, uncopied.
        int[] kept = new int[16];
        int keptCount = 0;
        int keptBytes = 8;
        int at = 8;
        while (at + 12 <= png.length) {
            long length = readInt(png, at) & 0xffffffffL;
            if (length > png.length - at - 12L) {
                throw InvalidImageException.corrupt("a PNG chunk runs past the end of the file");
            }
            String type = new String(png, at + 4, 4, StandardCharsets.US_ASCII);
            int total = (int) length + 12;
            if (KEPT.contains(type)) {
                if (keptCount + 2 > kept.length) {
                    kept = java.util.Arrays.copyOf(kept, kept.length * 2);
                }
                kept[keptCount++] = at;
                kept[keptCount++] = total;
                keptBytes += total;
            }
            at += total;
            if ("IEND".equals(type)) {
                if (keptBytes == png.length) {
                    return png;
                }
                byte[] out = new byte[keptBytes];
                System.arraycopy(png, 0, out, 0, 8);
                for (int i = 0, o = 8; i < keptCount; i += 2) {
                    System.arraycopy(png, kept[i], out, o, kept[i + 1]);
                    o += kept[i + 1];
                }
                return out;
            }
        }
        throw InvalidImageException.corrupt("the PNG file ends before its last chunk");
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
