package org.chestlens.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small, fast PNG writer for 8-bit grey, RGB and RGBA pixels. ImageIO's writer spends most of its time in
 * adaptive filtering at maximum compression; images we render (heatmaps, thumbnails) are written often and
 * read by browsers, so a single cheap filter (Sub) and a fast deflate level serve better. Writes no
 * metadata chunks at all.
 */
public final class PngEncoder {

    /** Deflate level for images written on the request path. */
    public static final int FAST = 1;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngEncoder() {
    }

    public static byte[] grey(GreyImage image, int level) {
        return encode(image.width(), image.height(), 1, image.pixels(), level);
    }

    /**
     * @param channels 1 (grey), 3 (RGB) or 4 (RGBA), interleaved, row-major
     * @param level    deflate level 0..9
     */
    public static byte[] encode(int width, int height, int channels, byte[] pixels, int level) {
        int colourType = switch (channels) {
            case 1 -> 0;
            case 3 -> 2;
            case 4 -> 6;
            default -> throw new IllegalArgumentException("channels " + channels);
        };
        int stride = width * channels;
        if (pixels.length != stride * height) {
            throw new IllegalArgumentException("pixel count");
        }
        byte[] filtered = new byte[(stride + 1) * height];
        int o = 0;
        for (int y = 0; y < height; y++) {
            int row = y * stride;
            filtered[o++] = 1; // Sub: each byte minus the same channel of the pixel to its left
            for (int i = 0; i < channels; i++) {
                filtered[o++] = pixels[row + i];
            }
            for (int i = channels; i < stride; i++) {
                filtered[o++] = (byte) (pixels[row + i] - pixels[row + i - channels]);
            }
        }
        Deflater deflater = new Deflater(level);
        ByteArrayOutputStream out = new ByteArrayOutputStream(filtered.length / 3 + 1024);
        try {
            deflater.setInput(filtered);
            deflater.finish();
            out.writeBytes(SIGNATURE);
            byte[] ihdr = new byte[13];
            putInt(ihdr, 0, width);
            putInt(ihdr, 4, height);
            ihdr[8] = 8;
            ihdr[9] = (byte) colourType;
            writeChunk(out, "IHDR", ihdr, 13);
            byte[] buffer = new byte[Math.max(64 * 1024, filtered.length / 4)];
            while (!deflater.finished()) {
                int n = deflater.deflate(buffer);
                if (n > 0) {
                    writeChunk(out, "IDAT", buffer, n);
                }
            }
            writeChunk(out, "IEND", new byte[0], 0);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
        byte[] header = new byte[8];
        putInt(header, 0, length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(typeBytes, 0, header, 4, 4);
        out.write(header, 0, 8);
        out.write(data, 0, length);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data, 0, length);
        byte[] crcBytes = new byte[4];
        putInt(crcBytes, 0, (int) crc.getValue());
        out.write(crcBytes, 0, 4);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
