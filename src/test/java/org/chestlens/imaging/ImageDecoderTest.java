package org.chestlens.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** PNG and JPEG decoding (as PIL reads them), metadata stripping, and every limit, on files the tests make. */
class ImageDecoderTest {

    private static final ImageDecoder DECODER = new ImageDecoder(ImageLimits.DEFAULT);

    @Test
    void greyPngIsReadAsIsAndItsTextChunksAreDropped() {
        BufferedImage image = TestImages.phantomChest(120, 100, 1);
        byte[] plain = TestImages.png(image);
        byte[] tagged = withPngChunk(plain, "tEXt", "Author\0Dr Jane Doe, patient 4711");
        tagged = withPngChunk(tagged, "eXIf", "MM\0*private exif bytes");
        DecodedImage d = DECODER.decode(tagged);
        assertThat(d.format()).isEqualTo(ImageFormat.PNG);
        assertThat(d.grey().pixels()).containsExactly(TestImages.grey(image).pixels());
        assertThat(d.saturation()).isZero();
        assertThat(d.bitDepth()).isEqualTo(8);
        String stored = new String(d.clean().bytes(), StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain("Jane").doesNotContain("4711").doesNotContain("private exif").doesNotContain("tEXt");
        assertThat(d.clean().bytes()).isEqualTo(plain); // only the metadata chunks went
    }

    @Test
    void sixteenBitGreyPngIsStretchedMinToMaxAndStoredAsEightBit() {
        BufferedImage image = new BufferedImage(80, 70, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < 70; y++) {
            for (int x = 0; x < 80; x++) {
                raster.setSample(x, y, 0, 1000 + 300 * x + 7 * y);
            }
        }
        DecodedImage d = DECODER.decode(TestImages.png(image));
        int lo = 1000;
        int hi = 1000 + 300 * 79 + 7 * 69;
        for (int y = 0; y < 70; y += 13) {
            for (int x = 0; x < 80; x += 11) {
                int v = 1000 + 300 * x + 7 * y;
                int expected = (int) Math.floor((v - lo) * 255.0 / (hi - lo) + 0.5);
                assertThat(d.grey().pixels()[y * 80 + x] & 0xff).isEqualTo(expected);
            }
        }
        assertThat(d.bitDepth()).isEqualTo(16);
        assertThat(DECODER.decode(d.clean().bytes()).grey().pixels()).containsExactly(d.grey().pixels());
    }

    @Test
    void colourIsConvertedLikePilAndMeasuredAsSaturation() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, (x * 3 << 24) | (200 << 16) | (x * 4 << 8) | y * 2);
            }
        }
        DecodedImage d = DECODER.decode(TestImages.png(image));
        double saturation = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int r = 200;
                int g = x * 4;
                int b = y * 2;
                assertThat(d.grey().pixels()[y * 64 + x] & 0xff).isEqualTo((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
                saturation += (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b))) / 255.0;
            }
        }
        assertThat(d.saturation()).isCloseTo(saturation / 4096, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void palettePngGoesThroughItsPalette() {
        byte[] r = new byte[4];
        byte[] g = new byte[4];
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            r[i] = (byte) (i * 80);
            g[i] = (byte) (255 - i * 60);
            b[i] = (byte) 30;
        }
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 4, r, g, b));
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.getRaster().setSample(x, y, 0, (x + y) % 4);
            }
        }
        DecodedImage d = DECODER.decode(TestImages.png(image));
        int index = (5 + 7) % 4;
        int expected = ((r[index] & 0xff) * 19595 + (g[index] & 0xff) * 38470 + 30 * 7471 + 0x8000) >> 16;
        assertThat(d.grey().pixels()[7 * 64 + 5] & 0xff).isEqualTo(expected);
        assertThat(d.saturation()).isPositive();
    }

    @Test
    void jpegMetadataSegmentsAreDroppedAndPixelsKept() {
        BufferedImage image = TestImages.phantomChest(160, 120, 2);
        byte[] plain = TestImages.jpeg(image);
        byte[] exif = withJpegSegment(plain, 0xe1, "Exif\0\0MM Jane Doe GPS 51.5N");
        exif = withJpegSegment(exif, 0xfe, "comment: patient 4711");
        DecodedImage d = DECODER.decode(exif);
        assertThat(d.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(d.grey().pixels()).containsExactly(DECODER.decode(plain).grey().pixels());
        String stored = new String(d.clean().bytes(), StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain("Jane").doesNotContain("4711").doesNotContain("Exif").doesNotContain("JFIF");
        assertThat(d.clean().mediaType()).isEqualTo("image/jpeg");
        assertThat(DECODER.decode(d.clean().bytes()).grey().pixels()).containsExactly(d.grey().pixels());
    }

    @Test
    void inspectionReadsOnlyTheHeaderAndGivesTheCopyToKeepWhereNoDecodingIsNeeded() {
        byte[] plainPng = TestImages.png(TestImages.phantomChest(120, 100, 1));
        ImageDecoder.Inspection png = DECODER.inspect(withPngChunk(plainPng, "tEXt", "Author\0Dr Jane Doe"));
        assertThat(png.format()).isEqualTo(ImageFormat.PNG);
        assertThat(png.copyToKeep().orElseThrow().bytes()).isEqualTo(plainPng);
        assertThat(png.copyToKeep().orElseThrow().mediaType()).isEqualTo("image/png");

        byte[] plainJpeg = TestImages.jpeg(TestImages.phantomChest(160, 120, 2));
        byte[] exif = withJpegSegment(plainJpeg, 0xe1, "Exif\0\0MM Jane Doe GPS 51.5N");
        ImageDecoder.Inspection jpeg = DECODER.inspect(exif);
        assertThat(jpeg.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(jpeg.copyToKeep().orElseThrow().bytes()).isEqualTo(DECODER.decode(exif).clean().bytes());

        // A 16-bit PNG is kept as the 8-bit rendering, which needs the decoded pixels.
        BufferedImage wide = new BufferedImage(80, 70, BufferedImage.TYPE_USHORT_GRAY);
        assertThat(DECODER.inspect(TestImages.png(wide)).copyToKeep()).isEmpty();

        // Whatever the header shows is refused by the inspection already; damage further in only by decoding.
        for (byte[] refused : List.of(new byte[0], "GIF89a....".getBytes(StandardCharsets.US_ASCII), bombPng(20000, 20000),
                TestImages.png(TestImages.phantomChest(63, 200, 1)))) {
            assertThatThrownBy(() -> DECODER.inspect(refused)).isInstanceOf(InvalidImageException.class);
        }
        assertThatThrownBy(() -> DECODER.inspect(Arrays.copyOf(plainPng, plainPng.length / 2)))
                .isInstanceOfSatisfying(InvalidImageException.class, e -> assertThat(e.problem()).isEqualTo(ImageProblem.CORRUPT));
        byte[] damaged = TestImages.damagedPixelData(plainPng);
        assertThat(DECODER.inspect(damaged).format()).isEqualTo(ImageFormat.PNG);
        assertProblem(DECODER, damaged, ImageProblem.CORRUPT, "could not be read");
    }

    @Test
    void colourJpegHasSaturation() {
        DecodedImage d = DECODER.decode(TestImages.jpeg(TestImages.colourPattern(200, 150)));
        assertThat(d.saturation()).isGreaterThan(0.3);
    }

    @Test
    void formatComesFromTheBytesNotTheName() {
        assertThat(ImageFormat.detect(TestImages.png(TestImages.uniform(70, 70, 3)))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.detect(TestImages.jpeg(TestImages.uniform(70, 70, 3)))).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.detect("just text".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void cmykAndLosslessJpegAreReadAndKeptAsPng() throws Exception {
        // Before: both refused as unsupported ("in CMYK colour", "lossless or arithmetic coding").
        BufferedImage phantom = TestImages.phantomChest(120, 100, 5);
        java.awt.image.WritableRaster cmyk = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, 120, 100, 4, null);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 120; x++) {
                int grey = phantom.getRaster().getSample(x, y, 0);
                // Black ink only, stored inverted as Adobe's CMYK JPEGs are (what the JDK writes and readers expect).
                cmyk.setPixel(x, y, new int[] {255, 255, 255, grey});
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        try (javax.imageio.stream.ImageOutputStream stream = javax.imageio.ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(new javax.imageio.IIOImage(cmyk, null, null));
        } finally {
            writer.dispose();
        }
        // The Adobe segment says CMYK (transform 0), as Photoshop writes it; the JDK writer leaves it out.
        byte[] cmykJpeg = withJpegSegment(out.toByteArray(), 0xee, "Adobe\0\u0064\0\0\0\0\0");
        DecodedImage fromCmyk = DECODER.decode(cmykJpeg);
        assertThat(fromCmyk.width()).isEqualTo(120);
        assertThat(fromCmyk.clean().mediaType()).isEqualTo("image/png");
        assertThat(DECODER.inspect(cmykJpeg).copyToKeep()).isEmpty();
        // Through an ICC conversion: dark where the phantom is dark, light where it is light.
        assertThat(fromCmyk.grey().pixels()[50 * 120 + 60] & 0xff).isGreaterThan(100); // the spine
        assertThat(fromCmyk.grey().pixels()[2 * 120 + 2] & 0xff).isLessThan(60); // the background

        // A 12-bit lossless JPEG as DCMTK wrote it (taken from its DICOM file).
        byte[] dicom = DicomCorpus.committed("generated/dcmtk_jpeg_lossless_sv1_12bit.dcm");
        int start = indexOf(dicom, (byte) 0xff, (byte) 0xd8);
        byte[] lossless = Arrays.copyOfRange(dicom, start, lastIndexOf(dicom, (byte) 0xff, (byte) 0xd9) + 2);
        DecodedImage fromLossless = DECODER.decode(lossless);
        assertThat(fromLossless.bitDepth()).isEqualTo(16);
        assertThat(fromLossless.clean().mediaType()).isEqualTo("image/png");
        // Min-max stretched like a 16-bit PNG: the same picture as the DICOM's own (windowed) rendering.
        DecodedImage viaDicom = DECODER.decode(dicom);
        long diff = 0;
        for (int i = 0; i < viaDicom.grey().pixels().length; i++) {
            diff += Math.abs((viaDicom.grey().pixels()[i] & 0xff) - (fromLossless.grey().pixels()[i] & 0xff));
        }
        assertThat(diff / (double) viaDicom.grey().pixels().length).isLessThan(12.0);
    }

    private static int lastIndexOf(byte[] b, byte first, byte second) {
        for (int i = b.length - 2; i >= 0; i--) {
            if (b[i] == first && b[i + 1] == second) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void limitsAndRefusals() {
        ImageDecoder small = new ImageDecoder(new ImageLimits(10_000, 50_000_000L, 64));
        byte[] png = TestImages.png(TestImages.phantomChest(300, 300, 9));
        assertProblem(small, png, ImageProblem.TOO_LARGE, "the limit is 0 MB");
        assertProblem(DECODER, new byte[0], ImageProblem.EMPTY, "empty");
        assertProblem(DECODER, TestImages.png(TestImages.phantomChest(63, 200, 1)), ImageProblem.TOO_SMALL, "at least 64");
        assertProblem(DECODER, "GIF89a....".getBytes(StandardCharsets.US_ASCII), ImageProblem.UNSUPPORTED_FORMAT, "GIF");
        assertProblem(DECODER, "BM......".getBytes(StandardCharsets.US_ASCII), ImageProblem.UNSUPPORTED_FORMAT, "BMP");
        assertProblem(DECODER, "%PDF-1.7".getBytes(StandardCharsets.US_ASCII), ImageProblem.UNSUPPORTED_FORMAT, "PDF");
        assertProblem(DECODER, "hello world".getBytes(StandardCharsets.US_ASCII), ImageProblem.UNSUPPORTED_FORMAT,
                "PNG, JPEG or DICOM");
    }

    @Test
    void decompressionBombsAreRefusedFromTheHeaderBeforeDecoding() {
        // A real bomb: 20000 x 20000 black pixels compress to a few hundred kilobytes.
        byte[] bomb = bombPng(20000, 20000);
        assertThat(bomb.length).isLessThan(1_000_000);
        long before = usedHeap();
        assertProblem(DECODER, bomb, ImageProblem.TOO_MANY_PIXELS, "400.0 megapixels");
        assertThat(usedHeap() - before).as("nothing was decoded").isLessThan(100L << 20);
        // A header that lies: the check still happens before any pixel is read.
        byte[] liar = TestImages.png(TestImages.uniform(100, 100, 9));
        putInt(liar, 16, 100_000);
        putInt(liar, 20, 100_000);
        assertProblem(DECODER, liar, ImageProblem.TOO_MANY_PIXELS, "megapixels");
        byte[] jpeg = TestImages.jpeg(TestImages.uniform(100, 100, 9));
        int sof = indexOf(jpeg, (byte) 0xff, (byte) 0xc0);
        jpeg[sof + 5] = (byte) 0xff; // height 65280+
        jpeg[sof + 7] = (byte) 0xff; // width 65280+
        assertProblem(DECODER, jpeg, ImageProblem.TOO_MANY_PIXELS, "megapixels");
    }

    @Test
    void truncatedAndDamagedFilesAreCorrupt() {
        byte[] png = TestImages.png(TestImages.phantomChest(200, 200, 4));
        assertProblem(DECODER, Arrays.copyOf(png, png.length / 2), ImageProblem.CORRUPT, "could not be read");
        byte[] damaged = png.clone();
        for (int i = 100; i < 400; i++) {
            damaged[i] ^= 0x5a;
        }
        assertProblem(DECODER, damaged, ImageProblem.CORRUPT, "could not be read");
        byte[] jpeg = TestImages.jpeg(TestImages.phantomChest(200, 200, 4));
        assertProblem(DECODER, Arrays.copyOf(jpeg, jpeg.length * 2 / 3), ImageProblem.CORRUPT, "could not be read");
        assertProblem(DECODER, Arrays.copyOf(png, 30), ImageProblem.CORRUPT, "could not be read");
    }

    private static void assertProblem(ImageDecoder decoder, byte[] bytes, ImageProblem problem, String messagePart) {
        assertThatThrownBy(() -> decoder.decode(bytes)).isInstanceOfSatisfying(InvalidImageException.class, e -> {
            assertThat(e.problem()).isEqualTo(problem);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    static byte[] withPngChunk(byte[] png, String type, String text) {
        byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33); // signature + IHDR
        byte[] header = new byte[8];
        putInt(header, 0, data.length);
        System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, header, 4, 4);
        out.writeBytes(header);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(header, 4, 4);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
        out.write(png, 33, png.length - 33);
        return out.toByteArray();
    }

    static byte[] withJpegSegment(byte[] jpeg, int marker, String text) {
        byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xff);
        out.write(marker);
        out.write((data.length + 2) >> 8);
        out.write(data.length + 2);
        out.writeBytes(data);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static byte[] bombPng(int w, int h) {
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8;
        byte[] row = new byte[w + 1];
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        for (int y = 0; y < h; y++) {
            deflater.setInput(row);
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
        chunk(out, "IHDR", ihdr);
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] header = new byte[8];
        putInt(header, 0, data.length);
        System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, header, 4, 4);
        out.writeBytes(header);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(header, 4, 4);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int indexOf(byte[] b, byte x, byte y) {
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == x && b[i + 1] == y) {
                return i;
            }
        }
        throw new IllegalStateException("marker not found");
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
