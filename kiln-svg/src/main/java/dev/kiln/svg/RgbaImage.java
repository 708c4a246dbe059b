package dev.kiln.svg;

import java.util.Objects;

/**
 * Pixels as resvg leaves them: {@code width × height} rows of premultiplied RGBA, 8 bits per channel, top row first.
 *
 * @param width pixels per row, at least 1
 * @param height rows, at least 1
 * @param rgba {@code width * height * 4} bytes, premultiplied alpha
 */
public record RgbaImage(int width, int height, byte[] rgba) {
    public RgbaImage {
        Objects.requireNonNull(rgba, "rgba");
        if (width < 1 || height < 1 || (long) width * height * 4 != rgba.length) {
            throw new IllegalArgumentException(
                    "rgba has " + rgba.length + " bytes, not " + width + " × " + height + " × 4");
        }
    }

    /** One pixel with straight (non-premultiplied) alpha, as {@code 0xAARRGGBB}. */
    public int straightArgb(int x, int y) {
        int i = (y * width + x) * 4;
        int a = rgba[i + 3] & 0xff;
        if (a == 0) {
            return 0;
        }
        int r = Math.min(255, ((rgba[i] & 0xff) * 255 + a / 2) / a);
        int g = Math.min(255, ((rgba[i + 1] & 0xff) * 255 + a / 2) / a);
        int b = Math.min(255, ((rgba[i + 2] & 0xff) * 255 + a / 2) / a);
        return a << 24 | r << 16 | g << 8 | b;
    }
}
