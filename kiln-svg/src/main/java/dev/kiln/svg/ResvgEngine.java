package dev.kiln.svg;

import dev.kiln.svg.resvg.ResvgWasm;
import java.util.Objects;

/**
 * resvg 0.40 (from {@code @resvg/resvg-wasm} 2.6.2) as a pure-Java rasteriser. Each render runs in a fresh
 * WebAssembly instance with its own memory, capped by {@link ResvgLimits}; nothing is shared between renders, so
 * the engine is safe to call from any number of threads. The module has no file system, network or clock: only
 * {@code data:} images inside the document are drawn. Interrupting the calling thread stops a render.
 */
public final class ResvgEngine {
    private final ResvgLimits limits;

    /** An engine with these ceilings. */
    public ResvgEngine(ResvgLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Renders {@code svg} at {@code width} pixels wide (the height follows the aspect), or at its intrinsic size if
     * {@code width} is 0.
     *
     * @throws ResvgException resvg rejected the document, or the output or memory exceeds the limits
     * @throws ResvgInterruptedException the thread was interrupted during the render (its flag is set again)
     */
    public RgbaImage render(String svg, int width) {
        Objects.requireNonNull(svg, "svg");
        if (width < 0) {
            throw new IllegalArgumentException("width must be ≥ 0, was " + width);
        }
        ResvgWasm.Result r = ResvgWasm.render(svg, width, limits.maxMemoryPages(), limits.maxPixels());
        return new RgbaImage(r.width(), r.height(), r.rgba());
    }

    /** Parses and compiles nothing at run time; this loads the build-time compiled module's classes (~1 s once). */
    public static void warmUp() {
        ResvgWasm.module();
    }
}
