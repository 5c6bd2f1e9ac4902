package org.chestlens.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class BodyMaskTest {

    @Test
    void theAirAroundTheBodyIsOutsideAndTheDarkLungsInside() {
        BufferedImage phantom = TestImages.phantomChest(300, 260, 5);
        BodyMask mask = BodyMask.of(TestImages.grey(phantom));
        assertThat(mask.found()).isTrue();
        assertThat(mask.width()).isEqualTo(128);
        assertThat(inside(mask, 0.01, 0.01)).as("top-left corner: air").isFalse();
        assertThat(inside(mask, 0.99, 0.5)).as("right edge beside the body: air").isFalse();
        assertThat(inside(mask, 0.30, 0.45)).as("right lung: dark but enclosed").isTrue();
        assertThat(inside(mask, 0.70, 0.45)).as("left lung").isTrue();
        assertThat(inside(mask, 0.55, 0.70)).as("heart").isTrue();
        // The phantom's body is an ellipse over ~80% of the width, cut by the bottom edge.
        assertThat(mask.coverage()).isBetween(0.6, 0.9);
    }

    @Test
    void labelsOnTheAirAreNotBody() {
        BufferedImage phantom = TestImages.phantomChest(300, 260, 5);
        Graphics2D g = phantom.createGraphics();
        g.setColor(new Color(250, 250, 250));
        g.fillRect(4, 4, 14, 20); // a burnt-in marker letter in the corner, on the air
        g.dispose();
        BodyMask mask = BodyMask.of(TestImages.grey(phantom));
        assertThat(inside(mask, 11 / 300.0, 14 / 260.0)).isFalse();
        assertThat(inside(mask, 0.30, 0.45)).isTrue();
    }

    @Test
    void lungsReachingTheBorderOfATightCropStayInside() {
        // A crop inside the chest: two lung fields reach the left and right edges; no air anywhere.
        BufferedImage crop = new BufferedImage(200, 180, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = crop.createGraphics();
        g.setColor(new Color(150, 150, 150));
        g.fillRect(0, 0, 200, 180);
        g.setColor(new Color(60, 60, 60));
        g.fillRect(0, 20, 80, 140);
        g.fillRect(120, 20, 80, 140);
        g.dispose();
        java.util.Random noise = new java.util.Random(3);
        byte[] px = ((java.awt.image.DataBufferByte) crop.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) Math.max(0, Math.min(255, (px[i] & 0xff) + (int) Math.round(noise.nextGaussian() * 4)));
        }
        BodyMask mask = BodyMask.of(TestImages.grey(crop));
        assertThat(mask.coverage()).as("what reaches the border is lung, not darker than lung").isEqualTo(1.0);
    }

    @Test
    void withoutADarkSurroundingTheWholeImageIsBodyAndAnImageWithoutBodyMasksNothing() {
        assertThat(BodyMask.of(TestImages.grey(TestImages.uniform(200, 150, 128))).coverage()).isEqualTo(1.0);
        assertThat(BodyMask.of(TestImages.grey(TestImages.uniform(200, 150, 0))).coverage()).isEqualTo(1.0);

        // A tiny chest in a huge black band: what is left is too small to be trusted as the body.
        BufferedImage band = TestImages.uniform(400, 300, 0);
        Graphics2D g = band.createGraphics();
        g.setColor(new Color(150, 150, 150));
        g.fillOval(125, 90, 150, 120);
        g.setColor(new Color(25, 25, 25));
        g.fillOval(145, 105, 45, 85);
        g.fillOval(210, 105, 45, 85);
        g.dispose();
        BodyMask mask = BodyMask.of(TestImages.grey(band));
        assertThat(mask.found()).as("nothing that looks like a body").isFalse();
        assertThat(mask.coverage()).as("then nothing is suppressed").isEqualTo(1.0);
    }

    @Test
    void theMaskResamplesToTheDisplaySizeWithASoftEdge() {
        BodyMask mask = BodyMask.of(TestImages.grey(TestImages.phantomChest(300, 260, 5)));
        float[] big = mask.resampled(512, 444);
        assertThat(big).hasSize(512 * 444);
        assertThat(big[0]).isZero();
        assertThat(big[(444 / 2) * 512 + 256]).isEqualTo(1f);
        boolean soft = false;
        for (float v : big) {
            soft |= v > 0.05f && v < 0.95f;
        }
        assertThat(soft).isTrue();
    }

    @Test
    void onlyWhatIsClearlyDarkerThanTheLungsIsAir() {
        float[] values = {10, 10, 60, 60, 200, 200};
        boolean[] airAtTheBorder = {true, true, false, false, false, false};
        boolean[] near = airAtTheBorder.clone();
        assertThat(BodyMask.clearlyDarker(values, airAtTheBorder, near, 100)).isTrue();
        float[] lungAtTheBorder = {52, 53, 58, 60, 200, 200};
        assertThat(BodyMask.clearlyDarker(lungAtTheBorder, airAtTheBorder, near, 100)).isFalse();
    }

    @Test
    void otsuSplitsTwoPopulationsBetweenThem() {
        int[] histogram = new int[256];
        histogram[20] = 500;
        histogram[200] = 300;
        int t = BodyMask.otsu(histogram, 800);
        assertThat(t).isBetween(20, 199);
    }

    private static boolean inside(BodyMask mask, double fx, double fy) {
        return mask.inside((int) Math.min(mask.width() - 1, fx * mask.width()), (int) Math.min(mask.height() - 1, fy * mask.height()));
    }
}
