package org.chestlens.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A deliberately small DICOM reader for single-frame radiographs. No maintained DICOM library is published on
 * Maven Central (dcm4che, PixelMed and Weasis are not), so this reads exactly the subset needed and refuses
 * everything else with a message:
 * <ul>
 *   <li>Part 10 files (preamble + "DICM"), implicit or explicit VR little endian, deflated explicit VR little
 *       endian, explicit VR big endian;</li>
 *   <li>native pixel data, 8 or 16 bits allocated, any bits stored, signed or unsigned, 1 or 3 samples;
 *       RLE lossless; encapsulated JPEG baseline / extended 8-bit (decoded by ImageIO);</li>
 *   <li>MONOCHROME1 (inverted after windowing), MONOCHROME2, RGB, YBR_FULL(_422) from JPEG;</li>
 *   <li>Rescale Slope/Intercept, then the first VOI window (LINEAR, LINEAR_EXACT or SIGMOID) or else the VOI LUT
 *       sequence, or else min-max over the image (identity for plain 8-bit data).</li>
 * </ul>
 * Only the tags above are read; nothing else (patient, study, institution) leaves this class.
 */
final class DicomDecoder {

    static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String DEFLATED_LE = "1.2.840.10008.1.2.1.99";
    static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    static final String RLE = "1.2.840.10008.1.2.5";

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
    private static final int ITEM = 0xfffee000;
    private static final int ITEM_END = 0xfffee00d;
    private static final int SEQUENCE_END = 0xfffee0dd;
    private static final long UNDEFINED = 0xffffffffL;

    /** VRs with a 2-byte reserved field and a 4-byte length in explicit VR. */
    private static final List<String> LONG_VRS = List.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");

    record Result(GreyImage grey, double saturation, int bitDepth) {
    }

    /** A value's place in the buffer. */
    private record Element(String vr, int offset, int length) {
    }

    private final byte[] data;
    private final boolean explicitVr;
    private final boolean bigEndian;
    private final Map<Integer, Element> elements = new HashMap<>();
    private Map<Integer, Element> voiLutItem;
    private Element nativePixels;
    private List<byte[]> fragments;

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
        boolean explicit = !syntax.equals(IMPLICIT_LE);
        boolean bigEndian = syntax.equals(EXPLICIT_BE);
        boolean encapsulated = syntax.equals(JPEG_BASELINE) || syntax.equals(JPEG_EXTENDED) || syntax.equals(RLE);
        if (!encapsulated && !syntax.equals(IMPLICIT_LE) && !syntax.equals(EXPLICIT_LE) && !syntax.equals(DEFLATED_LE)
                && !bigEndian) {
            throw new InvalidImageException(ImageProblem.DICOM_UNSUPPORTED, "This DICOM file is compressed with "
                    + describe(syntax) + ", which this server cannot read. Please export it uncompressed or as "
                    + "JPEG baseline, or upload a PNG.");
        }
        DicomDecoder dataset = new DicomDecoder(body, explicit, bigEndian);
        dataset.parse(start);
        return dataset.image(syntax, limits);
    }

    /**
     * Rows x columns x samples per pixel, read from the data set without decoding a pixel (for the memory
     * admission), or -1 when the file does not say or cannot be read that far (decoding then says why).
     * Deflated files answer -1 too: their data set would have to be inflated first.
     */
    static long samples(byte[] file) {
        try {
            DicomDecoder meta = new DicomDecoder(file, true, false);
            int at = 132;
            while (at + 8 <= file.length && meta.u16(at) == 0x0002) {
                at = meta.readElement(at, meta.elements, true);
            }
            String syntax = meta.string(TRANSFER_SYNTAX);
            if (syntax == null || syntax.equals(DEFLATED_LE)) {
                return -1;
            }
            DicomDecoder dataset = new DicomDecoder(file, !syntax.equals(IMPLICIT_LE), syntax.equals(EXPLICIT_BE));
            dataset.parse(at);
            long rows = dataset.intValue(ROWS, -1);
            long columns = dataset.intValue(COLUMNS, -1);
            return rows <= 0 || columns <= 0 ? -1 : rows * columns * Math.max(1, dataset.intValue(SAMPLES_PER_PIXEL, 1));
        } catch (RuntimeException | StackOverflowError e) {
            return -1;
        }
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
        if (length == UNDEFINED) {
            // A sequence (or UN) of undefined length: items until the sequence delimiter.
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

    private void readDefinedSequence(int at, int length) {
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
    }

    private int skipUndefinedSequence(int at, boolean keepFirstItem) {
        while (true) {
            if (at + 8 > data.length) {
                throw InvalidImageException.corrupt("a DICOM sequence is not terminated");
            }
            int tag = (u16(at) << 16) | u16(at + 2);
            long length = u32(at + 4);
            at += 8;
            if (tag == SEQUENCE_END) {
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

    private Result image(String syntax, ImageLimits limits) {
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
        if (samples == 1 && !monochrome) {
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
        if (samples == 3) {
            int[] rgb = syntax.equals(RLE) ? rle(columns, rows, 3, allocated)
                    : fragments != null ? jpegColour(columns, rows) : nativeColour(pixels, allocated);
            return colour(rgb, columns, rows, allocated, syntax);
        }
        int[] values;
        if (fragments != null) {
            values = syntax.equals(RLE) ? rle(columns, rows, 1, allocated) : jpegGrey(columns, rows);
            if (syntax.equals(RLE)) {
                values = mask(values, stored, highBit, signed);
            }
        } else {
            values = mask(nativeGrey(pixels, allocated), stored, highBit, signed);
        }
        GreyImage grey = voi(values, columns, rows, stored, signed);
        if (photometric.equals("MONOCHROME1")) {
            byte[] p = grey.pixels();
            for (int i = 0; i < p.length; i++) {
                p[i] = (byte) (255 - (p[i] & 0xff));
            }
        }
        return new Result(grey, 0, stored > 8 ? 16 : 8);
    }

    private int[] nativeGrey(int pixels, int allocated) {
        int bytes = allocated / 8;
        if (nativePixels.length() < (long) pixels * bytes) {
            throw InvalidImageException.corrupt("the DICOM pixel data is shorter than the image size says");
        }
        int[] out = new int[pixels];
        int at = nativePixels.offset();
        if (bytes == 1) {
            for (int i = 0; i < pixels; i++) {
                out[i] = data[at + i] & 0xff;
            }
        } else {
            for (int i = 0; i < pixels; i++) {
                out[i] = u16(at + 2 * i);
            }
        }
        return out;
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

    private int[] nativeColour(int pixels, int allocated) {
        int bytes = allocated / 8;
        if (nativePixels.length() < (long) pixels * 3 * bytes) {
            throw InvalidImageException.corrupt("the DICOM pixel data is shorter than the image size says");
        }
        boolean planar = intValue(PLANAR_CONFIGURATION, 0) == 1;
        int[] out = new int[pixels * 3];
        int at = nativePixels.offset();
        for (int i = 0; i < pixels; i++) {
            for (int c = 0; c < 3; c++) {
                int index = planar ? c * pixels + i : i * 3 + c;
                out[i * 3 + c] = bytes == 1 ? data[at + index] & 0xff : u16(at + 2 * index);
            }
        }
        return out;
    }

    private Result colour(int[] rgb, int w, int h, int allocated, String syntax) {
        String photometric = stringOr(PHOTOMETRIC, "RGB");
        boolean jpeg = fragments != null && !syntax.equals(RLE); // ImageIO hands JPEG colour back as RGB
        if (!jpeg && !photometric.equals("RGB")) {
            throw unsupported("the " + photometric + " photometric interpretation");
        }
        int shift = allocated == 16 ? 8 : 0;
        byte[] grey = new byte[w * h];
        long satSum = 0;
        for (int i = 0; i < grey.length; i++) {
            int r = rgb[3 * i] >> shift;
            int g = rgb[3 * i + 1] >> shift;
            int b = rgb[3 * i + 2] >> shift;
            grey[i] = (byte) Rasters.luma(r, g, b);
            satSum += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
        }
        return new Result(new GreyImage(w, h, grey), satSum / 255.0 / grey.length, allocated);
    }

    private BufferedImage jpeg(int w, int h) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        fragments.forEach(all::writeBytes);
        byte[] jpeg = all.toByteArray();
        if (ImageFormat.detect(jpeg).orElse(null) != ImageFormat.JPEG) {
            throw InvalidImageException.corrupt("the DICOM JPEG data does not start like a JPEG stream");
        }
        JpegSegments.Header header = JpegSegments.header(jpeg);
        if (header.precision() != 8) {
            throw unsupported(header.precision() + "-bit JPEG compression");
        }
        BufferedImage image = ImageDecoder.readWithImageIo(jpeg, "DICOM JPEG data");
        if (image.getWidth() != w || image.getHeight() != h) {
            throw InvalidImageException.corrupt("the DICOM JPEG data does not match the image size");
        }
        return image;
    }

    private int[] jpegGrey(int w, int h) {
        BufferedImage image = jpeg(w, h);
        return image.getRaster().getSamples(0, 0, w, h, 0, new int[w * h]);
    }

    private int[] jpegColour(int w, int h) {
        BufferedImage image = jpeg(w, h);
        if (image.getRaster().getNumBands() < 3) {
            throw InvalidImageException.corrupt("the DICOM JPEG data is not in colour");
        }
        return image.getRaster().getPixels(0, 0, w, h, new int[w * h * image.getRaster().getNumBands()]);
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
