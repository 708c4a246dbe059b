package dev.kiln.resvg;

/**
 * A render's pixels, row by row, four bytes a pixel in R, G, B, A order, premultiplied by alpha (tiny-skia's
 * layout).
 */
@SuppressWarnings("ArrayRecordComponent") // handed over, never shared: the render made it and nobody else holds it
public record RgbaPixels(int width, int height, byte[] rgba) {
    /** Checks that the buffer holds exactly {@code width × height} pixels. */
    public RgbaPixels {
        if (width <= 0 || height <= 0 || (long) width * height * 4 != rgba.length) {
            throw new IllegalArgumentException(width + "x" + height + " does not fit " + rgba.length + " bytes");
        }
    }
}
