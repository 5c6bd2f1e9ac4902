package org.chestlens.imaging;

/**
 * Sequential Huffman-coded DCT JPEG (baseline and extended, SOF0/SOF1) at 8 or 12 bits per sample: what DICOM's
 * "JPEG Extended" (1.2.840.10008.1.2.4.51) carries from PACS exports. TwelveMonkeys hands lossy JPEG to the JDK's
 * 8-bit decoder and nothing on Maven Central decodes 12-bit DCT, so this class does.
 * <p>
 * Reads 1 component with any sampling factors (a one-component scan is one block per MCU whatever they say), or 3
 * components sampled alike (interleaved or in separate scans); up to 4 Huffman and 4 quantisation tables of 8- or
 * 16-bit precision, redefined between scans; restart intervals. Progressive, lossless, hierarchical and
 * arithmetic-coded JPEG, and subsampled colour, are refused. The inverse DCT is the exact separable one in double
 * precision, rounded: within 1 of libjpeg's accurate integer IDCT (DCMTK's decoder), as {@code Jpeg12DecoderTest}
 * measures.
 * <p>
 * Hostile input ends in {@link InvalidImageException}: the frame size is checked against {@link ImageLimits} before
 * anything is allocated, every table reference and code is checked, and decoding stops as soon as a scan wants bits
 * past its data, so the work is bounded by the input's bytes (every block costs at least two bits) as well as by
 * the pixel limit. As libjpeg does, the spectral-selection fields of a sequential scan are ignored (some encoders
 * write zeros there) and stray bytes between segments are skipped.
 */
final class Jpeg12Decoder {

    /**
     * Decoded samples, interleaved by component in frame order, each in 0 .. 2^precision - 1.
     */
    record Image(int width, int height, int components, int precision, int[] samples) {
    }

    /** Zig-zag position to natural (row-major) position in an 8x8 block. */
    private static final int[] NATURAL = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

    /** IDCT basis: BASIS[u * 8 + x] = C(u) / 2 * cos((2x + 1) u pi / 16), C(0) = 1 / sqrt 2. */
    private static final double[] BASIS = new double[64];

    static {
        for (int u = 0; u < 8; u++) {
            double c = u == 0 ? Math.sqrt(0.5) : 1;
            for (int x = 0; x < 8; x++) {
                BASIS[u * 8 + x] = c / 2 * Math.cos((2 * x + 1) * u * Math.PI / 16);
            }
        }
    }

    private static final int SOF0 = 0xc0;
    private static final int SOF1 = 0xc1;
    private static final int DHT = 0xc4;
    private static final int SOI = 0xd8;
    private static final int EOI = 0xd9;
    private static final int SOS = 0xda;
    private static final int DQT = 0xdb;
    private static final int DNL = 0xdc;
    private static final int DRI = 0xdd;
    private static final int COM = 0xfe;

    /** A Huffman table: codes of up to {@value #LOOKUP_BITS} bits by lookup, longer ones by length (JPEG Annex F.2.2.3). */
    private static final int LOOKUP_BITS = 9;

    private static final class HuffmanTable {
        /** (code length << 8 | symbol) for every 9-bit prefix that starts with a short code, 0 otherwise. */
        final int[] lookup = new int[1 << LOOKUP_BITS];
        /** Largest code of each length (1..16), -1 when none. */
        final int[] maxCode = new int[17];
        /** Index into symbols of the first code of each length, minus that code. */
        final int[] offset = new int[17];
        final int[] symbols;

        HuffmanTable(int[] counts, int[] symbols) {
            this.symbols = symbols;
            int code = 0;
            int k = 0;
            for (int length = 1; length <= 16; length++) {
                offset[length] = k - code;
                for (int i = 0; i < counts[length]; i++, k++, code++) {
                    // Codes must fit their length, and none may be all ones (libjpeg refuses such tables too).
                    if (code + 1 >= 1 << length) {
                        throw InvalidImageException.corrupt("a JPEG Huffman table is malformed");
                    }
                    if (length <= LOOKUP_BITS) {
                        int shift = LOOKUP_BITS - length;
                        for (int j = code << shift; j < (code + 1) << shift; j++) {
                            lookup[j] = length << 8 | symbols[k];
                        }
                    }
                }
                maxCode[length] = counts[length] > 0 ? code - 1 : -1;
                code <<= 1;
            }
        }
    }

    private record Component(int id, int h, int v, int quantTable, int blocksWide, int blocksHigh, short[] plane) {
        int stride() {
            return blocksWide * 8;
        }
    }

    private final byte[] data;
    private final ImageLimits limits;
    private final ImageProblem unsupported;
    private final int[][] quant = new int[4][];
    private final HuffmanTable[] dcTables = new HuffmanTable[4];
    private final HuffmanTable[] acTables = new HuffmanTable[4];
    private int restartInterval;
    private int precision;
    private int width;
    private int height;
    private int maxH;
    private int maxV;
    private Component[] components;
    private boolean[] decoded;

    // The entropy-coded data being read: bits are taken from the top of bitBuffer's low bitCount bits.
    private int pos;
    private long bitBuffer;
    private int bitCount;
    /** Zero bits appended past the end of the scan's data; consuming into them means the data ended early. */
    private int paddingBits;
    /** Where the marker that ends the scan's current data starts, or -1 while none was reached. */
    private int markerAt;

    private Jpeg12Decoder(byte[] data, ImageLimits limits, ImageProblem unsupported) {
        this.data = data;
        this.limits = limits;
        this.unsupported = unsupported;
    }

    /**
     * @param unsupported the problem to report for JPEG that is valid but not read here (progressive, arithmetic
     *                    coding, subsampled colour ...): the caller's, e.g. {@link ImageProblem#DICOM_UNSUPPORTED}
     * @throws InvalidImageException when the stream is damaged, too large for {@code limits}, or not read here
     */
    static Image decode(byte[] jpeg, ImageLimits limits, ImageProblem unsupported) {
        return new Jpeg12Decoder(jpeg, limits, unsupported).read();
    }

    private Image read() {
        if (data.length < 4 || (data[0] & 0xff) != 0xff || (data[1] & 0xff) != SOI) {
            throw InvalidImageException.corrupt("the JPEG data does not start like a JPEG stream");
        }
        int at = 2;
        while (true) {
            at = nextMarker(at);
            if (at < 0) {
                // Out of data without an end marker: fine once every component is complete (libjpeg also accepts it).
                return finish();
            }
            int marker = data[at + 1] & 0xff;
            if (marker == EOI) {
                return finish();
            }
            if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                at += 2; // TEM, or a restart marker outside a scan: no data, ignored as libjpeg does
                continue;
            }
            if (marker == SOI) {
                throw InvalidImageException.corrupt("the JPEG data starts a second image inside the first");
            }
            int length = segmentLength(at);
            int body = at + 4;
            int end = at + 2 + length;
            switch (marker) {
                case SOF0, SOF1 -> frame(body, length - 2);
                case DHT -> huffmanTables(body, end);
                case DQT -> quantisationTables(body, end);
                case DRI -> restartInterval(body, length - 2);
                case SOS -> end = scan(body, length - 2, end);
                case DNL, COM -> {
                    // Nothing to use: the frame header must give the height, and comments are not read.
                }
                default -> {
                    if (marker >= 0xe0 && marker <= 0xef) {
                        break; // APPn: metadata, not needed for samples
                    }
                    boolean frameHeader = marker >= 0xc2 && marker <= 0xcf && marker != 0xc8 && marker != 0xcc;
                    if (frameHeader && components != null) {
                        throw InvalidImageException.corrupt("the JPEG data has two frame headers");
                    }
                    if (frameHeader || marker == 0xcc || marker == 0xde || marker == 0xdf) {
                        throw refuse(codingOf(marker));
                    }
                    throw InvalidImageException.corrupt("the JPEG data has an unknown marker");
                }
            }
            at = end;
        }
    }

    private static String codingOf(int marker) {
        return switch (marker) {
            case 0xc2 -> "progressive JPEG";
            case 0xc3 -> "lossless JPEG";
            case 0xc5, 0xc6, 0xc7, 0xde, 0xdf -> "hierarchical JPEG";
            default -> "arithmetic-coded JPEG"; // SOF9..SOF15, DAC
        };
    }

    private InvalidImageException refuse(String what) {
        String formats = what.startsWith("lossless") ? "or as JPEG 2000" : "as JPEG lossless or as JPEG 2000";
        return new InvalidImageException(unsupported, "The image is compressed with " + what + ", which this server "
                + "cannot read. Please export it uncompressed, " + formats + ", or upload a PNG.");
    }

    /** SOF0/SOF1 (B.2.2): precision, size, and each component's sampling factors and quantisation table. */
    private void frame(int at, int length) {
        if (components != null) {
            throw InvalidImageException.corrupt("the JPEG data has two frame headers");
        }
        if (length < 6) {
            throw InvalidImageException.corrupt("the JPEG frame header is too short");
        }
        precision = data[at] & 0xff;
        height = u16(at + 1);
        width = u16(at + 3);
        int count = data[at + 5] & 0xff;
        if (precision != 8 && precision != 12) {
            throw refuse(precision + "-bit lossy JPEG");
        }
        if (width == 0 || height == 0) {
            throw InvalidImageException.corrupt("the JPEG frame header gives no image size");
        }
        if (length != 6 + 3 * count || count == 0) {
            throw InvalidImageException.corrupt("the JPEG frame header is malformed");
        }
        if (count != 1 && count != 3) {
            throw refuse("lossy JPEG of " + count + " colour components");
        }
        ImageDecoder.checkSize(width, height, limits);
        int[] ids = new int[count];
        int[] hs = new int[count];
        int[] vs = new int[count];
        int[] tables = new int[count];
        for (int i = 0; i < count; i++) {
            int c = at + 6 + 3 * i;
            ids[i] = data[c] & 0xff;
            hs[i] = (data[c + 1] & 0xff) >> 4;
            vs[i] = data[c + 1] & 0x0f;
            tables[i] = data[c + 2] & 0xff;
            if (hs[i] < 1 || hs[i] > 4 || vs[i] < 1 || vs[i] > 4 || tables[i] > 3) {
                throw InvalidImageException.corrupt("the JPEG frame header is malformed");
            }
            for (int j = 0; j < i; j++) {
                if (ids[j] == ids[i]) {
                    throw InvalidImageException.corrupt("the JPEG frame header names a component twice");
                }
            }
            if (count > 1 && (hs[i] != hs[0] || vs[i] != vs[0])) {
                throw refuse(precision + "-bit lossy JPEG with subsampled colour");
            }
            maxH = Math.max(maxH, hs[i]);
            maxV = Math.max(maxV, vs[i]);
        }
        // Planes cover whole MCUs of an interleaved scan, which also covers a single-component scan's blocks.
        int mcusWide = ceilDiv(width, 8 * maxH);
        int mcusHigh = ceilDiv(height, 8 * maxV);
        components = new Component[count];
        decoded = new boolean[count];
        for (int i = 0; i < count; i++) {
            int blocksWide = mcusWide * hs[i];
            int blocksHigh = mcusHigh * vs[i];
            components[i] = new Component(ids[i], hs[i], vs[i], tables[i], blocksWide, blocksHigh,
                    new short[blocksWide * 8 * blocksHigh * 8]);
        }
    }

    /** DHT (B.2.4.2): one or more tables, each a class (DC/AC), a slot, 16 code counts and the symbols. */
    private void huffmanTables(int at, int end) {
        while (at < end) {
            if (at + 17 > end) {
                throw InvalidImageException.corrupt("a JPEG Huffman table is cut short");
            }
            int kind = (data[at] & 0xff) >> 4;
            int slot = data[at] & 0x0f;
            if (kind > 1 || slot > 3) {
                throw InvalidImageException.corrupt("a JPEG Huffman table has an invalid class or number");
            }
            int[] counts = new int[17];
            int total = 0;
            for (int i = 1; i <= 16; i++) {
                counts[i] = data[at + i] & 0xff;
                total += counts[i];
            }
            at += 17;
            if (total > 256 || at + total > end) {
                throw InvalidImageException.corrupt("a JPEG Huffman table is malformed");
            }
            int[] symbols = new int[total];
            for (int i = 0; i < total; i++) {
                symbols[i] = data[at + i] & 0xff;
                // A DC symbol is a magnitude category; libjpeg refuses more than 15 too.
                if (kind == 0 && symbols[i] > 15) {
                    throw InvalidImageException.corrupt("a JPEG Huffman table is malformed");
                }
            }
            at += total;
            (kind == 0 ? dcTables : acTables)[slot] = new HuffmanTable(counts, symbols);
        }
    }

    /** DQT (B.2.4.1): one or more tables of 64 values in zig-zag order, 8 or 16 bits each. */
    private void quantisationTables(int at, int end) {
        while (at < end) {
            int wide = (data[at] & 0xff) >> 4;
            int slot = data[at] & 0x0f;
            if (wide > 1 || slot > 3) {
                throw InvalidImageException.corrupt("a JPEG quantisation table has an invalid precision or number");
            }
            at++;
            if (at + (wide + 1) * 64 > end) {
                throw InvalidImageException.corrupt("a JPEG quantisation table is cut short");
            }
            int[] table = new int[64];
            for (int i = 0; i < 64; i++) {
                table[NATURAL[i]] = wide == 1 ? u16(at + 2 * i) : data[at + i] & 0xff;
            }
            at += (wide + 1) * 64;
            quant[slot] = table;
        }
    }

    private void restartInterval(int at, int length) {
        if (length != 2) {
            throw InvalidImageException.corrupt("the JPEG restart interval segment is malformed");
        }
        restartInterval = u16(at);
    }

    /** SOS (B.2.3) and its entropy-coded data; answers where the data ends (the next marker). */
    private int scan(int at, int length, int end) {
        if (components == null) {
            throw InvalidImageException.corrupt("the JPEG data has image data before its frame header");
        }
        int count = length >= 1 ? data[at] & 0xff : 0;
        if (count < 1 || count > components.length || length != 4 + 2 * count) {
            throw InvalidImageException.corrupt("a JPEG scan header is malformed");
        }
        Component[] scanned = new Component[count];
        HuffmanTable[] dc = new HuffmanTable[count];
        HuffmanTable[] ac = new HuffmanTable[count];
        int[][] tables = new int[count][];
        int[] index = new int[count];
        int blocksPerMcu = 0;
        for (int i = 0; i < count; i++) {
            int id = data[at + 1 + 2 * i] & 0xff;
            int selectors = data[at + 2 + 2 * i] & 0xff;
            index[i] = -1;
            for (int c = 0; c < components.length; c++) {
                if (components[c].id() == id) {
                    index[i] = c;
                }
            }
            if (index[i] < 0 || decoded[index[i]]) {
                throw InvalidImageException.corrupt(index[i] < 0 ? "a JPEG scan names a component the frame does not have"
                        : "a JPEG scan codes a component twice");
            }
            for (int j = 0; j < i; j++) {
                if (index[j] == index[i]) {
                    throw InvalidImageException.corrupt("a JPEG scan names a component twice");
                }
            }
            scanned[i] = components[index[i]];
            if ((selectors >> 4) > 3 || (selectors & 0x0f) > 3) {
                throw InvalidImageException.corrupt("a JPEG scan names an invalid Huffman table");
            }
            dc[i] = dcTables[selectors >> 4];
            ac[i] = acTables[selectors & 0x0f];
            tables[i] = quant[scanned[i].quantTable()];
            if (dc[i] == null || ac[i] == null) {
                throw InvalidImageException.corrupt("the JPEG data uses a Huffman table it does not define");
            }
            if (tables[i] == null) {
                throw InvalidImageException.corrupt("the JPEG data uses a quantisation table it does not define");
            }
            blocksPerMcu += scanned[i].h() * scanned[i].v();
        }
        if (count > 1 && blocksPerMcu > 10) {
            throw InvalidImageException.corrupt("a JPEG scan has more blocks per unit than the standard allows");
        }
        // Ss, Se, Ah/Al (the bytes after the selectors) have no meaning in a sequential scan.
        startEntropyData(end);
        if (count == 1) {
            decodeSingle(scanned[0], dc[0], ac[0], tables[0]);
        } else {
            decodeInterleaved(scanned, dc, ac, tables);
        }
        for (int i : index) {
            decoded[i] = true;
        }
        return endOfEntropyData();
    }

    /** One component alone: one block per MCU, in the component's own block grid (A.2.2). */
    private void decodeSingle(Component c, HuffmanTable dc, HuffmanTable ac, int[] table) {
        int componentWidth = ceilDiv(width * c.h(), maxH);
        int componentHeight = ceilDiv(height * c.v(), maxV);
        int blocksWide = ceilDiv(componentWidth, 8);
        int blocksHigh = ceilDiv(componentHeight, 8);
        int[] predictor = new int[1];
        int[] block = new int[64];
        double[] work = new double[64];
        int mcu = 0;
        for (int by = 0; by < blocksHigh; by++) {
            for (int bx = 0; bx < blocksWide; bx++) {
                if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0) {
                    restart(mcu / restartInterval);
                    predictor[0] = 0;
                }
                decodeBlock(dc, ac, table, predictor, 0, block);
                store(block, work, c, by, bx);
                mcu++;
            }
        }
    }

    /** Several components: each MCU holds h x v blocks of each, in scan order (A.2.3). */
    private void decodeInterleaved(Component[] scanned, HuffmanTable[] dc, HuffmanTable[] ac, int[][] tables) {
        int mcusWide = ceilDiv(width, 8 * maxH);
        int mcusHigh = ceilDiv(height, 8 * maxV);
        int[] predictor = new int[scanned.length];
        int[] block = new int[64];
        double[] work = new double[64];
        int mcu = 0;
        for (int my = 0; my < mcusHigh; my++) {
            for (int mx = 0; mx < mcusWide; mx++) {
                if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0) {
                    restart(mcu / restartInterval);
                    java.util.Arrays.fill(predictor, 0);
                }
                for (int i = 0; i < scanned.length; i++) {
                    Component c = scanned[i];
                    for (int v = 0; v < c.v(); v++) {
                        for (int h = 0; h < c.h(); h++) {
                            decodeBlock(dc[i], ac[i], tables[i], predictor, i, block);
                            store(block, work, c, my * c.v() + v, mx * c.h() + h);
                        }
                    }
                }
                mcu++;
            }
        }
    }

    /** One block's Huffman-coded coefficients (F.2.2), dequantised, in natural order. */
    private void decodeBlock(HuffmanTable dc, HuffmanTable ac, int[] table, int[] predictor, int p, int[] block) {
        java.util.Arrays.fill(block, 0);
        int category = decodeSymbol(dc);
        predictor[p] += receiveExtend(category);
        block[0] = predictor[p] * table[0];
        for (int k = 1; k < 64; k++) {
            int rs = decodeSymbol(ac);
            int run = rs >> 4;
            int size = rs & 0x0f;
            if (size == 0) {
                if (run != 15) {
                    break; // end of block
                }
                k += 15; // sixteen zeros
                continue;
            }
            k += run;
            if (k > 63) {
                throw InvalidImageException.corrupt("the JPEG image data is damaged (a block has more than 64 values)");
            }
            int n = NATURAL[k];
            block[n] = receiveExtend(size) * table[n];
        }
    }

    /** Inverse DCT (A.3.3), level shift and clamp, into the component's plane. */
    private void store(int[] block, double[] work, Component c, int blockRow, int blockColumn) {
        int max = (1 << precision) - 1;
        int shift = 1 << (precision - 1);
        short[] plane = c.plane();
        int stride = c.stride();
        int origin = blockRow * 8 * stride + blockColumn * 8;
        boolean dcOnly = true;
        for (int i = 1; i < 64 && dcOnly; i++) {
            dcOnly = block[i] == 0;
        }
        if (dcOnly) {
            int value = clamp(Math.floor(block[0] / 8.0 + shift + 0.5), max);
            for (int y = 0; y < 8; y++) {
                java.util.Arrays.fill(plane, origin + y * stride, origin + y * stride + 8, (short) value);
            }
            return;
        }
        // Rows: work[v * 8 + x] = sum over u of F(v, u) * basis(u, x); rows of zeros are skipped.
        for (int v = 0; v < 8; v++) {
            int row = v * 8;
            boolean zero = true;
            for (int u = 0; u < 8 && zero; u++) {
                zero = block[row + u] == 0;
            }
            for (int x = 0; x < 8; x++) {
                double sum = 0;
                if (!zero) {
                    for (int u = 0; u < 8; u++) {
                        sum += block[row + u] * BASIS[u * 8 + x];
                    }
                }
                work[row + x] = sum;
            }
        }
        // Columns: sample(y, x) = sum over v of basis(v, y) * work[v * 8 + x].
        for (int y = 0; y < 8; y++) {
            int out = origin + y * stride;
            for (int x = 0; x < 8; x++) {
                double sum = 0;
                for (int v = 0; v < 8; v++) {
                    sum += BASIS[v * 8 + y] * work[v * 8 + x];
                }
                plane[out + x] = (short) clamp(Math.floor(sum + shift + 0.5), max);
            }
        }
    }

    private static int clamp(double value, int max) {
        return (int) Math.max(0, Math.min(max, value));
    }

    private Image finish() {
        if (components == null) {
            throw InvalidImageException.corrupt("the JPEG data has no frame header");
        }
        for (boolean done : decoded) {
            if (!done) {
                throw InvalidImageException.corrupt("the JPEG data ends before the whole image");
            }
        }
        int count = components.length;
        int[] samples = new int[width * height * count];
        for (int c = 0; c < count; c++) {
            short[] plane = components[c].plane();
            int stride = components[c].stride();
            for (int y = 0; y < height; y++) {
                int in = y * stride;
                int out = y * width * count + c;
                for (int x = 0; x < width; x++, out += count) {
                    samples[out] = plane[in + x];
                }
            }
        }
        return new Image(width, height, count, precision, samples);
    }

    // Entropy-coded data (F.2.2.5, F.1.2.3): bytes FF 00 stand for FF; any other marker ends the data.

    private void startEntropyData(int at) {
        pos = at;
        bitBuffer = 0;
        bitCount = 0;
        paddingBits = 0;
        markerAt = -1;
    }

    /** Keeps at least 57 bits buffered, appending zeros once the data reaches a marker or the end. */
    private void fill() {
        while (bitCount <= 56) {
            int b = 0;
            if (markerAt < 0 && pos < data.length) {
                b = data[pos] & 0xff;
                if (b == 0xff) {
                    int next = pos + 1;
                    while (next < data.length && (data[next] & 0xff) == 0xff) {
                        next++; // fill bytes
                    }
                    if (next < data.length && data[next] == 0) {
                        pos = next + 1; // a stuffed FF
                    } else {
                        markerAt = next - 1;
                        b = -1;
                    }
                } else {
                    pos++;
                }
            } else {
                b = -1;
            }
            if (b < 0) {
                if (markerAt < 0) {
                    markerAt = data.length;
                }
                paddingBits += 8;
                b = 0;
            }
            bitBuffer = bitBuffer << 8 | b;
            bitCount += 8;
        }
    }

    private void consume(int bits) {
        bitCount -= bits;
        if (bitCount < paddingBits) {
            throw InvalidImageException.corrupt("the JPEG image data ends early");
        }
    }

    private int decodeSymbol(HuffmanTable table) {
        if (bitCount < 16) {
            fill();
        }
        int entry = table.lookup[(int) (bitBuffer >>> (bitCount - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1)];
        if (entry != 0) {
            consume(entry >> 8);
            return entry & 0xff;
        }
        for (int length = LOOKUP_BITS + 1; length <= 16; length++) {
            int code = (int) (bitBuffer >>> (bitCount - length)) & ((1 << length) - 1);
            if (code <= table.maxCode[length]) {
                consume(length);
                return table.symbols[table.offset[length] + code];
            }
        }
        throw InvalidImageException.corrupt("the JPEG image data is damaged (a Huffman code that its table lacks)");
    }

    /** The next {@code size} bits as a signed value of that magnitude category (F.2.2.1, EXTEND). */
    private int receiveExtend(int size) {
        if (size == 0) {
            return 0;
        }
        if (bitCount < size) {
            fill();
        }
        int value = (int) (bitBuffer >>> (bitCount - size)) & ((1 << size) - 1);
        consume(size);
        return value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
    }

    /** At a restart interval's end: the rest of the byte is padding, then RSTn with n counting 0..7. */
    private void restart(int number) {
        int at = endOfEntropyData();
        int expected = 0xd0 + ((number - 1) & 7);
        if (at + 1 >= data.length || (data[at + 1] & 0xff) != expected) {
            throw InvalidImageException.corrupt("the JPEG image data is damaged (a restart marker is missing)");
        }
        startEntropyData(at + 2);
    }

    /** Where the current entropy-coded data ends: the marker after it (unused bytes before it are skipped). */
    private int endOfEntropyData() {
        if (markerAt >= 0) {
            return markerAt;
        }
        int at = pos;
        while (at + 1 < data.length) {
            if ((data[at] & 0xff) == 0xff && data[at + 1] != 0 && (data[at + 1] & 0xff) != 0xff) {
                return at;
            }
            at++;
        }
        return data.length;
    }

    /** The next marker from {@code at} (stray bytes and fill bytes skipped), or -1 at the end of the data. */
    private int nextMarker(int at) {
        while (at + 1 < data.length && !((data[at] & 0xff) == 0xff && (data[at + 1] & 0xff) != 0xff
                && data[at + 1] != 0)) {
            at++;
        }
        return at + 1 < data.length ? at : -1;
    }

    private int segmentLength(int at) {
        if (at + 4 > data.length) {
            throw InvalidImageException.corrupt("the JPEG data ends inside a segment");
        }
        int length = u16(at + 2);
        if (length < 2 || at + 2 + length > data.length) {
            throw InvalidImageException.corrupt("a JPEG segment runs past the end of the data");
        }
        return length;
    }

    private int u16(int at) {
        return (data[at] & 0xff) << 8 | data[at + 1] & 0xff;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
