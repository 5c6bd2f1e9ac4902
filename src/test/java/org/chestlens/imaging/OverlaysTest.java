package org.chestlens.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class OverlaysTest {

    @Test
    void coolRegionsLeaveTheXrayVisibleAndHotOnesAreColoured() throws Exception {
        GreyImage base = new GreyImage(64, 64, filled(64 * 64, 100));
        float[] map = new float[4];
        map[3] = 1f; // bottom-right hot
        byte[] rgb = Overlays.blend(base, map, 2, 2);
        int topLeft = 0;
        assertThat(new int[] {rgb[topLeft] & 0xff, rgb[topLeft + 1] & 0xff, rgb[topLeft + 2] & 0xff}).containsExactly(100, 100, 100);
        int bottomRight = (63 * 64 + 63) * 3;
        int r = rgb[bottomRight] & 0xff;
        int g = rgb[bottomRight + 1] & 0xff;
        int b = rgb[bottomRight + 2] & 0xff;
        assertThat(Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b))).as("coloured").isGreaterThan(30);

        EncodedImage png = Overlays.blendPng(base, map, 2, 2);
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(png.bytes()));
        assertThat(read.getWidth()).isEqualTo(64);
        assertThat(read.getRGB(63, 63) & 0xffffff).isEqualTo((r << 16) | (g << 8) | b);
    }

    @Test
    void normaliseMapsToUnitRangeAndFlatToZero() {
        assertThat(Overlays.normalise(new float[] {-2, 0, 2})).containsExactly(0f, 0.5f, 1f);
        assertThat(Overlays.normalise(new float[] {3, 3})).containsExactly(0f, 0f);
    }

    @Test
    void pngEncoderRoundTripsGreyRgbAndRgba() throws Exception {
        byte[] grey = new byte[37 * 11];
        byte[] rgba = new byte[37 * 11 * 4];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (byte) (i * 13);
            rgba[4 * i] = (byte) i;
            rgba[4 * i + 1] = (byte) (i * 3);
            rgba[4 * i + 2] = (byte) (255 - i);
            rgba[4 * i + 3] = (byte) (i * 7);
        }
        BufferedImage g = ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(37, 11, 1, grey, 1)));
        assertThat(g.getRaster().getSample(5, 3, 0)).isEqualTo((3 * 37 + 5) * 13 & 0xff);
        BufferedImage c = ImageIO.read(new ByteArrayInputStream(PngEncoder.encode(37, 11, 4, rgba, 9)));
        int i = 3 * 37 + 5;
        assertThat(c.getRGB(5, 3)).isEqualTo(((i * 7 & 0xff) << 24) | ((i & 0xff) << 16) | ((i * 3 & 0xff) << 8) | ((255 - i) & 0xff));
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }
}
