package dev.kiln.render.image;

/**
 * What an image's bytes say about it, read without decoding a pixel.
 *
 * @param format the format its magic bytes name
 * @param width width in pixels, from its header
 * @param height height in pixels, from its header
 */
public record ImageHeader(ImageFormat format, int width, int height) {
    /** Width × height. */
    public long pixels() {
        return (long) width * height;
    }
}
