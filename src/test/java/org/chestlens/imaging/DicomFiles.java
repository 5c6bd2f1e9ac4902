package org.chestlens.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;

/**
 * Writes small DICOM Part 10 files for the tests (the real ones are never copied into the repository): explicit
 * or implicit VR, little or big endian, deflated, native or encapsulated pixel data, sequences, and identifying
 * tags that must not survive decoding.
 */
final class DicomFiles {

    static final String PATIENT_NAME = "Doe^Jane^Secret";

    private final String transferSyntax;
    private final Map<Integer, byte[]> elements = new TreeMap<>(Integer::compareUnsigned);
    private final Map<Integer, String> vrs = new TreeMap<>(Integer::compareUnsigned);
    private final boolean explicit;
    private final boolean bigEndian;
    private final boolean deflated;
    private List<byte[]> fragments;

    private DicomFiles(String transferSyntax) {
        this.transferSyntax = transferSyntax;
        this.explicit = !transferSyntax.equals(DicomDecoder.IMPLICIT_LE);
        this.bigEndian = transferSyntax.equals(DicomDecoder.EXPLICIT_BE);
        this.deflated = transferSyntax.equals(DicomDecoder.DEFLATED_LE);
        string(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.1.1");
        string(0x00100010, "PN", PATIENT_NAME);
        string(0x00100020, "LO", "SECRET-ID-123");
    }

    static DicomFiles of(String transferSyntax) {
        return new DicomFiles(transferSyntax);
    }

    /** A monochrome image module: rows x columns, bits allocated/stored, signed or not. */
    DicomFiles image(int rows, int columns, int allocated, int stored, boolean signed, String photometric) {
        us(0x00280002, 1);
        string(0x00280004, "CS", photometric);
        us(0x00280010, rows);
        us(0x00280011, columns);
        us(0x00280100, allocated);
        us(0x00280101, stored);
        us(0x00280102, stored - 1);
        us(0x00280103, signed ? 1 : 0);
        return this;
    }

    DicomFiles us(int tag, int value) {
        byte[] b = new byte[2];
        put16(b, 0, value);
        elements.put(tag, b);
        vrs.put(tag, "US");
        return this;
    }

    DicomFiles string(int tag, String vr, String value) {
        byte[] s = value.getBytes(StandardCharsets.US_ASCII);
        byte[] padded = new byte[s.length + (s.length % 2)];
        System.arraycopy(s, 0, padded, 0, s.length);
        if (s.length % 2 == 1) {
            padded[s.length] = (byte) (vr.equals("UI") ? 0 : ' ');
        }
        elements.put(tag, padded);
        vrs.put(tag, vr);
        return this;
    }

    DicomFiles raw(int tag, String vr, byte[] value) {
        elements.put(tag, value);
        vrs.put(tag, vr);
        return this;
    }

    DicomFiles pixels8(byte[] values) {
        return raw(0x7fe00010, "OB", values.length % 2 == 0 ? values : java.util.Arrays.copyOf(values, values.length + 1));
    }

    DicomFiles pixels16(int[] values) {
        byte[] b = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            put16(b, 2 * i, values[i]);
        }
        return raw(0x7fe00010, "OW", b);
    }

    DicomFiles encapsulated(List<byte[]> fragments) {
        this.fragments = new ArrayList<>(fragments);
        return this;
    }

    DicomFiles noPixelData() {
        elements.remove(0x7fe00010);
        return this;
    }

    /** A VOI LUT sequence with one item (descriptor + 16-bit data), of undefined length, items of defined length. */
    DicomFiles voiLut(int entries, int firstMapped, int bits, int[] lut) {
        ByteArrayOutputStream item = new ByteArrayOutputStream();
        byte[] descriptor = new byte[6];
        put16(descriptor, 0, entries);
        put16(descriptor, 2, firstMapped);
        put16(descriptor, 4, bits);
        writeElement(item, 0x00283002, "US", descriptor);
        byte[] data = new byte[lut.length * 2];
        for (int i = 0; i < lut.length; i++) {
            put16(data, 2 * i, lut[i]);
        }
        writeElement(item, 0x00283006, "OW", data);
        ByteArrayOutputStream seq = new ByteArrayOutputStream();
        writeTag(seq, 0xfffee000);
        write32(seq, item.size());
        seq.writeBytes(item.toByteArray());
        writeTag(seq, 0xfffee0dd);
        write32(seq, 0);
        elements.put(0x00283010, seq.toByteArray());
        vrs.put(0x00283010, "SQ-UNDEFINED");
        return this;
    }

    /** An unrelated sequence of undefined length with a nested item of undefined length, to be skipped. */
    DicomFiles otherSequence() {
        ByteArrayOutputStream seq = new ByteArrayOutputStream();
        writeTag(seq, 0xfffee000);
        write32(seq, 0xffffffff);
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        writeElement(inner, 0x00081150, "UI", "1.2.3.4\0".getBytes(StandardCharsets.US_ASCII));
        seq.writeBytes(inner.toByteArray());
        writeTag(seq, 0xfffee00d);
        write32(seq, 0);
        writeTag(seq, 0xfffee0dd);
        write32(seq, 0);
        elements.put(0x00081140, seq.toByteArray());
        vrs.put(0x00081140, "SQ-UNDEFINED");
        return this;
    }

    /** An icon image sequence (0088,0200) whose item holds its own encapsulated pixel data: to be skipped. */
    DicomFiles iconWithEncapsulatedPixels() {
        ByteArrayOutputStream item = new ByteArrayOutputStream();
        writeElement(item, 0x00280010, "US", new byte[] {4, 0});
        writeTag(item, 0x7fe00010);
        if (explicit) {
            item.writeBytes("OB".getBytes(StandardCharsets.US_ASCII));
            item.writeBytes(new byte[2]);
        }
        write32(item, 0xffffffff);
        writeTag(item, 0xfffee000);
        write32(item, 0);
        writeTag(item, 0xfffee000);
        write32(item, 16);
        // Compressed bytes that, read as an element, would claim a length far past the end of the file.
        item.writeBytes(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 'O', 'B', 0, 0,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 1, 2, 3, 4});
        writeTag(item, 0xfffee0dd);
        write32(item, 0);
        ByteArrayOutputStream seq = new ByteArrayOutputStream();
        writeTag(seq, 0xfffee000);
        write32(seq, 0xffffffff);
        seq.writeBytes(item.toByteArray());
        writeTag(seq, 0xfffee00d);
        write32(seq, 0);
        writeTag(seq, 0xfffee0dd);
        write32(seq, 0);
        elements.put(0x00880200, seq.toByteArray());
        vrs.put(0x00880200, "SQ-UNDEFINED");
        return this;
    }

    /**
     * A content sequence (0040,A730) holding {@code depth} sequences inside one another, each of undefined length
     * in an item of undefined length, as a structured report nests its content items.
     */
    DicomFiles nestedSequences(int depth) {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        for (int level = 1; level < depth; level++) {
            ByteArrayOutputStream seq = new ByteArrayOutputStream();
            writeTag(seq, 0x0040a730);
            if (explicit) {
                seq.writeBytes("SQ".getBytes(StandardCharsets.US_ASCII));
                seq.writeBytes(new byte[2]);
            }
            write32(seq, 0xffffffff);
            writeItems(seq, inner.toByteArray());
            inner = seq;
        }
        ByteArrayOutputStream outer = new ByteArrayOutputStream();
        writeItems(outer, inner.toByteArray());
        elements.put(0x0040a730, outer.toByteArray());
        vrs.put(0x0040a730, "SQ-UNDEFINED");
        return this;
    }

    /** One item of undefined length holding {@code content}, then the sequence delimiter. */
    private void writeItems(ByteArrayOutputStream out, byte[] content) {
        writeTag(out, 0xfffee000);
        write32(out, 0xffffffff);
        out.writeBytes(content);
        writeTag(out, 0xfffee00d);
        write32(out, 0);
        writeTag(out, 0xfffee0dd);
        write32(out, 0);
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        DicomFiles metaWriter = new DicomFiles(DicomDecoder.EXPLICIT_LE);
        byte[] ts = transferSyntax.getBytes(StandardCharsets.US_ASCII);
        byte[] tsPadded = java.util.Arrays.copyOf(ts, ts.length + ts.length % 2);
        metaWriter.writeElement(meta, 0x00020001, "OB", new byte[] {0, 1});
        metaWriter.writeElement(meta, 0x00020010, "UI", tsPadded);
        byte[] groupLength = new byte[4];
        groupLength[0] = (byte) meta.size();
        groupLength[1] = (byte) (meta.size() >> 8);
        metaWriter.writeElement(out, 0x00020000, "UL", groupLength);
        out.writeBytes(meta.toByteArray());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<Integer, byte[]> e : elements.entrySet()) {
            String vr = vrs.get(e.getKey());
            if (vr.equals("SQ-UNDEFINED")) {
                writeTag(body, e.getKey());
                if (explicit) {
                    body.writeBytes("SQ".getBytes(StandardCharsets.US_ASCII));
                    body.writeBytes(new byte[2]);
                }
                write32(body, 0xffffffff);
                body.writeBytes(e.getValue());
            } else {
                writeElement(body, e.getKey(), vr, e.getValue());
            }
        }
        if (fragments != null) {
            writeTag(body, 0x7fe00010);
            if (explicit) {
                body.writeBytes("OB".getBytes(StandardCharsets.US_ASCII));
                body.writeBytes(new byte[2]);
            }
            write32(body, 0xffffffff);
            writeTag(body, 0xfffee000); // empty basic offset table
            write32(body, 0);
            for (byte[] f : fragments) {
                byte[] even = f.length % 2 == 0 ? f : java.util.Arrays.copyOf(f, f.length + 1);
                writeTag(body, 0xfffee000);
                write32(body, even.length);
                body.writeBytes(even);
            }
            writeTag(body, 0xfffee0dd);
            write32(body, 0);
        }
        byte[] dataset = body.toByteArray();
        if (deflated) {
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            deflater.setInput(dataset);
            deflater.finish();
            byte[] buffer = new byte[dataset.length + 1024];
            int n = deflater.deflate(buffer);
            deflater.end();
            out.write(buffer, 0, n);
        } else {
            out.writeBytes(dataset);
        }
        return out.toByteArray();
    }

    private void writeElement(ByteArrayOutputStream out, int tag, String vr, byte[] value) {
        writeTag(out, tag);
        if (explicit || (tag >>> 16) == 0x0002) {
            out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            if (List.of("OB", "OW", "SQ", "UN", "UT", "OF").contains(vr)) {
                out.writeBytes(new byte[2]);
                write32(out, value.length);
            } else {
                write16(out, value.length);
            }
        } else {
            write32(out, value.length);
        }
        out.writeBytes(value);
    }

    private void writeTag(ByteArrayOutputStream out, int tag) {
        write16(out, tag >>> 16);
        write16(out, tag & 0xffff);
    }

    private void write16(ByteArrayOutputStream out, int v) {
        byte[] b = new byte[2];
        put16(b, 0, v);
        out.writeBytes(b);
    }

    private void write32(ByteArrayOutputStream out, int v) {
        if (bigEndian) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        } else {
            out.write(v);
            out.write(v >>> 8);
            out.write(v >>> 16);
            out.write(v >>> 24);
        }
    }

    private void put16(byte[] b, int at, int v) {
        if (bigEndian) {
            b[at] = (byte) (v >>> 8);
            b[at + 1] = (byte) v;
        } else {
            b[at] = (byte) v;
            b[at + 1] = (byte) (v >>> 8);
        }
    }

    /** RLE Lossless frame: header of segment offsets, then one PackBits-literal segment per byte plane. */
    static byte[] rle(int[] values, int bytesPerSample) {
        List<byte[]> segments = new ArrayList<>();
        for (int plane = 0; plane < bytesPerSample; plane++) {
            int shift = 8 * (bytesPerSample - 1 - plane);
            ByteArrayOutputStream seg = new ByteArrayOutputStream();
            for (int i = 0; i < values.length; i += 128) {
                int n = Math.min(128, values.length - i);
                if (n >= 3 && allSame(values, i, n, shift)) {
                    seg.write(1 - n); // replicate run
                    seg.write(values[i] >> shift);
                } else {
                    seg.write(n - 1); // literal run
                    for (int k = 0; k < n; k++) {
                        seg.write(values[i + k] >> shift);
                    }
                }
            }
            if (seg.size() % 2 == 1) {
                seg.write(0x80); // no-op padding
            }
            segments.add(seg.toByteArray());
        }
        byte[] header = new byte[64];
        header[0] = (byte) segments.size();
        int offset = 64;
        for (int s = 0; s < segments.size(); s++) {
            int at = 4 + 4 * s;
            header[at] = (byte) offset;
            header[at + 1] = (byte) (offset >> 8);
            header[at + 2] = (byte) (offset >> 16);
            offset += segments.get(s).length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        segments.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static boolean allSame(int[] values, int from, int n, int shift) {
        for (int k = 1; k < n; k++) {
            if (((values[from + k] >> shift) & 0xff) != ((values[from] >> shift) & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
