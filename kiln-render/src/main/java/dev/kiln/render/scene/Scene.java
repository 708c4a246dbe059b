package dev.kiln.render.scene;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.internal.FrameSequence;
import dev.kiln.render.internal.PreparedDocument;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A parsed scene: immutable, shared between concurrent draws.
 *
 * @param width canvas width in scene units
 * @param height canvas height
 * @param background canvas fill, or null for transparent
 * @param durationMs animation length, 0 for a still
 * @param fps frames per second, 0 for a still
 * @param layers top-level layers, bottom first
 */
record Scene(int width, int height, Fill background, double durationMs, double fps, List<Layer> layers)
        implements PreparedDocument {

    Scene {
        layers = List.copyOf(layers);
    }

    @Override
    public int intrinsicWidth() {
        return width;
    }

    @Override
    public int intrinsicHeight() {
        return height;
    }

    @Override
    public int frameCount() {
        return fps > 0 ? (int) Math.max(1, Math.round(durationMs * fps / 1000.0)) : 1;
    }

    @Override
    public BufferedImage draw(int outWidth, int outHeight, double timeMs, CancellationSignal cancel) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("output size must be positive, was " + outWidth + "x" + outHeight);
        }
        BufferedImage image = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = image.createGraphics();
        try {
            Painter.hints(g);
            // Scale the whole scene so vectors and text are rasterised at the output size, staying crisp.
            g.scale((double) outWidth / width, (double) outHeight / height);
            paintBackground(g);
            new Painter(timeMs, cancel).drawAll(g, new Rectangle(0, 0, outWidth, outHeight), layers);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Fills the canvas with the background, on {@code g} already scaled to the output. */
    void paintBackground(Graphics2D g) {
        if (background != null) {
            g.setPaint(background.paint(new Rectangle2D.Double(0, 0, width, height)));
            g.fill(new Rectangle2D.Double(0, 0, width, height));
        }
    }

    @Override
    public FrameSequence sequence(int outWidth, int outHeight, long cacheBytes) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("output size must be positive, was " + outWidth + "x" + outHeight);
        }
        return new SceneSequence(this, outWidth, outHeight, cacheBytes);
    }
}
