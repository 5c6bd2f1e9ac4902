package org.chestlens.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Resampling against values printed by the references: PIL 9.4 {@code Image.resize(BILINEAR)} on mode "F"
 * (models/training/preprocess.py resize_f) and PyTorch {@code interpolate(bilinear, align_corners=False)}.
 */
class ResamplerTest {

    private static final float[] IN = {0.0f, 7.3f, 14.6f, 21.900002f, 29.2f, 36.5f, 43.800003f, 51.100002f, 58.4f,
            65.700005f, 73.0f, 80.3f, 87.600006f, 94.9f, 102.200005f, 109.5f, 116.8f, 124.100006f, 131.40001f, 138.7f,
            146.0f, 153.3f, 160.6f, 167.90001f, 175.20001f, 182.5f, 189.8f, 197.1f, 204.40001f, 211.70001f, 219.0f,
            226.3f, 233.6f, 240.90001f, 248.20001f};

    @Test
    void downscaleMatchesPil() {
        assertThat(Resampler.resize(IN, 7, 5, 3, 2)).containsExactly(57.357147f, 73.0f, 88.64286f, 159.55714f, 175.20001f,
                190.84286f);
    }

    @Test
    void upscaleMatchesPil() {
        float[] expected = {3.8238096f, 15.184001f, 28.616001f, 39.976192f, 20.857143f, 32.217335f, 45.649334f, 57.009525f,
                49.246037f, 60.606228f, 74.03822f, 85.3984146118164f, 77.634926f, 88.99512f, 102.42712f, 113.78731f, 106.02381f,
                117.384f, 130.81601f, 142.1762f, 134.4127f, 145.77289f, 159.2049f, 170.56508f, 162.80159f, 174.16179f,
                187.59378f, 198.95398f, 191.19048f, 202.55067f, 215.98267f, 227.34286f, 208.22382f, 219.584f, 233.01600646972656f,
                244.3762f};
        assertThat(Resampler.resize(IN, 7, 5, 4, 9)).containsExactly(expected);
    }

    @Test
    void singleAxisResizesMatchPil() {
        assertThat(Resampler.resize(IN, 7, 5, 7, 3)).containsExactly(21.900002f, 29.2f, 36.500004f, 43.8f, 51.100002f,
                58.4f, 65.700005f, 102.200005f, 109.5f, 116.8f, 124.100006f, 131.40001f, 138.7f, 146.0f, 182.5f, 189.8f,
                197.1f, 204.40001f, 211.7f, 219.0f, 226.3f);
        assertThat(Resampler.resize(IN, 7, 5, 2, 5)).containsExactly(11.544187f, 32.255814f, 62.644188f, 83.35582f,
                113.74419f, 134.45581f, 164.84419f, 185.55582f, 215.9442f, 236.65582f);
    }

    @Test
    void resizingGreyBytesEqualsResizingTheirFloats() {
        GreyImage grey = TestImages.grey(TestImages.phantomChest(301, 257, 3));
        assertThat(Resampler.resize(grey, 128, 128)).containsExactly(Resampler.resize(grey.toFloats(), 301, 257, 128, 128));
        assertThat(Resampler.resize(grey, 301, 100)).containsExactly(Resampler.resize(grey.toFloats(), 301, 257, 301, 100));
    }

    @Test
    void camUpsamplingMatchesTorchBilinear() {
        assertThat(Resampler.bilinear(new float[] {1, 2, 3, 5}, 2, 2, 4, 4)).containsExactly(1.0f, 1.25f, 1.75f, 2.0f,
                1.5f, 1.8125f, 2.4375f, 2.75f, 2.5f, 2.9375f, 3.8125f, 4.25f, 3.0f, 3.5f, 4.5f, 5.0f);
        float[] out = Resampler.bilinear(new float[] {0, 1, 2, 3, 4, 5}, 3, 2, 3, 5);
        float[] torch = {0.0f, 1.0f, 2.0f, 0.3f, 1.3f, 2.3f, 1.5f, 2.5f, 3.5f, 2.7f, 3.7f, 4.7f, 3.0f, 4.0f, 5.0f};
        for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).isCloseTo(torch[i], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void shrinkKeepsAspectAndAveragesWholeFactors() {
        GreyImage g = TestImages.grey(TestImages.phantomChest(1024, 768, 1));
        GreyImage s = Resampler.shrink(g, 256);
        assertThat(s.width()).isEqualTo(256);
        assertThat(s.height()).isEqualTo(192);
        int sum = 0;
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                sum += g.pixels()[y * 1024 + x] & 0xff;
            }
        }
        assertThat(s.pixels()[0] & 0xff).isEqualTo((sum + 8) / 16);
        GreyImage odd = Resampler.shrink(TestImages.grey(TestImages.phantomChest(1000, 300, 1)), 256);
        assertThat(odd.width()).isEqualTo(256);
        assertThat(odd.height()).isEqualTo(77);
        assertThat(Resampler.shrink(s, 512)).isSameAs(s);
    }
}
