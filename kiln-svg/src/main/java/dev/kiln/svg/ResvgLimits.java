package dev.kiln.svg;

/**
 * Ceilings for one render.
 *
 * @param maxMemoryPages the WebAssembly memory ceiling in 64 KiB pages (the instance's whole heap: parsed tree,
 *     pixmaps, filter buffers); a render that needs more fails with a {@link ResvgException}
 * @param maxPixels the largest output, {@code width × height}, checked after parsing and before drawing
 */
public record ResvgLimits(int maxMemoryPages, long maxPixels) {
    /** 4096 pages = 256 MiB per instance. */
    public static final int DEFAULT_MAX_MEMORY_PAGES = 4096;

    /** 4096 × 4096 pixels, Kiln's default {@code maxDimension} squared. */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;

    /** WebAssembly's 32-bit address space: 65536 pages of 64 KiB. */
    static final int WASM_MAX_PAGES = 65_536;

    public ResvgLimits {
        if (maxMemoryPages < 32 || maxMemoryPages > WASM_MAX_PAGES) {
            throw new IllegalArgumentException(
                    "maxMemoryPages must be in 32.." + WASM_MAX_PAGES + ", was " + maxMemoryPages);
        }
        if (maxPixels < 1 || maxPixels * 4 > (long) maxMemoryPages * 65_536) {
            throw new IllegalArgumentException("maxPixels must be at least 1 and its RGBA bytes (" + maxPixels * 4
                    + ") must fit in maxMemoryPages (" + (long) maxMemoryPages * 65_536 + " bytes)");
        }
    }

    /** The defaults: 256 MiB, 4096 × 4096 pixels. */
    public static ResvgLimits defaults() {
        return new ResvgLimits(DEFAULT_MAX_MEMORY_PAGES, DEFAULT_MAX_PIXELS);
    }
}
