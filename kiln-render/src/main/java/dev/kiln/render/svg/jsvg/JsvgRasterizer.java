package dev.kiln.render.svg.jsvg;

import dev.kiln.render.internal.PreparedDocument;
import dev.kiln.render.internal.SvgRasterizer;
import java.util.Optional;

/**
 * JSVG behind the {@link SvgRasterizer} seam. Loaded only through {@link dev.kiln.render.svg.SvgSandbox}, whose
 * class loader rewrites JSVG so that an interrupt stops it; never instantiate it from the application loader.
 */
public final class JsvgRasterizer implements SvgRasterizer {
    /** Creates the rasterizer; called reflectively by the sandbox. */
    public JsvgRasterizer() {}

    @Override
    public Optional<PreparedDocument> load(byte[] utf8, int width, int height) {
        if (JsvgDocument.parse(utf8) == null) {
            return Optional.empty();
        }
        return Optional.of(new JsvgDocument(utf8.clone(), width, height));
    }
}
