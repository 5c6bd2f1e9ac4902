package org.chestlens.analysis;

/**
 * The uploaded image.
 *
 * @param format     PNG, JPEG or DICOM (from the bytes)
 * @param width      pixels
 * @param height     pixels
 * @param sizeBytes  size of the upload
 */
public record ImageInfo(String format, int width, int height, long sizeBytes) {
}
