package org.chestlens.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Files a careless or hostile client uploads, generated here (nothing read from outside the repository): wrong
 * types, header and decompression bombs, truncations, polyglots, and a few unusual but acceptable images. Each with
 * what the API answers ({@code api.HostileInputIT}); the upload page shows the same sentences
 * ({@code analysis.HostileUploadViewTest}).
 */
public final class HostileFiles {

    private HostileFiles() {
    }

    /** A file and the API's answer: a 4xx status and its possible codes, or 201 (analysed). */
    public record Entry(String name, byte[] bytes, int status, Set<String> codes) {
        public boolean accepted() {
            return status == 201;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static List<Entry> corpus() {
        byte[] png = TestImages.png(TestImages.phantomChest(320, 300, 3));
        byte[] jpeg = TestImages.jpeg(TestImages.phantomChest(320, 300, 4));
        byte[] html = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.US_ASCII);
        return List.of(
                refused("empty file", new byte[0], 400, "empty"),
                refused("text", "not an image at all".getBytes(StandardCharsets.US_ASCII), 415, "unsupported-format"),
                refused("GIF", "GIF89a\u0001\u0000\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1), 415, "unsupported-format"),
                refused("BMP", concat("BM".getBytes(StandardCharsets.US_ASCII), new byte[60]), 415, "unsupported-format"),
                refused("TIFF", concat(new byte[] {'I', 'I', 42, 0}, new byte[60]), 415, "unsupported-format"),
                refused("WebP", "RIFF\u0000\u0000\u0000\u0000WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1), 415,
                        "unsupported-format"),
                refused("PDF holding a PNG", concat("%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII), png), 415,
                        "unsupported-format"),
                refused("ZIP holding a PNG", concat(new byte[] {'P', 'K', 3, 4}, png), 415, "unsupported-format"),
                refused("HTML", html, 415, "unsupported-format"),
                refused("PNG signature, then HTML", concat(Arrays.copyOf(png, 8), html), 422, "corrupt"),
                refused("PNG header bomb 100000 x 100000", pngHeaderOnly(100_000, 100_000), 422, "too-many-pixels"),
                refused("PNG 8000 x 8000 (64 MP)", blackPng(8000, 8000), 422, "too-many-pixels"),
                refused("PNG 16 x 16", TestImages.png(TestImages.phantomChest(16, 16, 1)), 422, "too-small"),
                refused("PNG cut in half", Arrays.copyOf(png, png.length / 2), 422, "corrupt"),
                refused("PNG with damaged pixel data", TestImages.damagedPixelData(png), 422, "corrupt"),
                refused("JPEG header bomb 60000 x 60000", jpegWithSize(jpeg, 60_000, 60_000), 422, "too-many-pixels"),
                refused("JPEG cut in half", Arrays.copyOf(jpeg, jpeg.length / 2), 422, "corrupt"),
                refused("DICOM preamble only", concat(new byte[128], "DICM".getBytes(StandardCharsets.US_ASCII)), 422,
                        "corrupt", "dicom-not-image"),
                refused("DICOM cut short", Arrays.copyOf(dicom(), 400), 422, "corrupt", "dicom-not-image"),
                refused("12-bit lossy JPEG DICOM whose JPEG data is cut short", twelveBitJpegDicom(false), 422, "corrupt"),
                refused("12-bit lossy JPEG DICOM whose JPEG says 60000 x 60000", twelveBitJpegDicom(true), 422, "corrupt"),
                new Entry("PNG followed by HTML (polyglot)", concat(png, html), 201, Set.of()),
                new Entry("black 7000 x 7000 PNG (49 MP in a few KB)", blackPng(7000, 7000), 201, Set.of()),
                new Entry("16-bit RGBA PNG", rgba16Png(1500, 1400), 201, Set.of()));
    }

    private static Entry refused(String name, byte[] bytes, int status, String... codes) {
        return new Entry(name, bytes, status, Set.of(codes));
    }


    /**
     * DCMTK's 12-bit lossy JPEG stream in an intact DICOM container (192 x 192), the stream either cut at two thirds
     * or with a frame header claiming 60000 x 60000: only the 12-bit JPEG decoder can tell.
     */
    static byte[] twelveBitJpegDicom(boolean headerBomb) {
        byte[] jpeg = DicomCorpus.jpegStream("generated/dcmtk_jpeg_extended_12bit.dcm");
        if (headerBomb) {
            jpeg = jpegWithSize(jpeg, 60_000, 60_000);
        } else {
            jpeg = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);
        }
        return DicomFiles.of(DicomDecoder.JPEG_EXTENDED).image(192, 192, 16, 12, false, "MONOCHROME2")
                .encapsulated(List.of(jpeg)).build();
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A PNG whose header claims the size, with no image data: refused from the header alone. */
    public static byte[] pngHeaderOnly(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0).array());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** An all-black 8-bit grey PNG: a few KB that inflate to width x height bytes (a decompression bomb in small). */
    public static byte[] blackPng(int width, int height) {
        byte[] row = new byte[width + 1];
        return png(width, height, 8, 0, y -> row);
    }

    /** A 16-bit RGBA PNG of the phantom chest (grey in all three channels, opaque). */
    public static byte[] rgba16Png(int width, int height) {
        BufferedImage chest = TestImages.phantomChest(width, height, 11);
        byte[] row = new byte[width * 8 + 1];
        return png(width, height, 16, 6, y -> {
            for (int x = 0; x < width; x++) {
                int v = (chest.getRGB(x, y) & 0xff) * 257;
                rgba16(row, 1 + x * 8, v);
            }
            return row;
        });
    }

    /**
     * A large 16-bit RGBA PNG that is small on disk: grey in bands of 50 rows (a smooth chest-like shading across),
     * opaque, every row filtered "Up", so repeated rows deflate to nearly nothing (about 1 MB for 7000 x 7000).
     */
    public static byte[] bandedRgba16Png(int width, int height) {
        byte[] previous = new byte[width * 8];
        byte[] current = new byte[width * 8];
        byte[] row = new byte[width * 8 + 1];
        row[0] = 2; // Up
        return png(width, height, 16, 6, y -> {
            int band = y / 50 * 50;
            for (int x = 0; x < width; x++) {
                rgba16(current, x * 8, (int) (32768 + 20000 * Math.cos((x - width / 2.0) / width * 3)
                        * Math.cos((band - height / 2.0) / height * 3)));
            }
            for (int i = 0; i < current.length; i++) {
                row[i + 1] = (byte) (current[i] - previous[i]);
            }
            System.arraycopy(current, 0, previous, 0, current.length);
            return row;
        });
    }

    private static void rgba16(byte[] row, int at, int grey) {
        for (int c = 0; c < 3; c++) {
            row[at + c * 2] = (byte) (grey >> 8);
            row[at + c * 2 + 1] = (byte) grey;
        }
        row[at + 6] = (byte) 0xff;
        row[at + 7] = (byte) 0xff;
    }

    /** A PNG from its rows (each with its filter byte first), deflated as they come. */
    private static byte[] png(int width, int height, int depth, int colourType, java.util.function.IntFunction<byte[]> rows) {
        Deflater deflater = new Deflater(1);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        for (int y = 0; y < height; y++) {
            deflater.setInput(rows.apply(y));
            while (!deflater.needsInput()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) depth).put((byte) colourType).array());
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** The JPEG with its frame header claiming another size (a header bomb). */
    public static byte[] jpegWithSize(byte[] jpeg, int width, int height) {
        byte[] out = jpeg.clone();
        for (int i = 2; i + 9 < out.length; i++) {
            if ((out[i] & 0xff) == 0xff && (out[i + 1] & 0xff) >= 0xc0 && (out[i + 1] & 0xff) <= 0xc2) {
                out[i + 5] = (byte) (height >> 8);
                out[i + 6] = (byte) height;
                out[i + 7] = (byte) (width >> 8);
                out[i + 8] = (byte) width;
                return out;
            }
        }
        throw new IllegalStateException("no frame header");
    }

    /** A small explicit-VR little-endian DICOM file: meta header and a 64 x 64 8-bit image. */
    public static byte[] dicom() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        element(out, 0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1\0".getBytes(StandardCharsets.US_ASCII));
        element(out, 0x0028, 0x0002, "US", new byte[] {1, 0});
        element(out, 0x0028, 0x0004, "CS", "MONOCHROME2 ".getBytes(StandardCharsets.US_ASCII));
        element(out, 0x0028, 0x0010, "US", new byte[] {64, 0});
        element(out, 0x0028, 0x0011, "US", new byte[] {64, 0});
        element(out, 0x0028, 0x0100, "US", new byte[] {8, 0});
        element(out, 0x0028, 0x0101, "US", new byte[] {8, 0});
        element(out, 0x0028, 0x0102, "US", new byte[] {7, 0});
        element(out, 0x0028, 0x0103, "US", new byte[] {0, 0});
        byte[] pixels = new byte[64 * 64];
        Arrays.fill(pixels, (byte) 100);
        out.writeBytes(new byte[] {(byte) 0xe0, 0x7f, 0x10, 0x00, 'O', 'B', 0, 0});
        out.writeBytes(ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(pixels.length).array());
        out.writeBytes(pixels);
        return out.toByteArray();
    }

    private static void element(ByteArrayOutputStream out, int group, int tag, String vr, byte[] value) {
        ByteBuffer head = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        head.putShort((short) group).putShort((short) tag).put(vr.getBytes(StandardCharsets.US_ASCII)).putShort((short) value.length);
        out.writeBytes(head.array());
        out.writeBytes(value);
    }
}
