package org.chestlens.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * {@link Jpeg12Decoder} against peers: DCMTK's decoding of real 12-bit lossy JPEG (committed next to each file, see
 * dicom-corpus/generated/make.sh) and the JDK's decoder for 8-bit JPEG; the stream features it must read (restart
 * intervals, sampling factors, 16-bit and several tables); and damaged or hostile streams, which end in
 * {@link InvalidImageException} and nothing else.
 */
class Jpeg12DecoderTest {

    private static final ImageLimits LIMITS = new ImageLimits(30L << 20, 50_000_000L, 1);
    /** Generous for a busy 2-core machine: a hang, not a slow decode, is what this catches. */
    private static final Duration NO_HANG = Duration.ofSeconds(120);

    @Test
    void dcmtksOwn12BitFileDecodesToDcmtksPixelsWithinOne() {
        Jpeg12Decoder.Image image = decodeDicom("generated/dcmtk_jpeg_extended_12bit.dcm");
        assertThat(image.precision()).isEqualTo(12);
        assertThat(image.width()).isEqualTo(192);
        assertThat(image.height()).isEqualTo(192);
        assertCloseToReference(image, "generated/dcmtk_jpeg_extended_12bit_dcmd.dcm");
    }

    @Test
    void sixteenBitQuantisationTablesOfALowQualityFileDecodeToDcmtksPixels() {
        byte[] jpeg = DicomCorpus.jpegStream("generated/dcmtk_jpeg_extended_12bit_q10.dcm");
        assertThat(jpeg[segment(jpeg, 0xdb) + 4] >> 4).as("the DQT segment's precision: 16 bits").isEqualTo(1);
        assertCloseToReference(decode(jpeg), "generated/dcmtk_jpeg_extended_12bit_q10_dcmd.dcm");
    }

    @Test
    void nemasNm1JplyDecodesToDcmtksPixelsWithinOne() {
        Jpeg12Decoder.Image image = decodeDicom("pydicom/JPGExtended.dcm");
        assertThat(image.width()).isEqualTo(256);
        assertThat(image.height()).isEqualTo(1024);
        assertCloseToReference(image, "pydicom/JPGExtended_dcmd.dcm");
    }

    @Test
    void twelveBitColourWithFourTablesDecodesToDcmtksSamplesWithinOne() {
        // YCbCr 4:4:4 in one interleaved scan, two quantisation and four Huffman tables; DCMTK kept YCbCr (+cn).
        Jpeg12Decoder.Image image = decodeDicom("generated/dcmtk_jpeg_extended_12bit_ybr_full.dcm");
        assertThat(image.components()).isEqualTo(3);
        assertCloseToReference(image, "generated/dcmtk_jpeg_extended_12bit_ybr_full_dcmd.dcm");
    }

    @Test
    void subsampledTwelveBitColourIsRefusedAsUnsupported() {
        byte[] jpeg = DicomCorpus.jpegStream("generated/dcmtk_jpeg_extended_12bit_ybr_full_422.dcm");
        assertThatThrownBy(() -> Jpeg12Decoder.decode(jpeg, LIMITS, ImageProblem.DICOM_UNSUPPORTED))
                .isInstanceOfSatisfying(InvalidImageException.class, e -> {
                    assertThat(e.problem()).isEqualTo(ImageProblem.DICOM_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("subsampled colour");
                });
    }

    @Test
    void theWheelsTwoCopiesOfNm1JplyBothDecodeLikeDcmtk() {
        Optional<Path> wheel = DicomCorpus.wheel();
        assumeTrue(wheel.isPresent(), "no pydicom wheel on this machine (the committed copy still runs)");
        int[] reference = referenceSamples(DicomCorpus.committed("pydicom/JPGExtended_dcmd.dcm"));
        for (DicomCorpus.Entry file : DicomCorpus.wheel(wheel.get())) {
            // JPEG-lossy.dcm is the original: its scan header says Ss = Se = 0, which libjpeg (DCMTK) ignores too.
            if (file.name().equals("test_files/JPEG-lossy.dcm") || file.name().equals("test_files/JPGExtended.dcm")) {
                assertThat(difference(decode(DicomCorpus.jpegStream(file.bytes())).samples(), reference).max()).as(file.name())
                        .isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void eightBitBaselineMatchesTheJdksDecoder() {
        // DCMTK's 8-bit baseline file and a JDK-written JPEG: the JDK's libjpeg (accurate integer IDCT) as the peer.
        for (byte[] jpeg : List.of(DicomCorpus.jpegStream("generated/dcmtk_jpeg_baseline_8bit.dcm"),
                TestImages.jpeg(TestImages.phantomChest(203, 171, 7)))) {
            Jpeg12Decoder.Image image = decode(jpeg);
            assertThat(image.precision()).isEqualTo(8);
            Difference d = difference(image.samples(), jdkSamples(jpeg));
            assertThat(d.max()).as("max difference").isLessThanOrEqualTo(1);
            assertThat(d.mean()).as("mean difference").isLessThan(0.05);
        }
    }

    @Test
    void restartIntervalsAreFollowed() {
        // The JDK writes DRI and RSTn when asked; 7 MCUs a restart interval crosses rows of blocks.
        byte[] jpeg = jdkJpeg(TestImages.phantomChest(150, 90, 3), 7);
        assertThat(segment(jpeg, 0xdd)).as("a DRI segment").isPositive();
        Jpeg12Decoder.Image image = decode(jpeg);
        assertThat(difference(image.samples(), jdkSamples(jpeg)).max()).isLessThanOrEqualTo(1);
        // A restart marker out of order is damage, not something to guess around.
        byte[] swapped = jpeg.clone();
        int rst = indexOf(swapped, (byte) 0xff, (byte) 0xd0, segment(jpeg, 0xda));
        swapped[rst + 1] = (byte) 0xd3;
        assertCorrupt(swapped, "restart marker");
    }

    @Test
    void aOneComponentScanIsOneBlockPerUnitWhateverItsSamplingFactorsSay() {
        byte[] jpeg = DicomCorpus.jpegStream("generated/dcmtk_jpeg_extended_12bit.dcm");
        int[] expected = decode(jpeg).samples();
        int sof = segment(jpeg, 0xc1);
        for (int factors : new int[] {0x22, 0x12, 0x41, 0x44}) {
            byte[] sampled = jpeg.clone();
            sampled[sof + 11] = (byte) factors;
            assertThat(decode(sampled).samples()).as("sampling %x", factors).containsExactly(expected);
        }
    }

    @Test
    void tablesMayShareASegmentAndUseAnySlot() {
        // DCMTK writes each Huffman table in its own segment, in slot 0: merge them into one segment, in slot 3.
        byte[] jpeg = DicomCorpus.jpegStream("generated/dcmtk_jpeg_extended_12bit.dcm");
        int[] expected = decode(jpeg).samples();
        int first = segment(jpeg, 0xc4);
        int firstLength = u16(jpeg, first + 2);
        int second = first + 2 + firstLength;
        assertThat(jpeg[second + 1] & 0xff).isEqualTo(0xc4);
        int secondLength = u16(jpeg, second + 2);
        ByteArrayOutputStream merged = new ByteArrayOutputStream();
        merged.write(jpeg, 0, first + 2);
        merged.write((firstLength + secondLength - 2) >> 8);
        merged.write((firstLength + secondLength - 2) & 0xff);
        merged.write(jpeg[first + 4] | 3);
        merged.write(jpeg, first + 5, firstLength - 3);
        merged.write(jpeg[second + 4] | 3);
        merged.write(jpeg, second + 5, secondLength - 3);
        merged.write(jpeg, second + 2 + secondLength, jpeg.length - second - 2 - secondLength);
        byte[] out = merged.toByteArray();
        int sos = segment(out, 0xda);
        out[sos + 6] = 0x33; // component 1: DC table 3, AC table 3
        assertThat(decode(out).samples()).containsExactly(expected);
        // The same with a quantisation table of 16-bit entries (same values): same samples.
        assertThat(decode(widenQuantisationTable(out)).samples()).containsExactly(expected);
    }

    @Test
    void progressiveArithmeticAndHierarchicalJpegAreRefusedAsUnsupported() {
        byte[] jpeg = DicomCorpus.jpegStream("generated/dcmtk_jpeg_extended_12bit.dcm");
        int sof = segment(jpeg, 0xc1);
        for (int marker : new int[] {0xc2, 0xc5, 0xc9, 0xca}) {
            byte[] other = jpeg.clone();
            other[sof + 1] = (byte) marker;
            assertThatThrownBy(() -> Jpeg12Decoder.decode(other, LIMITS, ImageProblem.DICOM_UNSUPPORTED))
                    .isInstanceOfSatisfying(InvalidImageException.class, e -> {
                        assertThat(e.problem()).as("marker %x", marker).isEqualTo(ImageProblem.DICOM_UNSUPPORTED);
                        assertThat(e.getMessage()).contains("JPEG").endsWith(".");
                    });
        }
    }

    @Test
    void aHugeDeclaredSizeIsRefusedBeforeAnythingIsAllocated() {
        byte[] jpeg = DicomCorpus.jpegStream("generated/dcmtk_jpeg_extended_12bit.dcm");
        int sof = segment(jpeg, 0xc1);
        byte[] huge = jpeg.clone();
        huge[sof + 5] = (byte) 0xff;
        huge[sof + 6] = (byte) 0xff;
        huge[sof + 7] = (byte) 0xff;
        huge[sof + 8] = (byte) 0xff;
        assertThatThrownBy(() -> decode(huge)).isInstanceOfSatisfying(InvalidImageException.class,
                e -> assertThat(e.problem()).isEqualTo(ImageProblem.TOO_MANY_PIXELS));
        // Within the limit but far larger than its data: it ends early, after the data it has, not after 40 MP.
        byte[] large = jpeg.clone();
        large[sof + 5] = 0x1b;
        large[sof + 6] = 0x58; // 7000
        large[sof + 7] = 0x17;
        large[sof + 8] = 0x70; // 6000
        assertTimeoutPreemptively(NO_HANG, () -> assertCorrupt(large, "ends early"));
    }

    @Test
    void missingTablesAndMisplacedMarkersAreDamage() {
        byte[] jpeg = DicomCorpus.jpegStream("generated/dcmtk_jpeg_extended_12bit.dcm");
        assertCorrupt(without(jpeg, 0xc4), "Huffman table");
        assertCorrupt(without(jpeg, 0xdb), "quantisation table");
        assertCorrupt(without(jpeg, 0xc1), "frame header");
        // An end-of-image marker in the middle of the image data.
        byte[] cut = jpeg.clone();
        int middle = segment(jpeg, 0xda) + 2000;
        cut[middle] = (byte) 0xff;
        cut[middle + 1] = (byte) 0xd9;
        assertCorrupt(cut, "ends early");
        // A second start-of-image marker, and a scan header that names a component the frame does not have.
        byte[] twice = jpeg.clone();
        twice[segment(jpeg, 0xe0) + 1] = (byte) 0xd8;
        assertCorrupt(twice, "second image");
        byte[] stranger = jpeg.clone();
        stranger[segment(jpeg, 0xda) + 5] = 9;
        assertCorrupt(stranger, "component");
        assertCorrupt(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9}, "no frame header");
        assertCorrupt("not a JPEG at all".getBytes(), "does not start like a JPEG");
    }

    @Test
    void everyTruncationIsRefusedOrDecodedNeverAnotherException() {
        byte[] jpeg = DicomCorpus.jpegStream("pydicom/JPGExtended.dcm");
        int[] full = decode(jpeg).samples();
        assertTimeoutPreemptively(NO_HANG, () -> {
            int decoded = 0;
            for (int length = 0; length < jpeg.length; length += 7) {
                Optional<Jpeg12Decoder.Image> image = decodeOrRefuse(Arrays.copyOf(jpeg, length));
                if (image.isPresent()) {
                    decoded++;
                    // Only the end marker may be missing: what decodes is the whole image.
                    assertThat(image.get().samples()).as("cut at %d", length).containsExactly(full);
                }
            }
            assertThat(decoded).isLessThanOrEqualTo(1);
        });
    }

    @Test
    void flippedBytesAreRefusedOrDecodedNeverAnotherException() {
        byte[] jpeg = DicomCorpus.jpegStream("generated/dcmtk_jpeg_extended_12bit.dcm");
        Random random = new Random(14);
        assertTimeoutPreemptively(NO_HANG, () -> {
            int refused = 0;
            for (int i = 0; i < 3000; i++) {
                byte[] damaged = jpeg.clone();
                // Headers are where damage is most interesting: half the flips land in the first 300 bytes.
                int at = i % 2 == 0 ? random.nextInt(300) : random.nextInt(jpeg.length);
                damaged[at] ^= (byte) (1 + random.nextInt(255));
                if (decodeOrRefuse(damaged).isEmpty()) {
                    refused++;
                }
            }
            assertThat(refused).as("some damage is caught").isPositive();
        });
    }

    // Helpers.

    private static Optional<Jpeg12Decoder.Image> decodeOrRefuse(byte[] jpeg) {
        try {
            return Optional.of(Jpeg12Decoder.decode(jpeg, LIMITS, ImageProblem.DICOM_UNSUPPORTED));
        } catch (InvalidImageException e) {
            assertThat(e.getMessage()).doesNotContain("Exception").endsWith(".");
            return Optional.empty();
        }
    }

    private static Jpeg12Decoder.Image decode(byte[] jpeg) {
        return Jpeg12Decoder.decode(jpeg, LIMITS, ImageProblem.DICOM_UNSUPPORTED);
    }

    private static Jpeg12Decoder.Image decodeDicom(String name) {
        return decode(DicomCorpus.jpegStream(name));
    }

    private static void assertCorrupt(byte[] jpeg, String says) {
        assertThatThrownBy(() -> decode(jpeg)).isInstanceOfSatisfying(InvalidImageException.class, e -> {
            assertThat(e.problem()).as(e.getMessage()).isEqualTo(ImageProblem.CORRUPT);
            assertThat(e.getMessage()).contains(says);
        });
    }

    private static void assertCloseToReference(Jpeg12Decoder.Image image, String reference) {
        int[] expected = referenceSamples(DicomCorpus.committed(reference));
        Difference d = difference(image.samples(), expected);
        // The report's numbers: how far from DCMTK (libjpeg's accurate integer IDCT) the exact IDCT lands.
        System.out.printf("Jpeg12Decoder vs DCMTK on %s: max %d, mean %.4f, differing %.2f%% of samples%n", reference,
                d.max(), d.mean(), 100.0 * d.differing() / expected.length);
        assertThat(d.max()).as("max difference").isLessThanOrEqualTo(1);
        // Measured 0.006 to 0.045: libjpeg's 12-bit integer IDCT keeps one fraction bit between its passes.
        assertThat(d.mean()).as("mean difference").isLessThan(0.1);
    }

    record Difference(int max, double mean, int differing) {
    }

    private static Difference difference(int[] a, int[] b) {
        assertThat(a).hasSameSizeAs(b);
        int max = 0;
        long sum = 0;
        int differing = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs(a[i] - b[i]);
            max = Math.max(max, d);
            sum += d;
            differing += d > 0 ? 1 : 0;
        }
        return new Difference(max, sum / (double) a.length, differing);
    }

    /** The 16-bit samples of a deflated explicit VR little endian file (DCMTK's decoded references). */
    static int[] referenceSamples(byte[] deflatedDicom) {
        // The meta group (explicit VR LE, not deflated) starts with its own length: (0002,0000) UL.
        int metaEnd = 144 + (int) (u16le(deflatedDicom, 140) | (long) u16le(deflatedDicom, 142) << 16);
        Inflater inflater = new Inflater(true);
        inflater.setInput(deflatedDicom, metaEnd, deflatedDicom.length - metaEnd);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && inflater.needsInput()) {
                    break;
                }
                out.write(buffer, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException(e);
        } finally {
            inflater.end();
        }
        byte[] data = out.toByteArray();
        int at = lastIndexOf(data, new byte[] {(byte) 0xe0, 0x7f, 0x10, 0x00, 'O', 'W', 0, 0});
        int length = (int) (u16le(data, at + 8) | (long) u16le(data, at + 10) << 16);
        int[] samples = new int[length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = u16le(data, at + 12 + 2 * i);
        }
        return samples;
    }

    /** The JDK's raw samples (no colour conversion) of an 8-bit JPEG. */
    private static int[] jdkSamples(byte[] jpeg) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        ImageReader reader = null;
        while (readers.hasNext()) {
            ImageReader candidate = readers.next();
            if (candidate.getClass().getName().startsWith("com.sun.imageio")) {
                reader = candidate;
            }
        }
        assertThat(reader).as("the JDK's JPEG reader").isNotNull();
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(in);
            Raster raster = reader.readRaster(0, null);
            return raster.getPixels(0, 0, raster.getWidth(), raster.getHeight(), (int[]) null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            reader.dispose();
        }
    }

    /** A JPEG by the JDK's writer with a restart interval of {@code interval} MCUs. */
    private static byte[] jdkJpeg(java.awt.image.BufferedImage image, int interval) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            javax.imageio.ImageTypeSpecifier type = javax.imageio.ImageTypeSpecifier.createFromRenderedImage(image);
            IIOMetadata metadata = writer.getDefaultImageMetadata(type, null);
            String format = "javax_imageio_jpeg_image_1.0";
            Node tree = metadata.getAsTree(format);
            Node markers = ((Element) tree).getElementsByTagName("markerSequence").item(0);
            javax.imageio.metadata.IIOMetadataNode dri = new javax.imageio.metadata.IIOMetadataNode("dri");
            dri.setAttribute("interval", Integer.toString(interval));
            markers.insertBefore(dri, markers.getFirstChild());
            metadata.setFromTree(format, tree);
            writer.write(null, new IIOImage(image, null, metadata), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The stream with its first segment of {@code marker} removed. */
    private static byte[] without(byte[] jpeg, int marker) {
        int at = segment(jpeg, marker);
        int end = at + 2 + u16(jpeg, at + 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, at);
        out.write(jpeg, end, jpeg.length - end);
        return out.toByteArray();
    }

    /** The stream with its (one, 8-bit) quantisation table rewritten with 16-bit entries. */
    private static byte[] widenQuantisationTable(byte[] jpeg) {
        int at = segment(jpeg, 0xdb);
        assertThat(u16(jpeg, at + 2)).isEqualTo(67);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, at + 2);
        out.write(0);
        out.write(131);
        out.write(0x10 | jpeg[at + 4] & 0x0f);
        for (int i = 0; i < 64; i++) {
            out.write(0);
            out.write(jpeg[at + 5 + i]);
        }
        out.write(jpeg, at + 69, jpeg.length - at - 69);
        return out.toByteArray();
    }

    /** Where the first segment of {@code marker} starts (its FF), walking the segments from SOI. */
    private static int segment(byte[] jpeg, int marker) {
        int at = 2;
        while (at + 4 <= jpeg.length) {
            int m = jpeg[at + 1] & 0xff;
            if (m == marker) {
                return at;
            }
            if (m == 0xda) {
                break;
            }
            at += 2 + u16(jpeg, at + 2);
        }
        throw new AssertionError("no segment " + Integer.toHexString(marker));
    }

    private static int indexOf(byte[] data, byte a, byte b, int from) {
        for (int i = from; i + 1 < data.length; i++) {
            if (data[i] == a && data[i + 1] == b) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private static int lastIndexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = data.length - pattern.length; i >= 0; i--) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static int u16le(byte[] b, int at) {
        return b[at] & 0xff | (b[at + 1] & 0xff) << 8;
    }
}
