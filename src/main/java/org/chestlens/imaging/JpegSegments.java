package org.chestlens.imaging;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/**
 * JPEG at the marker level: the frame header (size and coding process, read before decoding) and a copy
 * without metadata (APPn segments such as EXIF, XMP, ICC, JFIF thumbnails, and comments), entropy-coded data
 * copied untouched so nothing is re-compressed.
 */
final class JpegSegments {

    private static final int SOI = 0xd8;
    private static final int EOI = 0xd9;
    private static final int SOS = 0xda;
    private static final int APP14 = 0xee;
    private static final int COM = 0xfe;

    /**
     * @param process the SOF marker (0xc0 baseline, 0xc1 extended, 0xc2 progressive, 0xc3 lossless, ...)
     */
    record Header(int width, int height, int components, int precision, int process) {
    }

    private JpegSegments() {
    }

    static Header header(byte[] jpeg) {
        int at = 2;
        while (true) {
            at = nextMarker(jpeg, at);
            int marker = jpeg[at + 1] & 0xff;
            if (marker == EOI || marker == SOS) {
                throw InvalidImageException.corrupt("the JPEG file has no frame header");
            }
            if (isStandalone(marker)) {
                at += 2;
                continue;
            }
            int length = segmentLength(jpeg, at);
            if (isStartOfFrame(marker)) {
                if (length < 8) {
                    throw InvalidImageException.corrupt("the JPEG frame header is too short");
                }
                int precision = jpeg[at + 4] & 0xff;
                int height = u16(jpeg, at + 5);
                int width = u16(jpeg, at + 7);
                int components = jpeg[at + 9] & 0xff;
                if (width == 0 || height == 0) {
                    throw InvalidImageException.corrupt("the JPEG frame header gives no size");
                }
                return new Header(width, height, components, precision, marker);
            }
            at += 2 + length;
        }
    }

    /**
     * Whether the three components of a JPEG stream were transformed from RGB to YCbCr, as the stream itself says
     * (libjpeg's rules): an Adobe APP14 segment's transform flag, else a JFIF APP0 segment (always YCbCr), else
     * component ids 'R', 'G', 'B' (not transformed). Empty when the stream does not say.
     */
    static Optional<Boolean> colourTransformed(byte[] jpeg) {
        boolean jfif = false;
        int at = 2;
        while (true) {
            at = nextMarker(jpeg, at);
            int marker = jpeg[at + 1] & 0xff;
            if (marker == EOI || marker == SOS) {
                return jfif ? Optional.of(true) : Optional.empty();
            }
            if (isStandalone(marker)) {
                at += 2;
                continue;
            }
            int length = segmentLength(jpeg, at);
            if (marker == APP14 && length >= 14 && startsWith(jpeg, at + 4, "Adobe")) {
                return Optional.of(jpeg[at + 15] != 0);
            }
            if (marker == 0xe0 && length >= 7 && startsWith(jpeg, at + 4, "JFIF")) {
                jfif = true;
            }
            if (isStartOfFrame(marker) && length >= 8 + 3 * 3 && (jpeg[at + 9] & 0xff) == 3) {
                if (jfif) {
                    return Optional.of(true);
                }
                boolean rgbIds = jpeg[at + 10] == 'R' && jpeg[at + 13] == 'G' && jpeg[at + 16] == 'B';
                if (rgbIds) {
                    return Optional.of(false);
                }
            }
            at += 2 + length;
        }
    }

    private static boolean startsWith(byte[] b, int at, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (b[at + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static byte[] strip(byte[] jpeg) {
        return strip(jpeg, true);
    }

    /** The stream without APPn segments and comments, keeping the Adobe segment (colour transform) if asked. */
    static byte[] strip(byte[] jpeg, boolean keepAdobe) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length);
        out.write(jpeg, 0, 2);
        int at = 2;
        while (true) {
            at = nextMarker(jpeg, at);
            int marker = jpeg[at + 1] & 0xff;
            if (marker == EOI) {
                out.write(jpeg, at, 2);
                return out.toByteArray();
            }
            if (isStandalone(marker)) {
                out.write(jpeg, at, 2);
                at += 2;
                continue;
            }
            int end = at + 2 + segmentLength(jpeg, at);
            boolean metadata = (marker >= 0xe0 && marker <= 0xef && !(keepAdobe && marker == APP14)) || marker == COM;
            if (!metadata) {
                out.write(jpeg, at, end - at);
            }
            at = end;
            if (marker == SOS) {
                // Entropy-coded data runs to the next marker that is neither stuffing (FF00) nor a restart (FFD0-D7).
                int start = at;
                while (at + 1 < jpeg.length) {
                    if ((jpeg[at] & 0xff) == 0xff) {
                        int next = jpeg[at + 1] & 0xff;
                        if (next != 0 && !(next >= 0xd0 && next <= 0xd7) && next != 0xff) {
                            break;
                        }
                    }
                    at++;
                }
                if (at + 1 >= jpeg.length) {
                    throw InvalidImageException.corrupt("the JPEG data ends without an end marker");
                }
                out.write(jpeg, start, at - start);
            }
        }
    }

    private static int nextMarker(byte[] jpeg, int at) {
        while (at + 1 < jpeg.length && (jpeg[at] & 0xff) != 0xff) {
            at++; // tolerate garbage between segments, as decoders do
        }
        while (at + 2 < jpeg.length && (jpeg[at + 1] & 0xff) == 0xff) {
            at++; // fill bytes
        }
        if (at + 1 >= jpeg.length) {
            throw InvalidImageException.corrupt("the JPEG file ends early");
        }
        return at;
    }

    private static int segmentLength(byte[] jpeg, int at) {
        if (at + 4 > jpeg.length) {
            throw InvalidImageException.corrupt("the JPEG file ends inside a segment");
        }
        int length = u16(jpeg, at + 2);
        if (length < 2 || at + 2 + length > jpeg.length) {
            throw InvalidImageException.corrupt("a JPEG segment runs past the end of the file");
        }
        return length;
    }

    private static boolean isStandalone(int marker) {
        return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker == SOI;
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
