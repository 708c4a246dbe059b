package dev.kiln.render.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;

/** Compares two images pixel by pixel in 8-bit straight ARGB, as conformance suites and goldens need. */
public final class PixelDiff {
    private PixelDiff() {}

    /**
     * The fraction of pixels where some straight-alpha channel differs by more than {@code tolerance} (pixels fully
     * transparent in both are equal); 1 when the sizes differ.
     */
    public static double offFraction(BufferedImage actual, BufferedImage expected, int tolerance) {
        if (actual.getWidth() != expected.getWidth() || actual.getHeight() != expected.getHeight()) {
            return 1;
        }
        long off = 0;
        for (int y = 0; y < actual.getHeight(); y++) {
            for (int x = 0; x < actual.getWidth(); x++) {
                int a = straightArgb(actual, x, y);
                int e = straightArgb(expected, x, y);
                if ((a >>> 24) == 0 && (e >>> 24) == 0) {
                    continue;
                }
                for (int shift = 0; shift < 32; shift += 8) {
                    if (Math.abs((a >>> shift & 0xff) - (e >>> shift & 0xff)) > tolerance) {
                        off++;
                        break;
                    }
                }
            }
        }
        return (double) off / ((long) actual.getWidth() * actual.getHeight());
    }

    /**
     * The pixel as 8-bit straight ARGB, with grey images read as stored: {@code getRGB} treats ImageIO's grey PNGs
     * as linear grey and brightens them into sRGB (resvg's greyscale references then look off by up to 40 %).
     */
    public static int straightArgb(BufferedImage image, int x, int y) {
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() != ColorSpace.TYPE_GRAY) {
            return image.getRGB(x, y);
        }
        Raster r = image.getRaster();
        int g = r.getSample(x, y, 0) * 255 / ((1 << cm.getComponentSize(0)) - 1);
        int a = r.getNumBands() > 1 ? r.getSample(x, y, 1) * 255 / ((1 << cm.getComponentSize(1)) - 1) : 255;
        return a << 24 | g << 16 | g << 8 | g;
    }
}
