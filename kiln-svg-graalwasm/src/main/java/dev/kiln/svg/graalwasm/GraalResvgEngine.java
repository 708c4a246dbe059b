package dev.kiln.svg.graalwasm;

import dev.kiln.svg.ResvgException;
import dev.kiln.svg.ResvgInterruptedException;
import dev.kiln.svg.ResvgLimits;
import dev.kiln.svg.RgbaImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.ByteSequence;
import org.graalvm.polyglot.io.IOAccess;

/**
 * resvg 0.40 (the same {@code @resvg/resvg-wasm} 2.6.2 module as kiln-svg's Chicory engine) on GraalWasm. One
 * {@link Engine} holds the module's machine code, compiled at run time by the Truffle runtime (Graal through JVMCI
 * on a stock JDK, or the fallback interpreter if the JVM was not started for it: {@link #optimizing()} says which).
 * Each render gets its own polyglot {@link Context} (or, with {@link Isolation#INSTANCE_PER_RENDER}, a fresh
 * instance in a context kept per thread): no file system, network, host class access or other language, a memory
 * ceiling declared into the module, and a stop on deadline or interruption. Safe for any number of threads.
 */
public final class GraalResvgEngine implements AutoCloseable {
    /** How much each render shares with the previous one on its thread. */
    public enum Isolation {
        /** A new context (and so instance, memory and object table) per render; nothing survives a render. */
        CONTEXT_PER_RENDER,
        /** One context per thread, a new module instance (own memory, own table) per render. */
        INSTANCE_PER_RENDER
    }

    /** How often the watchdog looks at a render's deadline and its thread's interrupt flag. */
    private static final Duration WATCH_PERIOD = Duration.ofMillis(5);

    private static final String WASM = "index_bg.wasm";

    private final ResvgLimits limits;
    private final Isolation isolation;
    private final Engine engine;
    private final Source source;
    private final ScheduledExecutorService watchdog;
    private final ThreadLocal<Pooled> pooled = new ThreadLocal<>();
    private final List<Context> pooledContexts = new ArrayList<>();

    private record Pooled(Context context, Value module) {}

    /** An engine with these ceilings and that isolation; loads the module (compiles nothing yet). */
    public GraalResvgEngine(ResvgLimits limits, Isolation isolation) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.isolation = Objects.requireNonNull(isolation, "isolation");
        byte[] wasm = MemoryCeiling.apply(readModule(), limits.maxMemoryPages());
        this.source =
                Source.newBuilder("wasm", ByteSequence.create(wasm), "resvg").buildLiteral();
        this.engine = Engine.newBuilder("wasm").build();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "graalwasm-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /** True when the Truffle runtime compiles guest code to machine code (not the fallback interpreter). */
    public boolean optimizing() {
        return !engine.getImplementationName()
                .toLowerCase(java.util.Locale.ROOT)
                .contains("interpreted");
    }

    /** The polyglot engine's implementation name, e.g. "GraalVM CE" or "Interpreted". */
    public String implementationName() {
        return engine.getImplementationName();
    }

    /** Renders with no deadline beyond the caller's interrupt. */
    public RgbaImage render(String svg, int width) {
        return render(svg, width, null);
    }

    /**
     * Renders {@code svg} at {@code width} pixels wide (the height follows), or at its intrinsic size if 0.
     *
     * @param deadline stop the render after this long; null for none (interrupting the thread still stops it)
     * @throws ResvgException resvg rejected the document, or the output or memory exceeds the limits
     * @throws ResvgInterruptedException the deadline passed or the thread was interrupted (its flag is set again)
     */
    public RgbaImage render(String svg, int width, Duration deadline) {
        Objects.requireNonNull(svg, "svg");
        if (width < 0) {
            throw new IllegalArgumentException("width must be ≥ 0, was " + width);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new ResvgInterruptedException(new InterruptedException("interrupted before the render"));
        }
        Context context;
        Value module;
        if (isolation == Isolation.CONTEXT_PER_RENDER) {
            context = newContext();
            module = null;
        } else {
            Pooled p = pooled.get();
            if (p == null) {
                Context c = newContext();
                p = new Pooled(c, c.eval(source));
                pooled.set(p);
                synchronized (pooledContexts) {
                    pooledContexts.add(c);
                }
            }
            context = p.context();
            module = p.module();
        }
        Thread renderer = Thread.currentThread();
        long stopAt = deadline == null ? Long.MAX_VALUE : System.nanoTime() + deadline.toNanos();
        // 0 running, 1 stopped for the thread's interrupt, 2 stopped at the deadline.
        AtomicInteger stopped = new AtomicInteger();
        ScheduledFuture<?> watch = watchdog.scheduleAtFixedRate(
                () -> {
                    int why = renderer.isInterrupted() ? 1 : System.nanoTime() - stopAt > 0 ? 2 : 0;
                    if (why != 0 && stopped.compareAndSet(0, why)) {
                        // Cancels the guest code at its next safepoint; the render thread sees a cancelled
                        // PolyglotException. A pooled context is discarded below.
                        context.close(/* cancelIfExecuting= */ true);
                    }
                },
                WATCH_PERIOD.toNanos(),
                WATCH_PERIOD.toNanos(),
                TimeUnit.NANOSECONDS);
        try {
            return render(module != null ? module : context.eval(source), svg, width);
        } catch (PolyglotException e) {
            if (e.isCancelled() || e.isInterrupted() || stopped.get() != 0) {
                if (stopped.get() == 1) {
                    Thread.currentThread().interrupt();
                }
                throw new ResvgInterruptedException(e);
            }
            if (e.isHostException() && e.asHostException() instanceof WbgImports.GuestPanic p) {
                throw new ResvgException("resvg panicked: " + p.getMessage(), null);
            }
            if (e.isHostException() && e.asHostException() instanceof ResvgException r) {
                throw r;
            }
            if (e.isResourceExhausted()
                    || e.getMessage() != null && e.getMessage().contains("memory")) {
                throw new ResvgException(
                        "resvg ran out of memory (ceiling " + limits.maxMemoryPages() + " pages): " + e.getMessage(),
                        e);
            }
            throw new ResvgException("resvg trapped: " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new ResvgException("resvg recursed too deeply", null);
        } finally {
            watch.cancel(/* mayInterruptIfRunning= */ false);
            if (isolation == Isolation.CONTEXT_PER_RENDER) {
                closeQuietly(context);
            } else if (stopped.get() != 0) {
                pooled.remove();
                synchronized (pooledContexts) {
                    pooledContexts.remove(context);
                }
                closeQuietly(context);
            }
        }
    }

    private RgbaImage render(Value module, String svg, int width) {
        WbgImports host = new WbgImports();
        Value exports = module.newInstance(host.importObject()).getMember("exports");
        host.bind(exports);
        Value stack = exports.getMember("__wbindgen_add_to_stack_pointer");
        int retptr = stack.execute(-16).asInt();
        String options = width > 0
                ? "{\"fitTo\":{\"mode\":\"width\",\"value\":" + width + "},\"font\":{\"loadSystemFonts\":false}}"
                : "{\"font\":{\"loadSystemFonts\":false}}";
        int[] opt = host.passString(options);
        exports.getMember("resvg_new").executeVoid(retptr, host.add(svg), opt[0], opt[1], 0);
        int resvg = checked(host, retptr, "parse");
        double w = exports.getMember("resvg_width").execute(resvg).asFloat();
        double h = exports.getMember("resvg_height").execute(resvg).asFloat();
        double outW = width > 0 ? width : Math.ceil(w);
        double outH = width > 0 ? Math.ceil(h * width / w) : Math.ceil(h);
        if (!(outW >= 1 && outH >= 1) || outW * outH > limits.maxPixels()) {
            throw new ResvgException(
                    "output " + (long) outW + " × " + (long) outH + " is outside 1.." + limits.maxPixels() + " pixels");
        }
        exports.getMember("resvg_render").executeVoid(retptr, resvg);
        int image = checked(host, retptr, "render");
        int iw = exports.getMember("renderedimage_width").execute(image).asInt();
        int ih = exports.getMember("renderedimage_height").execute(image).asInt();
        Object pixels = host.take(
                exports.getMember("renderedimage_pixels").execute(image).asInt());
        stack.execute(16);
        return new RgbaImage(iw, ih, (byte[]) pixels);
    }

    /** Reads wasm-bindgen's {@code Result} triple at {@code retptr}: {value, error, isError}. */
    private static int checked(WbgImports host, int retptr, String step) {
        int r0 = host.readInt(retptr);
        int r1 = host.readInt(retptr + 4);
        int r2 = host.readInt(retptr + 8);
        if (r2 != 0) {
            Object err = host.take(r1);
            String message = err instanceof WbgImports.GuestError g ? g.message() : String.valueOf(err);
            throw new ResvgException("resvg " + step + ": " + message);
        }
        return r0;
    }

    /** The sandboxed context every render runs in (package-private for the sandbox test). */
    Context newContext() {
        return Context.newBuilder("wasm")
                .engine(engine)
                .allowIO(IOAccess.NONE)
                .allowHostAccess(HostAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowCreateThread(false)
                .allowNativeAccess(false)
                .allowCreateProcess(false)
                .allowEnvironmentAccess(org.graalvm.polyglot.EnvironmentAccess.NONE)
                .build();
    }

    private static void closeQuietly(Context c) {
        try {
            c.close(/* cancelIfExecuting= */ true);
        } catch (IllegalStateException | PolyglotException e) {
            // Already closed by the watchdog, or closing a cancelled context: nothing left to release.
        }
    }

    private static byte[] readModule() {
        try (InputStream in = GraalResvgEngine.class.getResourceAsStream(WASM)) {
            if (in == null) {
                throw new IllegalStateException(WASM + " is not on the class path (the build fetches it)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the per-thread contexts, the engine (and its compiled code) and the watchdog. */
    @Override
    public void close() {
        synchronized (pooledContexts) {
            pooledContexts.forEach(GraalResvgEngine::closeQuietly);
            pooledContexts.clear();
        }
        watchdog.shutdownNow();
        engine.close();
    }
}
