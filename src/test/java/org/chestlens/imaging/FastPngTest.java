package org.chestlens.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast PNG path gives exactly ImageIO's pixels (through {@link Rasters}), for every filter type. */
class FastPngTest {

    @Test
    void sameGreyAndSaturationAsImageIo() {
        Random random = new Random(5);
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR}) {
            for (int size : new int[] {1, 7, 64, 301}) {
                BufferedImage image = new BufferedImage(size + 3, size, type);
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size + 3; x++) {
                        // Smooth areas and noise, so ImageIO's writer picks different filters per row.
                        int v = (x * y / 3 + (random.nextInt(9) == 0 ? random.nextInt(256) : 0)) & 0xff;
                        image.setRGB(x, y, (random.nextInt(256) << 24) | (v << 16) | ((255 - v) << 8) | (x * 5 & 0xff));
                    }
                }
                byte[] png = TestImages.png(image);
                PngChunks.Header header = PngChunks.header(png);
                assertThat(FastPng.handles(header, png)).isTrue();
                Rasters.Grey fast = FastPng.decode(png, header);
                Rasters.Grey slow = Rasters.toGrey(ImageDecoder.readWithImageIo(png, "PNG"));
                assertThat(fast.image().pixels()).as("type %d size %d", type, size).containsExactly(slow.image().pixels());
                assertThat(fast.saturation()).isEqualTo(slow.saturation());
            }
        }
    }

    /** 16-bit grey (min-max stretch), grey+alpha, RGB and RGBA (high bytes, PIL's ";16B" modes), as ImageIO reads them. */
    @Test
    void sixteenBitImagesGiveImageIosPixels() {
        Random random = new Random(16);
        int[][] layouts = {{1, 0}, {1, 1}, {3, 0}, {3, 1}};
        for (int[] layout : layouts) {
            for (int size : new int[] {1, 9, 130}) {
                int bands = layout[0] + layout[1];
                java.awt.color.ColorSpace space = java.awt.color.ColorSpace.getInstance(layout[0] == 1
                        ? java.awt.color.ColorSpace.CS_GRAY : java.awt.color.ColorSpace.CS_sRGB);
                java.awt.image.ComponentColorModel model = new java.awt.image.ComponentColorModel(space, layout[1] == 1, false,
                        layout[1] == 1 ? java.awt.Transparency.TRANSLUCENT : java.awt.Transparency.OPAQUE,
                        java.awt.image.DataBuffer.TYPE_USHORT);
                java.awt.image.WritableRaster raster = model.createCompatibleWritableRaster(size + 5, size);
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size + 5; x++) {
                        for (int b = 0; b < bands; b++) {
                            // Smooth ramps with some noise, over most of the 16-bit range.
                            int v = (x * 397 + y * 211 + b * 5000 + (random.nextInt(7) == 0 ? random.nextInt(65536) : 0)) & 0xffff;
                            raster.setSample(x, y, b, v);
                        }
                    }
                }
                BufferedImage image = new BufferedImage(model, raster, false, null);
                byte[] png = TestImages.png(image);
                PngChunks.Header header = PngChunks.header(png);
                assertThat(header.bitDepth()).isEqualTo(16);
                assertThat(FastPng.handles(header, png)).isTrue();
                Rasters.Grey fast = FastPng.decode(png, header);
                Rasters.Grey slow = Rasters.toGrey(ImageDecoder.readWithImageIo(png, "PNG"));
                assertThat(fast.image().pixels()).as("bands %s size %d", Arrays.toString(layout), size)
                        .containsExactly(slow.image().pixels());
                assertThat(fast.saturation()).isEqualTo(slow.saturation());
            }
        }
    }

    @Test
    void ownEncoderRoundTripsThroughTheFastPath() {
        GreyImage grey = TestImages.grey(TestImages.phantomChest(257, 131, 8));
        byte[] png = PngEncoder.grey(grey, 1);
        assertThat(FastPng.decode(png, PngChunks.header(png)).image().pixels()).containsExactly(grey.pixels());
    }

    @Test
    void truncatedDataIsCorrupt() {
        byte[] png = TestImages.png(TestImages.phantomChest(300, 300, 1));
        byte[] cut = Arrays.copyOf(png, png.length - 2000);
        assertThatThrownBy(() -> FastPng.decode(cut, PngChunks.header(cut))).isInstanceOfSatisfying(InvalidImageException.class,
                e -> assertThat(e.problem()).isEqualTo(ImageProblem.CORRUPT));
    }
}
