package org.chestlens.imaging;

/**
 * An 8-bit grey image, row-major, one byte per pixel (0 black .. 255 white).
 */
public record GreyImage(int width, int height, byte[] pixels) {

    public GreyImage {
        if (width <= 0 || height <= 0 || pixels.length != width * height) {
            throw new IllegalArgumentException("bad grey image " + width + "x" + height + " / " + pixels.length);
        }
    }

    /** The pixels as floats 0..255 (the start of every preprocessing). */
    public float[] toFloats() {
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = pixels[i] & 0xff;
        }
        return out;
    }

    /** Sum of the 8-bit values (the fixtures' checksum). */
    public long sum() {
        long s = 0;
        for (byte p : pixels) {
            s += p & 0xff;
        }
        return s;
    }
}
