package org.chestlens.imaging;

/**
 * An upload read to 8-bit grey exactly as the training code reads it (PIL {@code convert("L")} for colour,
 * min-max for 16-bit, rescale + VOI window for DICOM).
 *
 * @param format      the upload's format
 * @param grey        the grey image every model sees
 * @param saturation  mean of (max(R,G,B) - min(R,G,B)) / 255 over the pixels; 0 for grey images
 * @param bitDepth    bits per sample of the source (8 or 16 in practice)
 * @param clean       the image to keep: the upload without identifying metadata, or a PNG rendering of it
 *                    (DICOM, 16-bit)
 */
public record DecodedImage(ImageFormat format, GreyImage grey, double saturation, int bitDepth, EncodedImage clean) {

    public int width() {
        return grey.width();
    }

    public int height() {
        return grey.height();
    }
}
