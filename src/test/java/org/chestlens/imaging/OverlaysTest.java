package org.chestlens.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class OverlaysTest {

    @Test
    void zeroIntensityLeavesTheXrayUntouchedAndHighIntensityIsColoured() throws Exception {
        GreyImage base = new GreyImage(64, 64, filled(64 * 64, 100));
        float[] intensity = new float[64 * 64];
        intensity[63 * 64 + 63] = 1f; // bottom-right hot
        byte[] rgb = Overlays.blend(base, intensity);
        int topLeft = 0;
        assertThat(new int[] {rgb[topLeft] & 0xff, rgb[topLeft + 1] & 0xff, rgb[topLeft + 2] & 0xff}).containsExactly(100, 100, 100);
        int bottomRight = (63 * 64 + 63) * 3;
        int r = rgb[bottomRight] & 0xff;
        int g = rgb[bottomRight + 1] & 0xff;
        int b = rgb[bottomRight + 2] & 0xff;
        assertThat(Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b))).as("coloured").isGreaterThan(30);

        EncodedImage png = Overlays.blendPng(base, intensity);
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(png.bytes()));
        assertThat(read.getWidth()).isEqualTo(64);
        assertThat(read.getRGB(63, 63) & 0xffffff).isEqualTo((r << 16) | (g << 8) | b);
    }

    @Test
    void opacityGrowsWithIntensityAndColoursRunFromBlueToRed() {
        assertThat(Overlays.opacity(0f)).isZero();
        assertThat(Overlays.opacity(-1f)).isZero();
        assertThat(Overlays.opacity(0.05f)).isGreaterThan(0f).isLessThan(Overlays.opacity(0.5f));
        assertThat(Overlays.opacity(1f)).isEqualTo(Overlays.MAX_OPACITY);
        int weak = Overlays.colour(0f);
        int strong = Overlays.colour(1f);
        assertThat(weak & 0xff).as("blue end").isGreaterThan((weak >> 16) & 0xff);
        assertThat((strong >> 16) & 0xff).as("red end").isGreaterThan(strong & 0xff);
        // The legend draws exactly these colours and opacities.
        assertThat(Overlays.cssGradient()).startsWith("linear-gradient(90deg, rgba(")
                .contains("0.000) 0%").contains(String.format(java.util.Locale.ROOT, "%.3f) 100%%", Overlays.MAX_OPACITY));
    }

    @Test
    void heatmapsUseTheFixedScaleSoAWeakMapStaysFaintWhereAStretchWouldGlow() {
        // Two maps of the same shape: a weak finding (every value below the scale's start but one just above it)
        // and a strong one. A per-image min-max stretch would colour both the same.
        float[] weak = {-3.0f, -2.5f, -2.0f, 0.2f};
        float[] strong = {1.0f, 3.0f, 5.0f, 9.0f};
        float[] weakIntensity = Overlays.heatmapIntensity(weak, 2, 2, 2, 2, 0.0, 8.0, null);
        float[] strongIntensity = Overlays.heatmapIntensity(strong, 2, 2, 2, 2, 0.0, 8.0, null);
        assertThat(weakIntensity).containsExactly(0f, 0f, 0f, 0.025f);
        assertThat(strongIntensity).containsExactly(0.125f, 0.375f, 0.625f, 1f);
        assertThat(Overlays.normalise(weak)).as("the old stretch").contains(1f);

        GreyImage base = new GreyImage(2, 2, filled(4, 100));
        assertThat(maxColourShift(Overlays.blend(base, weakIntensity)))
                .as("faint").isLessThan(maxColourShift(Overlays.blend(base, strongIntensity)) / 3);
    }

    @Test
    void theBodyMaskSuppressesActivationOutsideIt() {
        float[] cam = {10f, 10f, 10f, 10f};
        float[] mask = {1f, 0f, 0.5f, 1f};
        assertThat(Overlays.heatmapIntensity(cam, 2, 2, 2, 2, 0.0, 5.0, mask)).containsExactly(1f, 0f, 0.5f, 1f);
    }

    @Test
    void aScaleWithoutRangeIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Overlays.heatmapIntensity(new float[4], 2, 2, 2, 2, 1.0, 1.0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int maxColourShift(byte[] rgb) {
        int max = 0;
        for (int i = 0; i < rgb.length; i += 3) {
            int r = rgb[i] & 0xff;
            int g = rgb[i + 1] & 0xff;
            int b = rgb[i + 2] & 0xff;
            max = Math.max(max, Math.abs(r - 100) + Math.abs(g - 100) + Math.abs(b - 100));
        }
        return max;
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
