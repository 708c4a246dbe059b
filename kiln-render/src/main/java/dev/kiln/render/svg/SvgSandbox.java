package dev.kiln.render.svg;

import dev.kiln.render.internal.InterruptingClassLoader;
import dev.kiln.render.internal.SvgRasterizer;
import java.util.List;

/**
 * Holds the one JSVG {@link SvgRasterizer}, loaded through an {@link InterruptingClassLoader} so that every loop in
 * JSVG checks for an interrupt: a document that sends JSVG into an endless loop stops at its deadline instead of
 * holding a render worker for ever (regression: {@code feGaussianBlur stdDeviation="-50"}).
 */
public final class SvgSandbox {
    /** Packages defined (and instrumented) by the sandbox's loader instead of the application's. */
    static final List<String> SANDBOXED_PACKAGES = List.of("com.github.weisj.jsvg.", "dev.kiln.render.svg.jsvg.");

    private static final String RASTERIZER = "dev.kiln.render.svg.jsvg.JsvgRasterizer";

    private SvgSandbox() {}

    /** The sandboxed JSVG rasterizer, created on first use. */
    public static SvgRasterizer rasterizer() {
        return Holder.RASTERIZER_INSTANCE;
    }

    private static final class Holder {
        static final SvgRasterizer RASTERIZER_INSTANCE = create();

        private static SvgRasterizer create() {
            ClassLoader parent = SvgSandbox.class.getClassLoader();
            InterruptingClassLoader loader = new InterruptingClassLoader("kiln-jsvg", parent, SANDBOXED_PACKAGES);
            try {
                return (SvgRasterizer)
                        Class.forName(RASTERIZER, true, loader).getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot load the sandboxed SVG rasterizer", e);
            }
        }
    }
}
