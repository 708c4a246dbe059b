package dev.kiln.resvg;

/**
 * A render's pixels, row by row, one {@code int} a pixel as {@code 0xAARRGGBB} premultiplied by alpha: the layout of
 * {@code BufferedImage.TYPE_INT_ARGB_PRE}, so the array can back an image without a copy. resvg's premultiplied
 * RGBA bytes are turned into it as they come off the pipe.
 */
@SuppressWarnings("ArrayRecordComponent") // handed over, never shared: the render made it and nobody else holds it
public record ArgbPixels(int width, int height, int[] argb) {
    /** Checks that the array holds exactly {@code width × height} pixels. */
    public ArgbPixels {
        if (width <= 0 || height <= 0 || (long) width * height != argb.length) {
            throw new IllegalArgumentException(width + "x" + height + " does not fit " + argb.length + " pixels");
        }
    }
}
