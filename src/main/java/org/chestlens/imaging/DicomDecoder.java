package org.chestlens.imaging;

import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads the DICOM container of a single-frame radiograph and hands compressed pixel data to maintained ImageIO
 * decoders. No maintained DICOM library is published on Maven Central (dcm4che, PixelMed and Weasis are not), so
 * the container (the part every DICOM reader writes for itself) is read here, and only the tags below:
 * <ul>
 *   <li>Part 10 files (preamble + "DICM"), implicit or explicit VR little endian (whichever the data set really
 *       uses, as pydicom and DCMTK also check), deflated explicit VR little endian, explicit VR big endian;
 *       sequences nested at most {@value #MAX_SEQUENCE_DEPTH} deep;</li>
 *   <li>native pixel data, 8 or 16 bits allocated, any bits stored, signed or unsigned, 1 or 3 samples; RLE lossless
 *       (decoded here: PackBits); JPEG baseline and extended 8-bit, JPEG lossless (process 14, any predictor) via
 *       TwelveMonkeys ImageIO; 12-bit lossy JPEG (extended, process 4) via our own {@link Jpeg12Decoder} (grey, or
 *       colour not subsampled); JPEG 2000 (lossless and lossy) via jai-imageio-jpeg2000;</li>
 *   <li>MONOCHROME1 (inverted after windowing), MONOCHROME2, RGB, YBR_FULL, YBR_FULL_422 (native or JPEG),
 *       YBR_RCT/YBR_ICT (JPEG 2000);</li>
 *   <li>Rescale Slope/Intercept, then the first VOI window (LINEAR, LINEAR_EXACT or SIGMOID) or else the VOI LUT
 *       sequence, or else min-max over the image (identity for plain 8-bit data).</li>
 * </ul>
 * Refused with a message: 12-bit progressive JPEG or subsampled 12-bit colour, JPEG-LS, arithmetic-coded or
 * hierarchical JPEG, MPEG/HEVC video, several frames, palette colour, 1- and 32-bit data, floating-point data.
 * Only the tags above are read for decoding; {@link #studyTags} reads the patient ID and study date for batch
 * uploads, which group files by patient (hashed there, never stored); nothing else leaves this class.
 */
final class DicomDecoder {

    static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String DEFLATED_LE = "1.2.840.10008.1.2.1.99";
    static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";
    static final String JPEG_2000_IMAGE = "1.2.840.10008.1.2.4.91";
    static final String RLE = "1.2.840.10008.1.2.5";

    /** Sequences inside sequences: radiographs and even structured reports stay far below this. */
    static final int MAX_SEQUENCE_DEPTH = 64;

    /** How the pixel data is coded, from the transfer syntax. */
    private enum Codec {
        NATIVE, RUN_LENGTH, JPEG, JPEG_2000;

        static Codec of(String syntax) {
            return switch (syntax) {
                case IMPLICIT_LE, EXPLICIT_LE, DEFLATED_LE, EXPLICIT_BE -> NATIVE;
                case RLE -> RUN_LENGTH;
                case JPEG_BASELINE, JPEG_EXTENDED, JPEG_LOSSLESS, JPEG_LOSSLESS_SV1 -> JPEG;
                case JPEG_2000_LOSSLESS, JPEG_2000_IMAGE -> JPEG_2000;
                default -> null;
            };
        }
    }

    private static final int TRANSFER_SYNTAX = 0x00020010;
    private static final int SAMPLES_PER_PIXEL = 0x00280002;
    private static final int PHOTOMETRIC = 0x00280004;
    private static final int PLANAR_CONFIGURATION = 0x00280006;
    private static final int NUMBER_OF_FRAMES = 0x00280008;
    private static final int ROWS = 0x00280010;
    private static final int COLUMNS = 0x00280011;
    private static final int BITS_ALLOCATED = 0x00280100;
    private static final int BITS_STORED = 0x00280101;
    private static final int HIGH_BIT = 0x00280102;
    private static final int PIXEL_REPRESENTATION = 0x00280103;
    private static final int WINDOW_CENTER = 0x00281050;
    private static final int WINDOW_WIDTH = 0x00281051;
    private static final int RESCALE_INTERCEPT = 0x00281052;
    private static final int RESCALE_SLOPE = 0x00281053;
    private static final int VOI_LUT_FUNCTION = 0x00281056;
    private static final int VOI_LUT_SEQUENCE = 0x00283010;
    private static final int LUT_DESCRIPTOR = 0x00283002;
    private static final int LUT_DATA = 0x00283006;
    private static final int FLOAT_PIXEL_DATA = 0x7fe00008;
    private static final int DOUBLE_PIXEL_DATA = 0x7fe00009;
    private static final int PIXEL_DATA = 0x7fe00010;
    private static final int PATIENT_ID = 0x00100020;
    private static final int STUDY_DATE = 0x00080020;
    private static final int ITEM = 0xfffee000;
    private static final int ITEM_END = 0xfffee00d;
    private static final int SEQUENCE_END = 0xfffee0dd;
    private static final long UNDEFINED = 0xffffffffL;

    /** VRs with a 2-byte reserved field and a 4-byte length in explicit VR. */
    private static final List<String> LONG_VRS = List.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");
    private static final List<String> ALL_VRS = List.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS",
            "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI",
            "UL", "UN", "UR", "US", "UT", "UV");

    record Result(GreyImage grey, double saturation, int bitDepth) {
    }

    /** A value's place in the buffer. */
    private record Element(String vr, int offset, int length) {
    }

    private final byte[] data;
    private boolean explicitVr;
    private final boolean bigEndian;
    private final Map<Integer, Element> elements = new HashMap<>();
    private Map<Integer, Element> voiLutItem;
    private Element nativePixels;
    private List<byte[]> fragments;
    private int depth;
    /** Whether the JPEG stream says it was colour-transformed (empty: it does not say). */
    private Optional<Boolean> colourTransformed = Optional.empty();

    private DicomDecoder(byte[] data, boolean explicitVr, boolean bigEndian) {
        this.data = data;
        this.explicitVr = explicitVr;
        this.bigEndian = bigEndian;
    }

    static Result decode(byte[] file, ImageLimits limits) {
        try {
            return read(file, limits);
        } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException | NumberFormatException e) {
            throw InvalidImageException.corrupt("the DICOM data set is inconsistent");
        }
    }

    private static Result read(byte[] file, ImageLimits limits) {
        // File meta information: always explicit VR little endian, group 0002.
        DicomDecoder meta = new DicomDecoder(file, true, false);
        int at = 132;
        while (at + 8 <= file.length && meta.u16(at) == 0x0002) {
            at = meta.readElement(at, meta.elements, true);
        }
        String syntax = meta.string(TRANSFER_SYNTAX);
        if (syntax == null) {
            throw InvalidImageException.corrupt("the DICOM file has no transfer syntax");
        }
        byte[] body = file;
        int start = at;
        if (syntax.equals(DEFLATED_LE)) {
            body = inflate(file, at, limits);
            start = 0;
        }
        Codec codec = Codec.of(syntax);
        if (codec == null) {
            throw new InvalidImageException(ImageProblem.DICOM_UNSUPPORTED, "This DICOM file is compressed with "
                    + describe(syntax) + ", which this server cannot read. Please export it uncompressed, as JPEG "
                    + "lossless or as JPEG 2000, or upload a PNG.");
        }
        return dataSet(body, start, syntax).image(codec, limits);
    }

    /**
     * Rows x columns x samples per pixel, read from the data set without decoding a pixel (for the memory
     * admission), or -1 when the file does not say or cannot be read that far (decoding then says why).
     * Deflated files answer -1 too: their data set would have to be inflated first.
     */
    static long samples(byte[] file) {
        try {
            DicomDecoder dataset = dataSetWithoutPixels(file);
            if (dataset == null) {
                return -1;
            }
            long rows = dataset.intValue(ROWS, -1);
            long columns = dataset.intValue(COLUMNS, -1);
            return rows <= 0 || columns <= 0 ? -1 : rows * columns * Math.max(1, dataset.intValue(SAMPLES_PER_PIXEL, 1));
        } catch (RuntimeException | StackOverflowError e) {
            return -1;
        }
    }

    /**
     * Patient ID and study date (YYYYMMDD as written) of a Part 10 file, without decoding pixels; nulls when absent
     * or when the file cannot be read that far (deflated data sets are not inflated for this).
     */
    static String[] studyTags(byte[] file) {
        try {
            DicomDecoder dataset = dataSetWithoutPixels(file);
            return dataset == null ? new String[2] : new String[] {dataset.string(PATIENT_ID), dataset.string(STUDY_DATE)};
        } catch (RuntimeException | StackOverflowError e) {
            return new String[2];
        }
    }

    /**
     * The data set's elements after the meta header, pixels not decoded; null without a transfer syntax or when the
     * data set is deflated. Implicit VR under an explicit syntax is read as what it is, as when decoding.
     */
    private static DicomDecoder dataSetWithoutPixels(byte[] file) {
        DicomDecoder meta = new DicomDecoder(file, true, false);
        int at = 132;
        while (at + 8 <= file.length && meta.u16(at) == 0x0002) {
            at = meta.readElement(at, meta.elements, true);
        }
        String syntax = meta.string(TRANSFER_SYNTAX);
        if (syntax == null || syntax.equals(DEFLATED_LE)) {
            return null;
        }
        return dataSet(file, at, syntax);
    }

    /** The data set's elements from {@code start} on, read in the transfer syntax's byte order. */
    private static DicomDecoder dataSet(byte[] body, int start, String syntax) {
        boolean bigEndian = syntax.equals(EXPLICIT_BE);
        boolean explicit = !syntax.equals(IMPLICIT_LE);
        if (!bigEndian && start + 6 <= body.length) {
            // Some writers encode the data set in implicit VR under an explicit transfer syntax (or the reverse):
            // the first element shows which it really is.
            explicit = ALL_VRS.contains(new String(body, start + 4, 2, StandardCharsets.US_ASCII));
        }
        DicomDecoder dataset = new DicomDecoder(body, explicit, bigEndian);
        dataset.parse(start);
        return dataset;
    }

    private void parse(int at) {
        while (at + 8 <= data.length) {
            at = readElement(at, elements, true);
        }
    }

    /** Reads one element; keeps its position in {@code into}, and handles pixel data and VOI LUT items. */
    private int readElement(int at, Map<Integer, Element> into, boolean topLevel) {
        int tag = (u16(at) << 16) | u16(at + 2);
        at += 4;
        String vr;
        long length;
        if (explicitVr && (tag >>> 16) != 0xfffe) {
            vr = new String(data, at, 2, StandardCharsets.US_ASCII);
            if (LONG_VRS.contains(vr)) {
                length = u32(at + 4);
                at += 8;
            } else {
                length = u16(at + 2);
                at += 4;
            }
        } else {
            vr = tag == VOI_LUT_SEQUENCE ? "SQ" : "";
            length = u32(at);
            at += 4;
        }
        if (tag == PIXEL_DATA && topLevel) {
            if (length == UNDEFINED) {
                fragments = new ArrayList<>();
                return readFragments(at);
            }
            nativePixels = new Element(vr, at, checkedLength(at, length));
            return at + (int) length;
        }
        if (length == UNDEFINED && tag == PIXEL_DATA) {
            // Encapsulated pixel data nested in a sequence (an icon image): raw fragments, skipped.
            return skipFragments(at);
        }
        if (length == UNDEFINED && vr.equals("UN") && !bigEndian) {
            // UN of undefined length is a sequence whose items are in implicit VR little endian (PS3.5 6.2.2).
            explicitVr = false;
            int end = skipUndefinedSequence(at, false);
            explicitVr = true;
            return end;
        }
        if (length == UNDEFINED) {
            // A sequence of undefined length: items until the sequence delimiter.
            return skipUndefinedSequence(at, topLevel && tag == VOI_LUT_SEQUENCE);
        }
        int len = checkedLength(at, length);
        if (tag == VOI_LUT_SEQUENCE && topLevel) {
            readDefinedSequence(at, len);
        } else {
            into.putIfAbsent(tag, new Element(vr, at, len));
        }
        return at + len;
    }

    private int checkedLength(int at, long length) {
        if (length < 0 || length > data.length - at) {
            throw InvalidImageException.corrupt("a DICOM element runs past the end of the file");
        }
        return (int) length;
    }

    private void enterSequence() {
        if (++depth > MAX_SEQUENCE_DEPTH) {
            throw new InvalidImageException(ImageProblem.DICOM_UNSUPPORTED, "This DICOM file nests sequences more than "
                    + MAX_SEQUENCE_DEPTH + " deep, far beyond what any X-ray needs; this server does not read it. "
                    + "Please export the image again or upload a PNG.");
        }
    }

    private void readDefinedSequence(int at, int length) {
        enterSequence();
        int end = at + length;
        while (at + 8 <= end) {
            int tag = (u16(at) << 16) | u16(at + 2);
            long itemLength = u32(at + 4);
            at += 8;
            if (tag != ITEM) {
                throw InvalidImageException.corrupt("a DICOM sequence holds something other than items");
            }
            Map<Integer, Element> item = new HashMap<>();
            if (itemLength == UNDEFINED) {
                at = readUndefinedItem(at, item);
            } else {
                int itemEnd = at + checkedLength(at, itemLength);
                while (at + 8 <= itemEnd) {
                    at = readElement(at, item, false);
                }
                at = itemEnd;
            }
            if (voiLutItem == null) {
                voiLutItem = item;
            }
        }
        depth--;
    }

    private int skipUndefinedSequence(int at, boolean keepFirstItem) {
        enterSequence();
        while (true) {
            if (at + 8 > data.length) {
                throw InvalidImageException.corrupt("a DICOM sequence is not terminated");
            }
            int tag = (u16(at) << 16) | u16(at + 2);
            long length = u32(at + 4);
            at += 8;
            if (tag == SEQUENCE_END) {
                depth--;
                return at;
            }
            if (tag != ITEM) {
                throw InvalidImageException.corrupt("a DICOM sequence holds something other than items");
            }
            Map<Integer, Element> item = new HashMap<>();
            if (length == UNDEFINED) {
                at = readUndefinedItem(at, item);
            } else {
                int end = at + checkedLength(at, length);
                while (at + 8 <= end) {
                    at = readElement(at, item, false);
                }
                at = end;
            }
            if (keepFirstItem && voiLutItem == null) {
                voiLutItem = item;
            }
        }
    }

    private int readUndefinedItem(int at, Map<Integer, Element> item) {
        while (true) {
            if (at + 8 > data.length) {
                throw InvalidImageException.corrupt("a DICOM item is not terminated");
            }
            int tag = (u16(at) << 16) | u16(at + 2);
            if (tag == ITEM_END) {
                return at + 8;
            }
            at = readElement(at, item, false);
        }
    }

    private int skipFragments(int at) {
        while (true) {
            if (at + 8 > data.length) {
                throw InvalidImageException.corrupt("nested DICOM pixel data ends early");
            }
            int tag = (u16(at) << 16) | u16(at + 2);
            long length = u32(at + 4);
            at += 8;
            if (tag == SEQUENCE_END) {
                return at;
            }
            if (tag != ITEM || length == UNDEFINED) {
                throw InvalidImageException.corrupt("nested DICOM pixel data fragments are malformed");
            }
            at += checkedLength(at, length);
        }
    }

    private int readFragments(int at) {
        boolean first = true;
        while (true) {
            if (at + 8 > data.length) {
                throw InvalidImageException.corrupt("the DICOM pixel data ends early");
            }
            int tag = (u16(at) << 16) | u16(at + 2);
            long length = u32(at + 4);
            at += 8;
            if (tag == SEQUENCE_END) {
                return at;
            }
            if (tag != ITEM || length == UNDEFINED) {
                throw InvalidImageException.corrupt("the DICOM pixel data fragments are malformed");
            }
            int len = checkedLength(at, length);
            if (!first) { // the first item is the basic offset table
                byte[] fragment = new byte[len];
                System.arraycopy(data, at, fragment, 0, len);
                fragments.add(fragment);
            }
            first = false;
            at += len;
        }
    }

    private Result image(Codec codec, ImageLimits limits) {
        if (nativePixels == null && fragments == null) {
            if (elements.containsKey(FLOAT_PIXEL_DATA) || elements.containsKey(DOUBLE_PIXEL_DATA)) {
                throw new InvalidImageException(ImageProblem.DICOM_UNSUPPORTED,
                        "This DICOM file holds floating-point pixel data, which this server cannot read.");
            }
            throw new InvalidImageException(ImageProblem.DICOM_NOT_IMAGE, "This DICOM file holds no image "
                    + "(it may be a report, a presentation state or a study index). Please upload the X-ray image itself.");
        }
        String frames = string(NUMBER_OF_FRAMES);
        if (frames != null && !frames.isEmpty() && Integer.parseInt(frames) > 1) {
            throw new InvalidImageException(ImageProblem.DICOM_MULTIFRAME, "This DICOM file holds " + frames
                    + " frames (a cine loop or a series). Please upload a single X-ray image.");
        }
        if ((codec == Codec.NATIVE) != (fragments == null)) {
            throw InvalidImageException.corrupt("the DICOM pixel data is not encoded as its transfer syntax says");
        }
        int rows = intValue(ROWS, -1);
        int columns = intValue(COLUMNS, -1);
        if (rows <= 0 || columns <= 0) {
            throw InvalidImageException.corrupt("the DICOM file gives no image size");
        }
        ImageDecoder.checkSize(columns, rows, limits);
        int samples = intValue(SAMPLES_PER_PIXEL, 1);
        String photometric = stringOr(PHOTOMETRIC, samples == 1 ? "MONOCHROME2" : "RGB");
        if (samples != 1 && samples != 3) {
            throw unsupported(samples + " samples per pixel");
        }
        boolean monochrome = photometric.startsWith("MONOCHROME");
        boolean colourKnown = switch (photometric) {
            case "RGB", "YBR_FULL" -> true;
            case "YBR_FULL_422" -> codec == Codec.NATIVE || codec == Codec.JPEG;
            case "YBR_RCT", "YBR_ICT" -> codec == Codec.JPEG_2000;
            default -> false;
        };
        if (samples == 1 ? !monochrome : !colourKnown) {
            throw unsupported("the " + photometric + " photometric interpretation");
        }
        int allocated = intValue(BITS_ALLOCATED, 8);
        int stored = intValue(BITS_STORED, allocated);
        int highBit = intValue(HIGH_BIT, stored - 1);
        boolean signed = intValue(PIXEL_REPRESENTATION, 0) == 1;
        if ((allocated != 8 && allocated != 16) || stored < 1 || stored > allocated || highBit >= allocated) {
            throw unsupported(allocated + "-bit pixel data");
        }
        int pixels = rows * columns;
        int[] values = switch (codec) {
            case NATIVE -> nativeSamples(pixels, samples, allocated, columns, photometric);
            case RUN_LENGTH -> rle(columns, rows, samples, allocated);
            case JPEG, JPEG_2000 -> compressed(codec, columns, rows, samples, limits);
        };
        if (samples == 3) {
            boolean ybr = switch (codec) {
                // A JPEG stream says itself whether it was colour-transformed; the photometric value decides otherwise.
                case JPEG -> colourTransformed.orElse(photometric.startsWith("YBR"));
                // JPEG 2000 decoders undo their own component transform (YBR_RCT/YBR_ICT).
                case JPEG_2000 -> photometric.equals("YBR_FULL");
                default -> photometric.startsWith("YBR");
            };
            // Native data keeps its bits where High Bit says; decoders hand back the stored bits themselves.
            int significant = codec == Codec.NATIVE ? highBit + 1 : stored;
            return colour(values, columns, rows, Math.max(0, significant - 8), ybr, stored > 8 ? 16 : 8);
        }
        values = mask(values, stored, codec == Codec.NATIVE ? highBit : stored - 1, signed);
        GreyImage grey = voi(values, columns, rows, stored, signed);
        if (photometric.equals("MONOCHROME1")) {
            byte[] p = grey.pixels();
            for (int i = 0; i < p.length; i++) {
                p[i] = (byte) (255 - (p[i] & 0xff));
            }
        }
        return new Result(grey, 0, stored > 8 ? 16 : 8);
    }

    /** Native samples, interleaved; YBR_FULL_422 (two luma samples share one Cb and one Cr) spread to each pixel. */
    private int[] nativeSamples(int pixels, int samples, int allocated, int columns, String photometric) {
        int bytes = allocated / 8;
        boolean subsampled = samples == 3 && photometric.equals("YBR_FULL_422");
        long needed = subsampled ? (long) pixels * 2 * bytes : (long) pixels * samples * bytes;
        if (subsampled && columns % 2 != 0) {
            throw InvalidImageException.corrupt("YBR_FULL_422 pixel data needs an even number of columns");
        }
        if (nativePixels.length() < needed) {
            throw InvalidImageException.corrupt("the DICOM pixel data is shorter than the image size says");
        }
        int at = nativePixels.offset();
        int[] out = new int[pixels * samples];
        if (subsampled) {
            // PS3.3 C.7.6.3.1.2: Y1 Y2 Cb Cr for each pair of pixels.
            for (int pair = 0; pair < pixels / 2; pair++) {
                int base = 4 * pair;
                int cb = sample(at, base + 2, bytes);
                int cr = sample(at, base + 3, bytes);
                for (int k = 0; k < 2; k++) {
                    int o = 3 * (2 * pair + k);
                    out[o] = sample(at, base + k, bytes);
                    out[o + 1] = cb;
                    out[o + 2] = cr;
                }
            }
            return out;
        }
        boolean planar = samples == 3 && intValue(PLANAR_CONFIGURATION, 0) == 1;
        for (int i = 0; i < pixels; i++) {
            for (int c = 0; c < samples; c++) {
                out[i * samples + c] = sample(at, planar ? c * pixels + i : i * samples + c, bytes);
            }
        }
        return out;
    }

    private int sample(int at, int index, int bytes) {
        return bytes == 1 ? data[at + index] & 0xff : u16(at + 2 * index);
    }

    /** Bits Stored / High Bit: shift the stored bits down, mask, and sign-extend signed data. */
    private static int[] mask(int[] raw, int stored, int highBit, boolean signed) {
        int shift = highBit + 1 - stored;
        int maskBits = (1 << stored) - 1;
        for (int i = 0; i < raw.length; i++) {
            int v = (raw[i] >>> shift) & maskBits;
            if (signed && (v & (1 << (stored - 1))) != 0) {
                v -= 1 << stored;
            }
            raw[i] = v;
        }
        return raw;
    }

    /** Colour to grey (PIL's luma) with saturation; YCbCr first to RGB (PS3.3 C.7.6.3.1.2, full range). */
    private static Result colour(int[] samples, int w, int h, int shift, boolean ybr, int bitDepth) {
        byte[] grey = new byte[w * h];
        long satSum = 0;
        for (int i = 0; i < grey.length; i++) {
            int r = samples[3 * i] >> shift;
            int g = samples[3 * i + 1] >> shift;
            int b = samples[3 * i + 2] >> shift;
            if (ybr) {
                double y = r;
                double cb = g - 128;
                double cr = b - 128;
                r = clamp8(y + 1.402 * cr);
                g = clamp8(y - 0.344136 * cb - 0.714136 * cr);
                b = clamp8(y + 1.772 * cb);
            }
            grey[i] = (byte) Rasters.luma(r, g, b);
            satSum += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
        }
        return new Result(new GreyImage(w, h, grey), satSum / 255.0 / grey.length, bitDepth);
    }

    private static int clamp8(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** JPEG and JPEG 2000 pixel data, decoded by ImageIO plugins to raw samples (no colour conversion). */
    private int[] compressed(Codec codec, int w, int h, int samples, ImageLimits limits) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        fragments.forEach(all::writeBytes);
        byte[] stream = all.toByteArray();
        String what;
        if (codec == Codec.JPEG) {
            what = "DICOM JPEG data";
            if (ImageFormat.detect(stream).orElse(null) != ImageFormat.JPEG) {
                throw InvalidImageException.corrupt("the DICOM JPEG data does not start like a JPEG stream");
            }
            JpegSegments.Header header = JpegSegments.header(stream);
            int process = header.process();
            if (process != 0xc0 && process != 0xc1 && process != 0xc2 && process != 0xc3) {
                throw unsupported("arithmetic-coded or hierarchical JPEG compression");
            }
            colourTransformed = JpegSegments.colourTransformed(stream);
            if (process != 0xc3 && header.precision() != 8) {
                // TwelveMonkeys hands lossy JPEG to the JDK's 8-bit decoder; nothing on Maven Central decodes 12-bit DCT.
                return twelveBit(stream, header, w, h, samples, limits);
            }
            // Raw samples are read and colour is converted here, so the decoder needs no APPn segment; dropping them
            // spares it malformed ones (a short Adobe segment stops the JDK's parser, libjpeg skips it).
            stream = JpegSegments.strip(stream, false);
        } else {
            what = "DICOM JPEG 2000 data";
            if (!isJpeg2000(stream)) {
                throw InvalidImageException.corrupt("the DICOM JPEG 2000 data does not start like a JPEG 2000 stream");
            }
        }
        Raster raster = ImageDecoder.readWithImageIo(stream, what, reader -> reader.readRaster(0, null));
        if (raster.getWidth() != w || raster.getHeight() != h) {
            throw InvalidImageException.corrupt("the " + what + " does not match the image size");
        }
        if (raster.getNumBands() != samples) {
            throw InvalidImageException.corrupt("the " + what + " has " + raster.getNumBands()
                    + " colour components where the file says " + samples);
        }
        return raster.getPixels(raster.getMinX(), raster.getMinY(), w, h, new int[w * h * samples]);
    }

    /** 12-bit lossy JPEG (JPEG Extended, process 4): sequential Huffman-coded DCT, read by our own decoder. */
    private static int[] twelveBit(byte[] stream, JpegSegments.Header header, int w, int h, int samples,
            ImageLimits limits) {
        if (header.process() == 0xc2) {
            throw unsupported(header.precision() + "-bit progressive JPEG compression");
        }
        // Checked before decoding: the memory admission reserved what the data set's size needs, not the stream's.
        if (header.width() != w || header.height() != h) {
            throw InvalidImageException.corrupt("the DICOM JPEG data does not match the image size");
        }
        Jpeg12Decoder.Image image = Jpeg12Decoder.decode(stream, limits, ImageProblem.DICOM_UNSUPPORTED);
        if (image.width() != w || image.height() != h) {
            throw InvalidImageException.corrupt("the DICOM JPEG data does not match the image size");
        }
        if (image.components() != samples) {
            throw InvalidImageException.corrupt("the DICOM JPEG data has " + image.components()
                    + " colour components where the file says " + samples);
        }
        return image.samples();
    }

    /** A raw JPEG 2000 codestream (SOC + SIZ) or a JP2 file (signature box). */
    private static boolean isJpeg2000(byte[] b) {
        boolean codestream = b.length >= 4 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0x4f && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x51;
        boolean jp2 = b.length >= 12 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 12 && b[4] == 'j' && b[5] == 'P';
        return codestream || jp2;
    }

    /** RLE Lossless: a 64-byte header of segment offsets, one PackBits segment per byte plane (most significant first). */
    private int[] rle(int w, int h, int samples, int allocated) {
        if (fragments.size() != 1) {
            throw unsupported("RLE data in several fragments");
        }
        byte[] frame = fragments.get(0);
        if (frame.length < 64) {
            throw InvalidImageException.corrupt("the DICOM RLE header is missing");
        }
        int segments = le32(frame, 0);
        int bytesPerSample = allocated / 8;
        if (segments != samples * bytesPerSample) {
            throw InvalidImageException.corrupt("the DICOM RLE data has the wrong number of segments");
        }
        int pixels = w * h;
        int[] out = new int[pixels * samples];
        for (int s = 0; s < segments; s++) {
            int start = le32(frame, 4 + 4 * s);
            int end = s + 1 < segments ? le32(frame, 8 + 4 * s) : frame.length;
            if (start < 64 || end > frame.length || end < start) {
                throw InvalidImageException.corrupt("the DICOM RLE segment offsets are wrong");
            }
            byte[] plane = unpackBits(frame, start, end, pixels);
            int sample = s / bytesPerSample;
            int shift = 8 * (bytesPerSample - 1 - s % bytesPerSample);
            for (int i = 0; i < pixels; i++) {
                out[i * samples + sample] |= (plane[i] & 0xff) << shift;
            }
        }
        return out;
    }

    private static byte[] unpackBits(byte[] in, int at, int end, int size) {
        byte[] out = new byte[size];
        int o = 0;
        while (at < end && o < size) {
            int n = in[at++];
            if (n >= 0) {
                int count = Math.min(n + 1, Math.min(size - o, end - at));
                System.arraycopy(in, at, out, o, count);
                at += n + 1;
                o += count;
            } else if (n != -128) {
                if (at >= end) {
                    break;
                }
                int count = Math.min(1 - n, size - o);
                java.util.Arrays.fill(out, o, o + count, in[at++]);
                o += count;
            }
        }
        if (o < size) {
            throw InvalidImageException.corrupt("the DICOM RLE data is shorter than the image");
        }
        return out;
    }

    /** Modality rescale, then VOI (window or LUT), to 8 bits. */
    private GreyImage voi(int[] stored, int w, int h, int bitsStored, boolean signed) {
        double slope = doubleValue(RESCALE_SLOPE, 1.0);
        double intercept = doubleValue(RESCALE_INTERCEPT, 0.0);
        if (slope == 0) {
            slope = 1;
        }
        double center = doubleValue(WINDOW_CENTER, Double.NaN);
        double width = doubleValue(WINDOW_WIDTH, Double.NaN);
        byte[] out = new byte[w * h];
        if (!Double.isNaN(center) && !Double.isNaN(width) && width > 0) {
            String function = stringOr(VOI_LUT_FUNCTION, "LINEAR");
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) window(stored[i] * slope + intercept, center, width, function);
            }
            return new GreyImage(w, h, out);
        }
        if (voiLutItem != null && voiLutItem.containsKey(LUT_DESCRIPTOR) && voiLutItem.containsKey(LUT_DATA)) {
            return lut(stored, slope, intercept, w, h);
        }
        if (bitsStored <= 8 && !signed && slope == 1 && intercept == 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) stored[i];
            }
            return new GreyImage(w, h, out);
        }
        int[] rescaled = new int[stored.length];
        for (int i = 0; i < stored.length; i++) {
            rescaled[i] = (int) Math.round(stored[i] * slope + intercept);
        }
        return Rasters.stretch(rescaled, w, h);
    }

    /** DICOM PS3.3 C.11.2.1.2 (LINEAR), C.11.2.1.3.2 (LINEAR_EXACT) and C.11.2.1.3.1 (SIGMOID), output 0..255. */
    static int window(double x, double c, double w, String function) {
        double y;
        switch (function) {
            case "SIGMOID" -> y = 255.0 / (1 + Math.exp(-4 * (x - c) / w));
            case "LINEAR_EXACT" -> {
                if (x <= c - w / 2) {
                    y = 0;
                } else if (x > c + w / 2) {
                    y = 255;
                } else {
                    y = ((x - c) / w + 0.5) * 255;
                }
            }
            default -> {
                if (w < 1) {
                    w = 1;
                }
                if (x <= c - 0.5 - (w - 1) / 2) {
                    y = 0;
                } else if (x > c - 0.5 + (w - 1) / 2) {
                    y = 255;
                } else {
                    y = w == 1 ? 255 : ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
                }
            }
        }
        return (int) Math.max(0, Math.min(255, Math.floor(y + 0.5)));
    }

    private GreyImage lut(int[] stored, double slope, double intercept, int w, int h) {
        Element descriptor = voiLutItem.get(LUT_DESCRIPTOR);
        int entries = u16(descriptor.offset());
        if (entries == 0) {
            entries = 65536;
        }
        int firstMapped = u16(descriptor.offset() + 2);
        if (firstMapped > 32767) {
            firstMapped -= 65536; // may be signed (SS)
        }
        int bits = u16(descriptor.offset() + 4);
        Element lutData = voiLutItem.get(LUT_DATA);
        boolean eightBitEntries = bits <= 8 && lutData.length() < 2 * entries;
        if ((eightBitEntries ? lutData.length() : lutData.length() / 2) < entries || bits < 1 || bits > 16) {
            throw InvalidImageException.corrupt("the DICOM VOI LUT is malformed");
        }
        double max = (1 << bits) - 1;
        byte[] out = new byte[w * h];
        for (int i = 0; i < out.length; i++) {
            long index = Math.round(stored[i] * slope + intercept) - firstMapped;
            int k = (int) Math.max(0, Math.min(entries - 1, index));
            int v = eightBitEntries ? data[lutData.offset() + k] & 0xff : u16(lutData.offset() + 2 * k);
            out[i] = (byte) Math.max(0, Math.min(255, Math.floor(v * 255.0 / max + 0.5)));
        }
        return new GreyImage(w, h, out);
    }

    private static byte[] inflate(byte[] file, int at, ImageLimits limits) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(file, at, file.length - at);
            ByteArrayOutputStream out = new ByteArrayOutputStream(file.length * 2);
            byte[] buffer = new byte[64 * 1024];
            // A deflated data set is at most a 16-bit RGB image of the allowed size plus headers.
            long cap = limits.maxPixels() * 6 + (1 << 20);
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw InvalidImageException.corrupt("the deflated DICOM data set ends early");
                }
                out.write(buffer, 0, n);
                if (out.size() > cap) {
                    throw new InvalidImageException(ImageProblem.TOO_MANY_PIXELS,
                            "This DICOM file expands to far more data than an X-ray of the allowed size.");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw InvalidImageException.corrupt("the deflated DICOM data set is damaged");
        } finally {
            inflater.end();
        }
    }

    private String string(int tag) {
        Element e = elements.get(tag);
        if (e == null) {
            return null;
        }
        String s = new String(data, e.offset(), e.length(), StandardCharsets.US_ASCII);
        int cut = s.indexOf('\\');
        return (cut >= 0 ? s.substring(0, cut) : s).replace("\0", "").strip();
    }

    private String stringOr(int tag, String fallback) {
        String s = string(tag);
        return s == null || s.isEmpty() ? fallback : s;
    }

    private int intValue(int tag, int fallback) {
        Element e = elements.get(tag);
        if (e == null || e.length() < 2) {
            return fallback;
        }
        return u16(e.offset());
    }

    private double doubleValue(int tag, double fallback) {
        String s = string(tag);
        if (s == null || s.isEmpty()) {
            return fallback;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private int u16(int at) {
        return bigEndian ? ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff)
                : (data[at] & 0xff) | ((data[at + 1] & 0xff) << 8);
    }

    private long u32(int at) {
        long b0 = data[at] & 0xff;
        long b1 = data[at + 1] & 0xff;
        long b2 = data[at + 2] & 0xff;
        long b3 = data[at + 3] & 0xff;
        return bigEndian ? (b0 << 24) | (b1 << 16) | (b2 << 8) | b3 : b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8) | ((b[at + 2] & 0xff) << 16) | ((b[at + 3] & 0xff) << 24);
    }

    private static InvalidImageException unsupported(String what) {
        return new InvalidImageException(ImageProblem.DICOM_UNSUPPORTED,
                "This DICOM file uses " + what + ", which this server cannot read. Please upload a PNG or JPEG export.");
    }

    private static String describe(String syntax) {
        return switch (syntax) {
            case "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70" -> "lossless JPEG";
            case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81" -> "JPEG-LS";
            case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" -> "JPEG 2000";
            default -> "an encoding (" + syntax + ")";
        };
    }
}
