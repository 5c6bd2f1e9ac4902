package org.chestlens.analysis;

/**
 * An image ready to send: encoded bytes and their media type ({@code image/png} or {@code image/jpeg}).
 */
public record ImageBytes(byte[] bytes, String mediaType) {

    /** A file name extension that fits the media type. */
    public String extension() {
        return "image/jpeg".equals(mediaType) ? "jpg" : "png";
    }
}
