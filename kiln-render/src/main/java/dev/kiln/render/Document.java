package dev.kiln.render;

import java.awt.image.BufferedImage;

/**
 * A parsed, validated, immutable document of any type (scene, SVG, Lottie) that can draw itself: the document half
 * of a {@link PreparedRender}.
 *
 * <p>{@link #draw} is the bare drawing step. It runs without the engine's containment (render guard, sandboxed
 * SVG); production renders go through {@link Renderer#render}, which adds it and encodes the image.
 */
public interface Document {

    /** Natural width in pixels (scene canvas, SVG width or viewBox, Lottie w). */
    int intrinsicWidth();

    /** Natural height in pixels. */
    int intrinsicHeight();

    /** Number of frames (1 for a still document). */
    int frameCount();

    /** Frames per second for animated documents; 0 for stills. */
    double fps();

    /**
     * Draws the document into a new image scaled to {@code width × height}.
     *
     * <p>Must allocate its own surface, share only immutable state, release every native object before
     * returning, and poll {@code cancel} between drawing steps.
     *
     * @param timeMs the document time to draw, in milliseconds from the start
     * @return an image of type {@link BufferedImage#TYPE_INT_ARGB_PRE} or {@link BufferedImage#TYPE_INT_RGB}
     */
    BufferedImage draw(int width, int height, double timeMs, CancellationSignal cancel);
}
