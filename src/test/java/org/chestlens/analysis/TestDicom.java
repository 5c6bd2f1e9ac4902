package org.chestlens.analysis;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal DICOM Part 10 file (explicit VR little endian, MONOCHROME2, 16 bits allocated, 12 stored)
 * made from a grey test image, with identifying tags that must never reach the stored image.
 */
public final class TestDicom {

    private TestDicom() {
    }

    public static byte[] of(BufferedImage grey) {
        return of(grey, "SECRET-ID-1234", null);
    }

    /** With this Patient ID (0010,0020) and, when not null, Study Date (0008,0020, YYYYMMDD). */
    public static byte[] of(BufferedImage grey, String patientId, String studyDate) {
        int w = grey.getWidth();
        int h = grey.getHeight();
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        element(meta, 0x0002, 0x0001, "OB", new byte[] {0, 1});
        element(meta, 0x0002, 0x0002, "UI", uid("1.2.840.10008.5.1.4.1.1.1.1"));
        element(meta, 0x0002, 0x0003, "UI", uid("1.2.826.0.1.3680043.2.1125.1.42"));
        element(meta, 0x0002, 0x0010, "UI", uid("1.2.840.10008.1.2.1"));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        element(data, 0x0008, 0x0016, "UI", uid("1.2.840.10008.5.1.4.1.1.1.1"));
        element(data, 0x0008, 0x0018, "UI", uid("1.2.826.0.1.3680043.2.1125.1.42"));
        if (studyDate != null) {
            element(data, 0x0008, 0x0020, "DA", text(studyDate));
        }
        element(data, 0x0008, 0x0060, "CS", text("DX"));
        element(data, 0x0010, 0x0010, "PN", text("Doe^Jane"));
        element(data, 0x0010, 0x0020, "LO", text(patientId));
        element(data, 0x0028, 0x0002, "US", u16(1));
        element(data, 0x0028, 0x0004, "CS", text("MONOCHROME2"));
        element(data, 0x0028, 0x0010, "US", u16(h));
        element(data, 0x0028, 0x0011, "US", u16(w));
        element(data, 0x0028, 0x0100, "US", u16(16));
        element(data, 0x0028, 0x0101, "US", u16(12));
        element(data, 0x0028, 0x0102, "US", u16(11));
        element(data, 0x0028, 0x0103, "US", u16(0));
        ByteBuffer pixels = ByteBuffer.allocate(w * h * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pixels.putShort((short) ((grey.getRaster().getSample(x, y, 0) * 4095) / 255));
            }
        }
        element(data, 0x7FE0, 0x0010, "OW", pixels.array());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        byte[] metaBytes = meta.toByteArray();
        element(out, 0x0002, 0x0000, "UL", ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(metaBytes.length).array());
        out.writeBytes(metaBytes);
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }

    private static void element(ByteArrayOutputStream out, int group, int tag, String vr, byte[] value) {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort((short) group).putShort((short) tag).put(vr.getBytes(StandardCharsets.US_ASCII));
        boolean longForm = vr.equals("OB") || vr.equals("OW") || vr.equals("UN") || vr.equals("SQ") || vr.equals("UT");
        if (longForm) {
            header.putShort((short) 0).putInt(value.length);
        } else {
            header.putShort((short) value.length);
        }
        out.write(header.array(), 0, header.position());
        out.writeBytes(value);
    }

    private static byte[] uid(String uid) {
        byte[] b = uid.getBytes(StandardCharsets.US_ASCII);
        return b.length % 2 == 0 ? b : java.util.Arrays.copyOf(b, b.length + 1);
    }

    private static byte[] text(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length % 2 == 0) {
            return b;
        }
        byte[] padded = java.util.Arrays.copyOf(b, b.length + 1);
        padded[b.length] = ' ';
        return padded;
    }

    private static byte[] u16(int v) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array();
    }
}
