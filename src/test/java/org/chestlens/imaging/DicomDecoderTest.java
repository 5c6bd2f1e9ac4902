package org.chestlens.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chestlens.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** DICOM files the tests write themselves, one written by pydicom (a fixture), and the real SIIM sample (profile dataset). */
class DicomDecoderTest {

    /** A real chest X-ray as JPEG baseline DICOM, made by src/test/resources/dicom/make_fixture.py. */
    public static final Path DICOM_FIXTURE = Path.of("src/test/resources/dicom/chest-jpeg-baseline.dcm");

    private static final ImageDecoder DECODER = new ImageDecoder(new ImageLimits(30L << 20, 50_000_000L, 8));
    private static final int W = 16;
    private static final int H = 12;

    @Test
    void explicitLittleEndian8BitMonochrome2IsReadAsIs() {
        byte[] px = ramp8();
        byte[] file = DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 8, 8, false, "MONOCHROME2")
                .otherSequence().iconWithEncapsulatedPixels().pixels8(px).build();
        // What is kept of a DICOM file is a rendering of its pixels: nothing to keep before decoding.
        assertThat(DECODER.inspect(file).format()).isEqualTo(ImageFormat.DICOM);
        assertThat(DECODER.inspect(file).copyToKeep()).isEmpty();
        DecodedImage d = DECODER.decode(file);
        assertThat(d.format()).isEqualTo(ImageFormat.DICOM);
        assertThat(d.width()).isEqualTo(W);
        assertThat(d.height()).isEqualTo(H);
        assertThat(d.grey().pixels()).containsExactly(px);
        assertThat(d.saturation()).isZero();
    }

    @Test
    void implicitLittleEndian16BitMonochrome1IsWindowedThenInverted() {
        int[] values = ramp16(4095);
        byte[] file = DicomFiles.of(DicomDecoder.IMPLICIT_LE).image(H, W, 16, 12, false, "MONOCHROME1")
                .string(0x00281050, "DS", "2048\\1000").string(0x00281051, "DS", "1024\\500").pixels16(values).build();
        DecodedImage d = DECODER.decode(file);
        assertThat(d.bitDepth()).isEqualTo(16);
        for (int i = 0; i < values.length; i++) {
            int expected = 255 - DicomDecoder.window(values[i], 2048, 1024, "LINEAR");
            assertThat(d.grey().pixels()[i] & 0xff).as("pixel %d", i).isEqualTo(expected);
        }
        // Dark where the stored value is high (MONOCHROME1), and the first window is the one used.
        assertThat(d.grey().pixels()[values.length - 1] & 0xff).isZero();
        assertThat(d.grey().pixels()[0] & 0xff).isEqualTo(255);
    }

    @Test
    void linearWindowFollowsTheStandard() {
        // PS3.3 C.11.2.1.2 with c = 100, w = 51: below 75 -> 0, above 124 -> 255, linear between.
        assertThat(DicomDecoder.window(74.5, 100, 51, "LINEAR")).isZero();
        assertThat(DicomDecoder.window(125, 100, 51, "LINEAR")).isEqualTo(255);
        assertThat(DicomDecoder.window(99.5, 100, 51, "LINEAR")).isEqualTo(128);
        assertThat(DicomDecoder.window(100, 100, 50, "LINEAR_EXACT")).isEqualTo(128);
        assertThat(DicomDecoder.window(100, 100, 50, "SIGMOID")).isEqualTo(128);
    }

    @Test
    void signedDataIsRescaledBeforeWindowing() {
        // CT-like: stored signed 16-bit, HU = stored * 1 - 1024, lung window c=-600 w=1500.
        int[] stored = new int[W * H];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = (i * 37 % 2000) - 500; // negative values too
        }
        int[] twos = stored.clone();
        for (int i = 0; i < twos.length; i++) {
            twos[i] &= 0xffff;
        }
        DecodedImage d = DECODER.decode(DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 16, 16, true, "MONOCHROME2")
                .string(0x00281052, "DS", "-1024").string(0x00281053, "DS", "1").string(0x00281050, "DS", "-600")
                .string(0x00281051, "DS", "1500").pixels16(twos).build());
        for (int i = 0; i < stored.length; i++) {
            assertThat(d.grey().pixels()[i] & 0xff).isEqualTo(DicomDecoder.window(stored[i] - 1024, -600, 1500, "LINEAR"));
        }
    }

    @Test
    void withoutWindowSixteenBitDataIsStretchedMinToMax() {
        int[] values = ramp16(1000);
        DecodedImage d = DECODER.decode(DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 16, 16, false, "MONOCHROME2")
                .pixels16(values).build());
        assertThat(d.grey().pixels()[0] & 0xff).isZero();
        assertThat(d.grey().pixels()[values.length - 1] & 0xff).isEqualTo(255);
    }

    @Test
    void voiLutSequenceIsApplied() {
        int[] lut = new int[256];
        for (int i = 0; i < lut.length; i++) {
            lut[i] = 4095 - i * 16; // an inverting 12-bit LUT
        }
        int[] values = new int[W * H];
        for (int i = 0; i < values.length; i++) {
            values[i] = 100 + i; // first mapped value 100
        }
        DecodedImage d = DECODER.decode(DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 16, 16, false, "MONOCHROME2")
                .voiLut(256, 100, 12, lut).pixels16(values).build());
        for (int i = 0; i < values.length; i++) {
            int k = Math.min(255, i);
            assertThat(d.grey().pixels()[i] & 0xff).isEqualTo((int) Math.floor(lut[k] * 255.0 / 4095 + 0.5));
        }
    }

    @Test
    void explicitBigEndianAndDeflatedAreRead() {
        int[] values = ramp16(4000);
        DecodedImage be = DECODER.decode(DicomFiles.of(DicomDecoder.EXPLICIT_BE).image(H, W, 16, 16, false, "MONOCHROME2")
                .pixels16(values).build());
        DecodedImage le = DECODER.decode(DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 16, 16, false, "MONOCHROME2")
                .pixels16(values).build());
        DecodedImage deflated = DECODER.decode(DicomFiles.of(DicomDecoder.DEFLATED_LE).image(H, W, 16, 16, false, "MONOCHROME2")
                .pixels16(values).build());
        assertThat(be.grey().pixels()).containsExactly(le.grey().pixels());
        assertThat(deflated.grey().pixels()).containsExactly(le.grey().pixels());
    }

    @Test
    void encapsulatedJpegBaselineInFragments() {
        BufferedImage phantom = TestImages.phantomChest(96, 80, 3);
        byte[] jpeg = TestImages.jpeg(phantom);
        int half = jpeg.length / 2;
        byte[] file = DicomFiles.of(DicomDecoder.JPEG_BASELINE).image(80, 96, 8, 8, false, "MONOCHROME2")
                .encapsulated(List.of(java.util.Arrays.copyOf(jpeg, half), java.util.Arrays.copyOfRange(jpeg, half, jpeg.length)))
                .build();
        DecodedImage d = DECODER.decode(file);
        assertThat(d.grey().pixels()).containsExactly(DECODER.decode(jpeg).grey().pixels());
        assertThat(d.clean().mediaType()).isEqualTo("image/png");
    }

    @Test
    void twelveBitLossyJpegInFragmentsAsMonochrome1() {
        // DCMTK's 12-bit JPEG stream in a file of another writer: split across fragments, MONOCHROME1, no window.
        byte[] jpeg = DicomCorpus.jpegStream("generated/dcmtk_jpeg_extended_12bit.dcm");
        int third = jpeg.length / 3;
        byte[] file = DicomFiles.of(DicomDecoder.JPEG_EXTENDED).image(192, 192, 16, 12, false, "MONOCHROME1")
                .encapsulated(List.of(java.util.Arrays.copyOf(jpeg, third), java.util.Arrays.copyOfRange(jpeg, third, jpeg.length)))
                .build();
        DecodedImage d = DECODER.decode(file);
        assertThat(d.bitDepth()).isEqualTo(16);
        // The decoder's samples, min-max stretched (no window in this file), then inverted.
        int[] samples = Jpeg12Decoder.decode(jpeg, ImageLimits.DEFAULT, ImageProblem.DICOM_UNSUPPORTED).samples();
        GreyImage stretched = Rasters.stretch(samples, 192, 192);
        for (int i = 0; i < samples.length; i++) {
            assertThat(d.grey().pixels()[i] & 0xff).as("pixel %d", i).isEqualTo(255 - (stretched.pixels()[i] & 0xff));
        }
        // The same stream said to be 128 x 192 by the data set: refused, not cropped or padded. And a stream that claims
        // 7000 x 7000 in a 192 x 192 data set is refused before decoding (the memory admission reserved for 192 x 192).
        byte[] mismatch = DicomFiles.of(DicomDecoder.JPEG_EXTENDED).image(128, 192, 16, 12, false, "MONOCHROME2")
                .encapsulated(List.of(jpeg)).build();
        assertProblem(mismatch, ImageProblem.CORRUPT, "does not match the image size");
        byte[] larger = DicomFiles.of(DicomDecoder.JPEG_EXTENDED).image(192, 192, 16, 12, false, "MONOCHROME2")
                .encapsulated(List.of(HostileFiles.jpegWithSize(jpeg, 7000, 7000))).build();
        assertProblem(larger, ImageProblem.CORRUPT, "does not match the image size");
        // 12-bit progressive JPEG: refused with what to do instead.
        byte[] progressive = jpeg.clone();
        for (int i = 2; i + 1 < progressive.length; i++) {
            if ((progressive[i] & 0xff) == 0xff && (progressive[i + 1] & 0xff) == 0xc1) {
                progressive[i + 1] = (byte) 0xc2;
                break;
            }
        }
        assertProblem(DicomFiles.of(DicomDecoder.JPEG_EXTENDED).image(192, 192, 16, 12, false, "MONOCHROME2")
                .encapsulated(List.of(progressive)).build(), ImageProblem.DICOM_UNSUPPORTED, "12-bit progressive JPEG");
    }

    @Test
    void rleLossless8And16Bit() {
        byte[] px8 = ramp8();
        int[] values8 = new int[px8.length];
        for (int i = 0; i < px8.length; i++) {
            values8[i] = px8[i] & 0xff;
        }
        DecodedImage d8 = DECODER.decode(DicomFiles.of(DicomDecoder.RLE).image(H, W, 8, 8, false, "MONOCHROME2")
                .encapsulated(List.of(DicomFiles.rle(values8, 1))).build());
        assertThat(d8.grey().pixels()).containsExactly(px8);
        int[] values16 = ramp16(3000);
        DecodedImage d16 = DECODER.decode(DicomFiles.of(DicomDecoder.RLE).image(H, W, 16, 16, false, "MONOCHROME2")
                .encapsulated(List.of(DicomFiles.rle(values16, 2))).build());
        DecodedImage native16 = DECODER.decode(DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 16, 16, false, "MONOCHROME2")
                .pixels16(values16).build());
        assertThat(d16.grey().pixels()).containsExactly(native16.grey().pixels());
    }

    @Test
    void nativeRgbBecomesGreyWithSaturation() {
        byte[] rgb = new byte[W * H * 3];
        for (int i = 0; i < W * H; i++) {
            rgb[3 * i] = (byte) 200;
            rgb[3 * i + 1] = (byte) 10;
            rgb[3 * i + 2] = (byte) 10;
        }
        DicomFiles f = DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 8, 8, false, "RGB");
        f.us(0x00280002, 3);
        DecodedImage d = DECODER.decode(f.pixels8(rgb).build());
        assertThat(d.grey().pixels()[0] & 0xff).isEqualTo((200 * 19595 + 10 * 38470 + 10 * 7471 + 0x8000) >> 16);
        assertThat(d.saturation()).isCloseTo(190 / 255.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void refusesMultiFrameNonImageAndUnsupportedEncodings() {
        byte[] multi = DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 8, 8, false, "MONOCHROME2")
                .string(0x00280008, "IS", "12").pixels8(new byte[W * H * 12]).build();
        assertProblem(multi, ImageProblem.DICOM_MULTIFRAME, "12 frames");
        byte[] report = DicomFiles.of(DicomDecoder.EXPLICIT_LE).string(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.88.11")
                .build();
        assertProblem(report, ImageProblem.DICOM_NOT_IMAGE, "holds no image");
        byte[] jpegLs = DicomFiles.of("1.2.840.10008.1.2.4.80").image(H, W, 8, 8, false, "MONOCHROME2")
                .encapsulated(List.of(new byte[] {1, 2})).build();
        assertProblem(jpegLs, ImageProblem.DICOM_UNSUPPORTED, "JPEG-LS");
        byte[] palette = DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 8, 8, false, "PALETTE COLOR")
                .pixels8(ramp8()).build();
        assertProblem(palette, ImageProblem.DICOM_UNSUPPORTED, "PALETTE COLOR");
    }

    @Test
    void sequencesNestedThousandsDeepAreRefusedNotAStackOverflow() {
        // Before: StackOverflowError (HTTP 500). The bound is far above what real files nest (pydicom's test-SR.dcm, a structured report: 5 levels).
        for (boolean explicit : new boolean[] {true, false}) {
            String syntax = explicit ? DicomDecoder.EXPLICIT_LE : DicomDecoder.IMPLICIT_LE;
            byte[] deep = DicomFiles.of(syntax).nestedSequences(20_000).image(H, W, 8, 8, false, "MONOCHROME2")
                    .pixels8(ramp8()).build();
            assertProblem(deep, ImageProblem.DICOM_UNSUPPORTED, "nests sequences more than 64 deep");
            byte[] usual = DicomFiles.of(syntax).nestedSequences(DicomDecoder.MAX_SEQUENCE_DEPTH)
                    .image(H, W, 8, 8, false, "MONOCHROME2").pixels8(ramp8()).build();
            assertThat(DECODER.decode(usual).grey().pixels()).containsExactly(ramp8());
        }
    }

    @Test
    void truncatedOrShortPixelDataIsCorrupt() {
        byte[] file = DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 16, 16, false, "MONOCHROME2")
                .pixels16(ramp16(100)).build();
        assertProblem(java.util.Arrays.copyOf(file, file.length - 50), ImageProblem.CORRUPT, "could not be read");
        byte[] shortData = DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 16, 16, false, "MONOCHROME2")
                .pixels16(new int[10]).build();
        assertProblem(shortData, ImageProblem.CORRUPT, "shorter");
    }

    @Test
    void sizeLimitsAreCheckedFromTheTagsBeforeThePixels() {
        byte[] huge = DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(60000, 60000, 16, 16, false, "MONOCHROME2")
                .pixels16(new int[4]).build();
        assertProblem(huge, ImageProblem.TOO_MANY_PIXELS, "megapixels");
        byte[] tiny = DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(4, 4, 8, 8, false, "MONOCHROME2")
                .pixels8(new byte[16]).build();
        assertProblem(tiny, ImageProblem.TOO_SMALL, "only 4 x 4");
    }

    @Test
    void noDicomTagSurvivesIntoTheStoredImage() {
        byte[] file = DicomFiles.of(DicomDecoder.EXPLICIT_LE).image(H, W, 8, 8, false, "MONOCHROME2").pixels8(ramp8()).build();
        assertThat(new String(file, StandardCharsets.ISO_8859_1)).contains(DicomFiles.PATIENT_NAME);
        DecodedImage d = DECODER.decode(file);
        String stored = new String(d.clean().bytes(), StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain("Doe").doesNotContain("SECRET").doesNotContain("DICM");
        assertThat(DECODER.decode(d.clean().bytes()).grey().pixels()).containsExactly(d.grey().pixels());
    }

    /**
     * A real radiograph in a DICOM file written by another program (pydicom; src/test/resources/dicom/make_fixture.py):
     * JPEG baseline, MONOCHROME2, patient tags that must not reach the stored image.
     */
    @Test
    void radiographInAJpegBaselineDicomFromAnotherWriter() throws Exception {
        byte[] bytes = Files.readAllBytes(DICOM_FIXTURE);
        DecodedImage d = new ImageDecoder(ImageLimits.DEFAULT).decode(bytes);
        assertThat(d.format()).isEqualTo(ImageFormat.DICOM);
        assertThat(d.width()).isEqualTo(224);
        assertThat(d.height()).isEqualTo(224);
        assertRadiographWithoutPatientData(bytes, d);
        assertThat(patientValues(bytes)).contains("Doe^Jane^SECRETNAME", "SECRET-PID-4711");
    }

    /** The SIIM sample of the data set (1024 x 1024, JPEG baseline, MONOCHROME2): profile {@code dataset}. */
    @Test
    @Tag(SharedData.TAG)
    void realSiimSampleMonochrome2JpegBaseline() throws Exception {
        byte[] bytes = Files.readAllBytes(SharedData.require("dicom/siim-sample-monochrome2.dcm"));
        DecodedImage d = new ImageDecoder(ImageLimits.DEFAULT).decode(bytes);
        assertThat(d.format()).isEqualTo(ImageFormat.DICOM);
        assertThat(d.width()).isEqualTo(1024);
        assertThat(d.height()).isEqualTo(1024);
        assertRadiographWithoutPatientData(bytes, d);
    }

    private static void assertRadiographWithoutPatientData(byte[] bytes, DecodedImage d) {
        double mean = d.grey().sum() / ((double) d.width() * d.height());
        assertThat(mean).as("a radiograph, neither blank nor saturated").isBetween(40.0, 215.0);
        assertThat(d.clean().mediaType()).isEqualTo("image/png");
        String stored = new String(d.clean().bytes(), StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain("DICM");
        // Whatever the patient tags say, none of their text appears in what is stored.
        for (String tagValue : patientValues(bytes)) {
            assertThat(stored).doesNotContain(tagValue);
        }
    }

    /** The values of (0010,0010) and (0010,0020) in an explicit VR file, found by their tag bytes. */
    private static List<String> patientValues(byte[] file) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (int tagElement : new int[] {0x10, 0x20}) {
            for (int i = 132; i + 8 < file.length; i++) {
                if (file[i] == 0x10 && file[i + 1] == 0 && file[i + 2] == tagElement && file[i + 3] == 0) {
                    int length = (file[i + 6] & 0xff) | ((file[i + 7] & 0xff) << 8);
                    String value = new String(file, i + 8, Math.min(length, 64), StandardCharsets.ISO_8859_1).strip();
                    if (value.length() >= 3) {
                        out.add(value);
                    }
                    break;
                }
            }
        }
        return out;
    }

    private static void assertProblem(byte[] file, ImageProblem problem, String messagePart) {
        assertThatThrownBy(() -> DECODER.decode(file)).isInstanceOfSatisfying(InvalidImageException.class, e -> {
            assertThat(e.problem()).isEqualTo(problem);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    private static byte[] ramp8() {
        byte[] px = new byte[W * H];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 255 / (px.length - 1));
        }
        return px;
    }

    private static int[] ramp16(int max) {
        int[] v = new int[W * H];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * max / (v.length - 1);
        }
        return v;
    }
}
