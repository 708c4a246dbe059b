package dev.kiln.render.svg.resvg;

import dev.kiln.render.internal.BackgroundStart;
import dev.kiln.render.internal.RenderAbortedError;
import dev.kiln.render.internal.SvgRasterizer;
import dev.kiln.resvg.NativeResvg;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Holds the process's one {@link NativeResvg}, started in the background when the render engine is created, with
 * Kiln's bundled fonts as the only fonts its children can read.
 */
public final class ResvgSandbox {
    /** A child's address-space ceiling: the largest output (64 MiB of pixels) with room for filter buffers. */
    public static final long MAX_ADDRESS_SPACE = 768L << 20;

    /**
     * At most this many children at once. Spawned on demand; the render pool already bounds how many renders run,
     * so this only guards against a caller that does not go through it.
     */
    static final int MAX_CHILDREN = 32;

    private static final String FONTS = "/dev/kiln/render/fonts/";
    private static final BackgroundStart<NativeResvg> READY = new BackgroundStart<>(
            "kiln-resvg-init",
            () -> NativeResvg.start(new NativeResvg.Settings(
                    Map.of(
                            "DejaVuSans.ttf",
                            font("DejaVuSans.ttf"),
                            "DejaVuSans-Bold.ttf",
                            font("DejaVuSans-Bold.ttf")),
                    "DejaVu Sans",
                    MAX_ADDRESS_SPACE,
                    MAX_CHILDREN)));

    private ResvgSandbox() {}

    /** Starts the engine on a thread of its own ({@code kiln-resvg-init}); idempotent. */
    public static void warmUp() {
        READY.start();
    }

    /**
     * The native engine, waiting for {@link #warmUp()} if it is still starting.
     *
     * @throws IllegalStateException when the host cannot start on this machine (the cause says why)
     * @throws RenderAbortedError when the caller is interrupted while waiting
     */
    public static NativeResvg engine() {
        return READY.get("start native resvg");
    }

    /** Why the engine did not start (the cause says what failed), or {@code null} when it did; waits for the start. */
    public static IllegalStateException failure() {
        try {
            engine();
            return null;
        } catch (IllegalStateException e) {
            return e;
        }
    }

    /** The rasterizer over the native engine. */
    public static SvgRasterizer rasterizer() {
        return ResvgDocument::load;
    }

    private static byte[] font(String name) {
        try (InputStream in = ResvgSandbox.class.getResourceAsStream(FONTS + name)) {
            if (in == null) {
                throw new IllegalStateException("bundled font " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
