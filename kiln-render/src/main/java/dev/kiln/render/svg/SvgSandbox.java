package dev.kiln.render.svg;

import dev.kiln.render.internal.BackgroundStart;
import dev.kiln.render.internal.InterruptingClassLoader;
import dev.kiln.render.internal.RenderAbortedError;
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
    private static final String DOCUMENT = "dev.kiln.render.svg.jsvg.JsvgDocument";

    private static final BackgroundStart<SvgRasterizer> READY =
            new BackgroundStart<>("kiln-jsvg-init", SvgSandbox::create);

    private SvgSandbox() {}

    /**
     * Starts loading the sandbox in the background ({@code kiln-jsvg-init}); the render engine calls it when it is
     * created, so the first SVG request does not pay for it.
     */
    public static void warmUp() {
        READY.start();
    }

    /**
     * The sandboxed JSVG rasterizer, waiting for {@link #warmUp()} if it is still loading. Loading happens on a
     * thread of its own, never on a render thread that a guard may interrupt.
     *
     * @throws RenderAbortedError when the caller is interrupted (its render was cancelled) while waiting
     */
    public static SvgRasterizer rasterizer() {
        return READY.get("load the sandboxed SVG rasterizer");
    }

    private static SvgRasterizer create() throws ReflectiveOperationException {
        InterruptingClassLoader loader =
                new InterruptingClassLoader("kiln-jsvg", SvgSandbox.class.getClassLoader(), SANDBOXED_PACKAGES);
        Module engine = SvgSandbox.class.getModule();
        if (engine.isNamed()) {
            // On the module path the sandbox's copies live in the loader's unnamed module, and the adapter implements
            // (and the instrumented JSVG calls) engine internals that the module exports to nobody else.
            engine.addExports("dev.kiln.render.internal", loader.getUnnamedModule());
        }
        return createIn(loader);
    }

    /** Initializes every sandboxed class in {@code loader}, then creates the rasterizer; package-private for tests. */
    static SvgRasterizer createIn(InterruptingClassLoader loader) throws ReflectiveOperationException {
        // Every JSVG class is initialized here, where no guard interrupts: an aborted initializer would poison its
        // class, and with it every later SVG render of the process.
        loader.initializeAll("com/github/weisj/jsvg/SVGDocument.class", "com/github/weisj/jsvg/");
        Class.forName(DOCUMENT, true, loader);
        return (SvgRasterizer)
                Class.forName(RASTERIZER, true, loader).getConstructor().newInstance();
    }
}
