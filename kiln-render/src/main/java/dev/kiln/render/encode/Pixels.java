package dev.kiln.render.encode;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** Access to a drawn image's pixels as premultiplied ARGB ints, copying only when the type needs it. */
final class Pixels {
    private Pixels() {}

    /**
     * The image's pixels as premultiplied ARGB, row-major, {@code width} ints per row. For
     * TYPE_INT_ARGB_PRE this is the raster's own array (callers must not modify it).
     */
    static int[] premultipliedArgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_ARGB_PRE && isPacked(image)) {
            return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        }
        if (image.getType() == BufferedImage.TYPE_INT_RGB && isPacked(image)) {
            int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
            int[] out = new int[rgb.length];
            for (int i = 0; i < rgb.length; i++) {
                out[i] = rgb[i] | 0xFF000000; // INT_RGB leaves the alpha byte undefined (zero)
            }
            return out;
        }
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = copy.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return ((DataBufferInt) copy.getRaster().getDataBuffer()).getData();
    }

    private static boolean isPacked(BufferedImage image) {
        // A sub-image shares a larger array; only a whole, tightly packed raster can be read directly.
        return image.getRaster().getDataBuffer().getSize() == image.getWidth() * image.getHeight()
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0;
    }

    /** True when every pixel has alpha 255. */
    static boolean isOpaque(int[] argb) {
        int and = 0xFF000000;
        for (int p : argb) {
            and &= p;
        }
        return and == 0xFF000000;
    }
}
