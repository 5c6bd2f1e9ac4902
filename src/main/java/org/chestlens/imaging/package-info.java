/**
 * Images, independent of any model: format detection from the bytes, upload limits checked from the headers
 * before decoding, decoders (PNG, JPEG, DICOM) to 8-bit grey exactly as the training code reads images,
 * metadata stripping, PIL-exact resampling, colour maps, overlays, thumbnails and a fast PNG encoder.
 *
 * <p>Entry point: {@link org.chestlens.imaging.ImageDecoder#decode(byte[])}; refusals are
 * {@link org.chestlens.imaging.InvalidImageException} with an {@link org.chestlens.imaging.ImageProblem}.
 */
@org.springframework.lang.NonNullApi
package org.chestlens.imaging;
