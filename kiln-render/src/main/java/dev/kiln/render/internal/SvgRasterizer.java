package dev.kiln.render.internal;

/**
 * The seam between Kiln's SVG validation and the library that draws SVG. Public only because the JSVG
 * implementation is defined by an {@link InterruptingClassLoader}, in a runtime package of its own.
 */
public interface SvgRasterizer {
    /**
     * Parses already-validated markup once, so that documents the library cannot read fail at prepare time.
     *
     * @param utf8 the SVG, already through Kiln's safety pre-pass
     * @param width intrinsic width in px
     * @param height intrinsic height in px
     * @return the document, or empty when the library cannot parse it
     */
    java.util.Optional<PreparedDocument> load(byte[] utf8, int width, int height);
}
