package dev.kiln.render.svg.jsvg;

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.LoaderContext;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.parser.resources.ResourcePolicy;
import com.github.weisj.jsvg.view.ViewBox;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.internal.PreparedDocument;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;

/**
 * A validated SVG drawn by JSVG into Java2D. Holds only the markup: JSVG does not document its parsed tree as
 * safe for concurrent rendering, so each render parses its own {@link SVGDocument} (about 1 ms of an 11 ms card
 * render, see docs/render-engines.md) rather than sharing one across threads.
 */
final class JsvgDocument implements PreparedDocument {
    /**
     * Defence in depth behind the pre-pass: never resolve anything outside the document. JSVG only uses the policy
     * for external references; data URIs are decoded in memory.
     */
    private static final LoaderContext LOADER_CONTEXT = LoaderContext.builder()
            .externalResourcePolicy(ResourcePolicy.DENY_EXTERNAL)
            .build();

    /** Where an SVG document's markup sits in a render request. */
    private static final String POINTER = "/document/svg";

    private final byte[] utf8;
    private final int width;
    private final int height;

    JsvgDocument(byte[] utf8, int width, int height) {
        this.utf8 = utf8;
        this.width = width;
        this.height = height;
    }

    static SVGDocument parse(byte[] utf8) {
        return new SVGLoader().load(new ByteArrayInputStream(utf8), null, LOADER_CONTEXT);
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
        return 1;
    }

    @Override
    public double fps() {
        return 0;
    }

    @Override
    public BufferedImage draw(int outWidth, int outHeight, double timeMs, CancellationSignal cancel) {
        SVGDocument doc = parse(utf8);
        if (doc == null) {
            throw new IllegalStateException("SVG parsed at prepare time but not at render time");
        }
        cancel.throwIfCancelled();
        BufferedImage image = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            // Scale the intrinsic box onto the output; JSVG maps the viewBox onto the intrinsic box itself.
            g.scale((double) outWidth / width, (double) outHeight / height);
            doc.render((java.awt.Component) null, g, new ViewBox(0, 0, width, height));
        } catch (IllegalArgumentException | java.awt.image.ImagingOpException e) {
            // JSVG passes some document values straight to Java2D, which rejects them (a negative stroke-width
            // or dash length, fr < 0, a filter raster too large, a denormal blur whose kernel cannot convolve):
            // the document's fault, so a 422, not a 500.
            throw InvalidDocumentException.of(POINTER, "the SVG could not be drawn: " + e.getMessage());
        } finally {
            g.dispose();
        }
        return image;
    }
}
