package org.chestlens.imaging;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The common PNG case without ImageIO: 8- or 16-bit grey, grey+alpha, RGB or RGBA, not interlaced. The IDAT
 * stream is inflated one row at a time and each row unfiltered and turned into grey at once, as {@link Rasters}
 * does for ImageIO's rasters (PIL's conversion): a decode holds the grey image and two rows, plus the 16-bit
 * values of a 16-bit grey image (2 bytes a pixel) for its min-max stretch. ImageIO would first build the whole
 * raster: 8 bytes a pixel for 16-bit RGBA, 392 MB for a 7000 x 7000 image. About twice as fast as ImageIO for a
 * 1024 x 1024 radiograph, and the same pixels ({@code FastPngTest} compares both). Everything else (palette,
 * 1/2/4-bit, interlaced) goes to ImageIO.
 */
final class FastPng {

    private FastPng() {
    }

    static boolean handles(PngChunks.Header header, byte[] png) {
        int type = header.colourType();
        int depth = header.bitDepth();
        return (depth == 8 || depth == 16) && (type == 0 || type == 2 || type == 4 || type == 6) && png[28] == 0;
    }

    /** Bytes a decode holds beyond the grey image, per pixel (the memory admission's estimate). */
    static int extraBytesPerPixel(PngChunks.Header header) {
        return header.bitDepth() == 16 && header.colourType() == 0 ? 2 : 0;
    }

    /** How much inflated data one inflate call fills: a block of rows. */
    private static final int BLOCK_BYTES = 1 << 18;

    static Rasters.Grey decode(byte[] png, PngChunks.Header header) {
        int w = header.width();
        int h = header.height();
        int channels = switch (header.colourType()) {
            case 0 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            default -> 4;
        };
        int sampleBytes = header.bitDepth() / 8;
        int pixelBytes = channels * sampleBytes;
        int stride = Math.multiplyExact(w, pixelBytes);
        byte[] grey = new byte[Math.multiplyExact(w, h)];
        char[] grey16 = sampleBytes == 2 && channels == 1 ? new char[w * h] : null;
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        // Rows as stored (a filter byte, then the samples), inflated a block of rows at a time: one inflate call per
        // row would cost 10 % more for a 1024 x 1024 image.
        int rowBytes = stride + 1;
        int rowsPerBlock = Math.max(1, Math.min(h, BLOCK_BYTES / rowBytes));
        byte[] block = new byte[rowsPerBlock * rowBytes];
        byte[] lastRow = new byte[rowBytes]; // the row above the block's first (zeros above the image)
        long satSum = 0;
        try (ImageData data = new ImageData(png)) {
            for (int y0 = 0; y0 < h; y0 += rowsPerBlock) {
                int rows = Math.min(rowsPerBlock, h - y0);
                data.read(block, rows * rowBytes);
                for (int r = 0; r < rows; r++) {
                    int at = r * rowBytes;
                    if (r == 0) {
                        unfilter(block, at, lastRow, 0, rowBytes, pixelBytes);
                    } else {
                        unfilter(block, at, block, at - rowBytes, rowBytes, pixelBytes);
                    }
                    int row = (y0 + r) * w;
                    if (grey16 != null) {
                        for (int x = 0, i = at + 1; x < w; x++, i += 2) {
                            int v = ((block[i] & 0xff) << 8) | (block[i + 1] & 0xff);
                            grey16[row + x] = (char) v;
                            lo = Math.min(lo, v);
                            hi = Math.max(hi, v);
                        }
                    } else if (channels <= 2) {
                        // Grey (+ alpha): the grey sample, its high byte at 16 bits.
                        for (int x = 0, i = at + 1; x < w; x++, i += pixelBytes) {
                            grey[row + x] = block[i];
                        }
                    } else {
                        // Colour: PIL's luma of R, G, B (their high bytes at 16 bits), alpha ignored.
                        for (int x = 0, i = at + 1; x < w; x++, i += pixelBytes) {
                            int r8 = block[i] & 0xff;
                            int g = block[i + sampleBytes] & 0xff;
                            int b = block[i + 2 * sampleBytes] & 0xff;
                            grey[row + x] = (byte) Rasters.luma(r8, g, b);
                            satSum += Math.max(r8, Math.max(g, b)) - Math.min(r8, Math.min(g, b));
                        }
                    }
                }
                System.arraycopy(block, (rows - 1) * rowBytes, lastRow, 0, rowBytes);
            }
        }
        if (grey16 != null) {
            Rasters.stretch(grey16, lo, hi, grey);
        }
        double saturation = channels >= 3 ? satSum / 255.0 / ((double) w * h) : 0;
        return new Rasters.Grey(new GreyImage(w, h, grey), saturation);
    }

    /** The inflated IDAT stream, read row by row; chunks are walked as the inflater asks for input. */
    private static final class ImageData implements AutoCloseable {

        private final byte[] png;
        private final Inflater inflater = new Inflater();
        private int at = 8;

        ImageData(byte[] png) {
            this.png = png;
        }

        void read(byte[] into, int length) {
            int filled = 0;
            try {
                while (filled < length) {
                    if (inflater.finished()) {
                        throw InvalidImageException.corrupt("the PNG image data ends early");
                    }
                    if (inflater.needsInput()) {
                        nextImageChunk();
                        continue;
                    }
                    int n = inflater.inflate(into, filled, length - filled);
                    if (n == 0 && inflater.needsDictionary()) {
                        throw InvalidImageException.corrupt("the PNG image data is damaged");
                    }
                    filled += n;
                }
            } catch (DataFormatException e) {
                throw InvalidImageException.corrupt("the PNG image data is damaged");
            }
        }

        private void nextImageChunk() {
            while (at + 12 <= png.length) {
                int length = readInt(png, at);
                if (length < 0 || length > png.length - at - 12) {
                    throw InvalidImageException.corrupt("a PNG chunk runs past the end of the file");
                }
                int type = readInt(png, at + 4);
                int data = at + 8;
                at += length + 12;
                if (type == 0x49444154) { // IDAT
                    inflater.setInput(png, data, length);
                    return;
                }
                if (type == 0x49454e44) { // IEND
                    break;
                }
            }
            throw InvalidImageException.corrupt("the PNG image data ends early");
        }

        @Override
        public void close() {
            inflater.end();
        }
    }

    /**
     * Undoes a row's filter in place: the row at {@code at} of {@code buf} (its filter byte, then its samples), the
     * row above at {@code priorAt} of {@code prior}.
     */
    private static void unfilter(byte[] buf, int at, byte[] prior, int priorAt, int rowBytes, int bpp) {
        int filter = buf[at];
        int first = at + 1;
        int end = at + rowBytes;
        int left = first + bpp; // the first sample with a left neighbour
        int up = priorAt - at; // from a sample's index in buf to the one above it in prior
        switch (filter) {
            case 0 -> {
            }
            case 1 -> {
                for (int i = left; i < end; i++) {
                    buf[i] += buf[i - bpp];
                }
            }
            case 2 -> {
                for (int i = first; i < end; i++) {
                    buf[i] += prior[i + up];
                }
            }
            case 3 -> {
                for (int i = first; i < left && i < end; i++) {
                    buf[i] += (byte) ((prior[i + up] & 0xff) >> 1);
                }
                for (int i = left; i < end; i++) {
                    buf[i] += (byte) (((buf[i - bpp] & 0xff) + (prior[i + up] & 0xff)) >> 1);
                }
            }
            case 4 -> {
                for (int i = first; i < left && i < end; i++) {
                    buf[i] += prior[i + up];
                }
                for (int i = left; i < end; i++) {
                    int a = buf[i - bpp] & 0xff;
                    int b = prior[i + up] & 0xff;
                    int c = prior[i + up - bpp] & 0xff;
                    int p = a + b - c;
                    int pa = Math.abs(p - a);
                    int pb = Math.abs(p - b);
                    int pc = Math.abs(p - c);
                    buf[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
            }
            default -> throw InvalidImageException.corrupt("a PNG row uses an unknown filter");
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
