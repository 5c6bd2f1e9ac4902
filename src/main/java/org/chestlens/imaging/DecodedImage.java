package org.chestlens.imaging;

import java.util.function.Supplier;

/**
 * An upload read to 8-bit grey exactly as the training code reads it (PIL {@code convert("L")} for colour,
 * min-max for 16-bit, rescale + VOI window for DICOM).
 *
 * @param format      the upload's format
 * @param grey        the grey image every model sees
 * @param saturation  mean of (max(R,G,B) - min(R,G,B)) / 255 over the pixels; 0 for grey images
 * @param bitDepth    bits per sample of the source (8 or 16 in practice)
 * @param cleanCopy   makes the image to keep (see {@link #clean()})
 */
public record DecodedImage(ImageFormat format, GreyImage grey, double saturation, int bitDepth,
                           Supplier<EncodedImage> cleanCopy) {

    public int width() {
        return grey.width();
    }

    public int height() {
        return grey.height();
    }

    /**
     * The image to keep: the upload without identifying metadata, or a PNG rendering of it (DICOM, 16-bit). Made
     * on first call (an encode for DICOM, so callers can do it while something else runs) and then kept.
     */
    public EncodedImage clean() {
        return cleanCopy.get();
    }

    static Supplier<EncodedImage> once(Supplier<EncodedImage> make) {
        return new Supplier<>() {
            private EncodedImage made;

            @Override
            public synchronized EncodedImage get() {
                if (made == null) {
                    made = make.get();
                }
                return made;
            }
        };
    }
}
