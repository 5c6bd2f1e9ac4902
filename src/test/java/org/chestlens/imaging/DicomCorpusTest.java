package org.chestlens.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * DICOM files written by other software ({@link DicomCorpus}): each is decoded or refused with a specific problem,
 * never another exception and never a hang; lossless encodings give back the pixels of their uncompressed source.
 */
class DicomCorpusTest {

    /** No minimum side: the corpus' small test images are decoded, not refused as too small. */
    private static final ImageDecoder DECODER = new ImageDecoder(new ImageLimits(30L << 20, 50_000_000L, 1));
    /** Generous for a busy 2-core machine: a hang, not a slow decode, is what this catches. */
    private static final Duration PER_FILE = Duration.ofSeconds(60);

    /** What the committed files must give: empty = decoded. */
    private static final Map<String, Optional<ImageProblem>> COMMITTED = Map.ofEntries(
            Map.entry("pydicom/JPEG2000.dcm", Optional.empty()),
            Map.entry("pydicom/JPGExtended.dcm", Optional.empty()),
            Map.entry("pydicom/JPGExtended_dcmd.dcm", Optional.empty()),
            Map.entry("pydicom/MR_small.dcm", Optional.empty()),
            Map.entry("pydicom/MR_small_jp2klossless.dcm", Optional.empty()),
            Map.entry("pydicom/MR_small_jpeg_ls_lossless.dcm", Optional.of(ImageProblem.DICOM_UNSUPPORTED)),
            Map.entry("pydicom/MR_truncated.dcm", Optional.of(ImageProblem.CORRUPT)),
            Map.entry("pydicom/SC_rgb_dcmtk_+eb+cy+n2.dcm", Optional.empty()),
            Map.entry("pydicom/SC_rgb_gdcm_KY.dcm", Optional.empty()),
            Map.entry("pydicom/SC_rgb_jpeg.dcm", Optional.empty()),
            Map.entry("pydicom/SC_rgb_jpeg_dcmd.dcm", Optional.empty()),
            Map.entry("pydicom/SC_rgb_jpeg_gdcm.dcm", Optional.empty()),
            Map.entry("pydicom/SC_rgb_rle.dcm", Optional.empty()),
            Map.entry("pydicom/SC_ybr_full_422_uncompressed.dcm", Optional.empty()),
            Map.entry("pydicom/UN_sequence.dcm", Optional.of(ImageProblem.DICOM_NOT_IMAGE)),
            Map.entry("generated/dcmtk_jpeg_baseline_8bit.dcm", Optional.empty()),
            Map.entry("generated/dcmtk_jpeg_baseline_ybr_full_422.dcm", Optional.empty()),
            Map.entry("generated/dcmtk_jpeg_extended_12bit.dcm", Optional.empty()),
            Map.entry("generated/dcmtk_jpeg_extended_12bit_dcmd.dcm", Optional.empty()),
            Map.entry("generated/dcmtk_jpeg_extended_12bit_q10.dcm", Optional.empty()),
            Map.entry("generated/dcmtk_jpeg_extended_12bit_q10_dcmd.dcm", Optional.empty()),
            Map.entry("generated/dcmtk_jpeg_extended_12bit_ybr_full.dcm", Optional.empty()),
            Map.entry("generated/dcmtk_jpeg_extended_12bit_ybr_full_dcmd.dcm", Optional.empty()),
            Map.entry("generated/dcmtk_jpeg_extended_12bit_ybr_full_422.dcm", Optional.of(ImageProblem.DICOM_UNSUPPORTED)),
            Map.entry("generated/dcmtk_jpeg_lossless_sv1_12bit.dcm", Optional.empty()),
            Map.entry("generated/gdcm_j2k_lossless_12bit.dcm", Optional.empty()),
            Map.entry("generated/gdcm_jpegls_lossless_12bit.dcm", Optional.of(ImageProblem.DICOM_UNSUPPORTED)),
            Map.entry("generated/gdcm_rle_12bit.dcm", Optional.empty()),
            Map.entry("generated/pydicom_uncompressed_12bit.dcm", Optional.empty()));

    /**
     * Files of pydicom 3.0.2's wheel that are refused, and why; every other DICOM image in it is decoded. (Files that
     * are not DICOM at all, like its READMEs and JSON, are refused as an unsupported format.)
     */
    private static final Map<String, ImageProblem> WHEEL_REFUSALS = Map.ofEntries(
            Map.entry("test_files/ExplVR_BigEndNoMeta.dcm", ImageProblem.UNSUPPORTED_FORMAT), // no Part 10 header
            Map.entry("test_files/ExplVR_LitEndNoMeta.dcm", ImageProblem.UNSUPPORTED_FORMAT),
            Map.entry("test_files/no_meta.dcm", ImageProblem.UNSUPPORTED_FORMAT),
            Map.entry("test_files/rtstruct.dcm", ImageProblem.UNSUPPORTED_FORMAT),
            Map.entry("test_files/JPEGLSNearLossless_08.dcm", ImageProblem.DICOM_UNSUPPORTED), // JPEG-LS
            Map.entry("test_files/JPEGLSNearLossless_16.dcm", ImageProblem.DICOM_UNSUPPORTED),
            Map.entry("test_files/MR_small_jpeg_ls_lossless.dcm", ImageProblem.DICOM_UNSUPPORTED),
            Map.entry("test_files/SC_rgb_jls_lossy_line.dcm", ImageProblem.DICOM_UNSUPPORTED),
            Map.entry("test_files/SC_rgb_jls_lossy_sample.dcm", ImageProblem.DICOM_UNSUPPORTED),
            Map.entry("test_files/SC_rgb_rle_32bit.dcm", ImageProblem.DICOM_UNSUPPORTED), // 32-bit
            Map.entry("test_files/rtdose_1frame.dcm", ImageProblem.DICOM_UNSUPPORTED),
            Map.entry("test_files/rtdose_expb_1frame.dcm", ImageProblem.DICOM_UNSUPPORTED),
            Map.entry("test_files/rtdose_rle_1frame.dcm", ImageProblem.DICOM_UNSUPPORTED),
            Map.entry("test_files/liver_1frame.dcm", ImageProblem.DICOM_UNSUPPORTED), // 1-bit segmentation
            Map.entry("test_files/liver_expb_1frame.dcm", ImageProblem.DICOM_UNSUPPORTED),
            Map.entry("test_files/examples_palette.dcm", ImageProblem.DICOM_UNSUPPORTED), // palette colour
            Map.entry("test_files/SC_rgb_rle_2frame.dcm", ImageProblem.DICOM_MULTIFRAME),
            Map.entry("test_files/SC_rgb_rle_16bit_2frame.dcm", ImageProblem.DICOM_MULTIFRAME),
            Map.entry("test_files/SC_rgb_rle_32bit_2frame.dcm", ImageProblem.DICOM_MULTIFRAME),
            Map.entry("test_files/examples_ybr_color.dcm", ImageProblem.DICOM_MULTIFRAME),
            Map.entry("test_files/rtdose.dcm", ImageProblem.DICOM_MULTIFRAME),
            Map.entry("test_files/rtdose_expb.dcm", ImageProblem.DICOM_MULTIFRAME),
            Map.entry("test_files/rtdose_rle.dcm", ImageProblem.DICOM_MULTIFRAME),
            Map.entry("test_files/JPEG2000-embedded-sequence-delimiter.dcm", ImageProblem.CORRUPT), // broken codestream
            Map.entry("test_files/MR_truncated.dcm", ImageProblem.CORRUPT),
            Map.entry("test_files/rtplan_truncated.dcm", ImageProblem.CORRUPT),
            Map.entry("test_files/badVR.dcm", ImageProblem.CORRUPT), // Number of Frames "1A"
            Map.entry("test_files/meta_missing_tsyntax.dcm", ImageProblem.CORRUPT),
            Map.entry("test_files/nested_priv_SQ.dcm", ImageProblem.CORRUPT)); // 2 bytes of pixel data, no size

    @TestFactory
    Stream<DynamicTest> everyCommittedFileIsDecodedOrRefusedAsExpected() {
        List<DicomCorpus.Entry> files = DicomCorpus.committed();
        assertThat(files).extracting(DicomCorpus.Entry::name).containsExactlyInAnyOrderElementsOf(COMMITTED.keySet());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.name(),
                () -> assertOutcome(file, COMMITTED.get(file.name()))));
    }

    @TestFactory
    Stream<DynamicTest> everyFileOfThePydicomWheelIsDecodedOrRefusedWithAReason() {
        Optional<Path> wheel = DicomCorpus.wheel();
        assumeTrue(wheel.isPresent(), "no pydicom wheel on this machine (the committed subset still runs)");
        List<DicomCorpus.Entry> files = DicomCorpus.wheel(wheel.get());
        assertThat(files).hasSizeGreaterThan(100);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.name(), () -> assertOutcome(file, expected(file.name()))));
    }

    private static Optional<ImageProblem> expected(String name) {
        if (WHEEL_REFUSALS.containsKey(name)) {
            return Optional.of(WHEEL_REFUSALS.get(name));
        }
        if (name.matches("palettes/.*\\.dcm") || name.contains("DICOMDIR") || name.contains("TINY_ALPHA/PT")
                || name.matches("charset_files/chr(JapMulti|JapMultiExplicitIR6|KoreanMulti|SQEncoding1?)\\.dcm")
                || name.matches("test_files/(UN_sequence|empty_charset_LEI|no_meta_group_length|priv_SQ|reportsi"
                        + "|reportsi_with_empty_number_tags|rtplan|test-SR|waveform_ecg)\\.dcm")) {
            return Optional.of(ImageProblem.DICOM_NOT_IMAGE); // reports, plans, palettes, waveforms, directories
        }
        boolean dicomImage = name.endsWith(".dcm") || name.matches("test_files/dicomdirtests/\\d+/.*");
        return dicomImage ? Optional.empty() : Optional.of(ImageProblem.UNSUPPORTED_FORMAT);
    }

    private static void assertOutcome(DicomCorpus.Entry file, Optional<ImageProblem> expected) {
        assertTimeoutPreemptively(PER_FILE, () -> {
            if (expected.isEmpty()) {
                DecodedImage image = DECODER.decode(file.bytes());
                assertThat(image.width() * image.height()).isPositive();
                assertThat(image.clean().mediaType()).isEqualTo("image/png");
            } else {
                assertThatThrownBy(() -> DECODER.decode(file.bytes())).isInstanceOfSatisfying(InvalidImageException.class,
                        e -> {
                            assertThat(e.problem()).as(e.getMessage()).isEqualTo(expected.get());
                            assertThat(e.getMessage()).doesNotContain("Exception").endsWith(".");
                        });
            }
        }, file.name());
    }

    @Test
    void rgbJpegBaselineWithAnImplicitVrDataSetMatchesItsDecompressedCopy() {
        // Before: "corrupt" (its data set is implicit VR under an explicit transfer syntax, and its Adobe segment is
        // cut short). SC_rgb_jpeg_dcmd.dcm is the same image decompressed by another toolkit (same SOP Instance UID).
        DecodedImage jpeg = decode("pydicom/SC_rgb_jpeg.dcm");
        DecodedImage reference = decode("pydicom/SC_rgb_jpeg_dcmd.dcm");
        assertThat(jpeg.width()).isEqualTo(256);
        assertThat(maxDifference(jpeg, reference)).isLessThanOrEqualTo(1);
        assertThat(jpeg.saturation()).isCloseTo(reference.saturation(), org.assertj.core.data.Offset.offset(0.005));
    }

    @Test
    void ybrFull422UncompressedReadsLikeTheJpegItWasMadeFrom() {
        // Before: "corrupt" (pixel data "shorter than the image": two samples per pixel, not three).
        DecodedImage ybr422 = decode("pydicom/SC_ybr_full_422_uncompressed.dcm");
        DecodedImage source = decode("pydicom/SC_rgb_dcmtk_+eb+cy+n2.dcm");
        DecodedImage original = decode("pydicom/SC_rgb_rle.dcm");
        assertThat(maxDifference(ybr422, source)).isLessThanOrEqualTo(2);
        assertThat(meanDifference(ybr422, original)).isLessThan(2.0);
        assertThat(ybr422.saturation()).isCloseTo(original.saturation(), org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void losslessEncodingsGiveBackTheOriginalPixels() {
        DecodedImage rgb = decode("pydicom/SC_rgb_rle.dcm");
        assertThat(decode("pydicom/SC_rgb_jpeg_gdcm.dcm").grey().pixels()).as("JPEG lossless RGB")
                .containsExactly(rgb.grey().pixels());
        assertThat(decode("pydicom/SC_rgb_gdcm_KY.dcm").grey().pixels()).as("JPEG 2000 RGB")
                .containsExactly(rgb.grey().pixels());
        assertThat(decode("pydicom/MR_small_jp2klossless.dcm").grey().pixels()).as("JPEG 2000, signed 16-bit")
                .containsExactly(decode("pydicom/MR_small.dcm").grey().pixels());
        DecodedImage phantom = decode("generated/pydicom_uncompressed_12bit.dcm");
        assertThat(phantom.bitDepth()).isEqualTo(16);
        for (String lossless : List.of("dcmtk_jpeg_lossless_sv1_12bit", "gdcm_j2k_lossless_12bit", "gdcm_rle_12bit")) {
            assertThat(decode("generated/" + lossless + ".dcm").grey().pixels()).as(lossless)
                    .containsExactly(phantom.grey().pixels());
        }
    }

    @Test
    void lossyEncodingsStayCloseToTheOriginal() {
        DecodedImage phantom = decode("generated/pydicom_uncompressed_12bit.dcm");
        assertThat(meanDifference(decode("generated/dcmtk_jpeg_baseline_8bit.dcm"), phantom)).isLessThan(3.0);
        DecodedImage colour = decode("generated/dcmtk_jpeg_baseline_ybr_full_422.dcm");
        // The phantom with a warm tint: grey close to the original, and some colour.
        assertThat(meanDifference(colour, phantom)).isLessThan(12.0);
        assertThat(colour.saturation()).isBetween(0.05, 0.2);
        DecodedImage j2k = decode("pydicom/JPEG2000.dcm"); // NEMA's NM1_J2KI: 16-bit, lossy JPEG 2000
        assertThat(j2k.width()).isEqualTo(256);
        assertThat(j2k.height()).isEqualTo(1024);
        assertThat(j2k.bitDepth()).isEqualTo(16);
    }

    @Test
    void twelveBitLossyJpegReadsLikeDcmtksDecompressedCopy() {
        // Before: refused, 422 "dicom-unsupported" (no decoder on Maven Central reads 12-bit DCT). The *_dcmd files are
        // DCMTK's decoding of the same files, through the same windowing here.
        for (String name : List.of("generated/dcmtk_jpeg_extended_12bit", "generated/dcmtk_jpeg_extended_12bit_q10",
                "pydicom/JPGExtended")) {
            DecodedImage jpeg = decode(name + ".dcm");
            DecodedImage reference = decode(name + "_dcmd.dcm");
            assertThat(jpeg.bitDepth()).as(name).isEqualTo(16);
            assertThat(maxDifference(jpeg, reference)).as(name).isLessThanOrEqualTo(1);
        }
        DecodedImage phantom = decode("generated/pydicom_uncompressed_12bit.dcm");
        assertThat(meanDifference(decode("generated/dcmtk_jpeg_extended_12bit.dcm"), phantom)).isLessThan(1.0);
        // Colour: the 12-bit phantom with a warm tint, 4:4:4 (read) and 4:2:2 (refused, with what to do instead).
        DecodedImage colour = decode("generated/dcmtk_jpeg_extended_12bit_ybr_full.dcm");
        DecodedImage colourReference = decode("generated/dcmtk_jpeg_extended_12bit_ybr_full_dcmd.dcm");
        assertThat(maxDifference(colour, colourReference)).isLessThanOrEqualTo(1);
        assertThat(colour.saturation()).isBetween(0.05, 0.2);
        assertThatThrownBy(() -> decode("generated/dcmtk_jpeg_extended_12bit_ybr_full_422.dcm"))
                .isInstanceOfSatisfying(InvalidImageException.class, e -> {
                    assertThat(e.problem()).isEqualTo(ImageProblem.DICOM_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("subsampled colour").contains("JPEG lossless or as JPEG 2000");
                });
    }

    @Test
    void encodingsNoDecoderHereReadsAreRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> decode("generated/gdcm_jpegls_lossless_12bit.dcm"))
                .isInstanceOfSatisfying(InvalidImageException.class, e -> {
                    assertThat(e.problem()).isEqualTo(ImageProblem.DICOM_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("JPEG-LS");
                });
    }

    private static DecodedImage decode(String name) {
        return DECODER.decode(DicomCorpus.committed(name));
    }

    private static int maxDifference(DecodedImage a, DecodedImage b) {
        assertThat(a.width()).isEqualTo(b.width());
        assertThat(a.height()).isEqualTo(b.height());
        int max = 0;
        for (int i = 0; i < a.grey().pixels().length; i++) {
            max = Math.max(max, Math.abs((a.grey().pixels()[i] & 0xff) - (b.grey().pixels()[i] & 0xff)));
        }
        return max;
    }

    private static double meanDifference(DecodedImage a, DecodedImage b) {
        assertThat(a.width()).isEqualTo(b.width());
        assertThat(a.height()).isEqualTo(b.height());
        long sum = 0;
        for (int i = 0; i < a.grey().pixels().length; i++) {
            sum += Math.abs((a.grey().pixels()[i] & 0xff) - (b.grey().pixels()[i] & 0xff));
        }
        return sum / (double) a.grey().pixels().length;
    }
}
