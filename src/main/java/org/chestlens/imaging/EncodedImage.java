package org.chestlens.imaging;

/** Encoded image bytes and their media type ({@code image/png} or {@code image/jpeg}). */
public record EncodedImage(byte[] bytes, String mediaType) {
}
