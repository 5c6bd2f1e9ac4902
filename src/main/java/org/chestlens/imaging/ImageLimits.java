package org.chestlens.imaging;

/**
 * What an upload may be.
 *
 * @param maxBytes  upload size
 * @param maxPixels width x height, read from the header before anything is decoded (decompression bombs)
 * @param minSide   shortest side; smaller images carry too little detail for the models
 */
public record ImageLimits(long maxBytes, long maxPixels, int minSide) {

    public static final ImageLimits DEFAULT = new ImageLimits(30L * 1024 * 1024, 50_000_000L, 64);

    public ImageLimits {
        if (maxBytes <= 0 || maxPixels <= 0 || minSide <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
