package dev.kiln.render.svg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.InterruptingClassLoader;
import dev.kiln.render.internal.PreparedDocument;
import dev.kiln.render.internal.RenderGuard;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Issue 11: a document that sends JSVG into an endless loop must stop when its render is cancelled. */
class SvgSandboxTest {
    /** resvg's {@code filters/feGaussianBlur/negative-stdDeviation.svg}: loops for ever in JSVG 2.0.0. */
    static final String NEGATIVE_BLUR = "<svg viewBox=\"0 0 200 200\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<filter id=\"f\"><feGaussianBlur stdDeviation=\"-50\"/></filter>"
            + "<rect x=\"20\" y=\"20\" width=\"160\" height=\"160\" fill=\"seagreen\" filter=\"url(#f)\"/></svg>";

    @Test
    void jsvgIsDefinedByTheInstrumentingLoader() {
        assertThat(SvgSandbox.rasterizer().getClass().getClassLoader()).isInstanceOf(InterruptingClassLoader.class);
        PreparedDocument doc = SvgSandbox.rasterizer()
                .load(
                        "<svg xmlns='http://www.w3.org/2000/svg' width='2' height='2'/>"
                                .getBytes(StandardCharsets.UTF_8),
                        2,
                        2)
                .orElseThrow();
        assertThat(doc.getClass().getClassLoader()).isInstanceOf(InterruptingClassLoader.class);
    }

    @Test
    void negativeBlurIsRefusedAtPrepareTime() {
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        var request = dev.kiln.render.engine.Requests.svg(NEGATIVE_BLUR);

        assertThatThrownBy(() -> engine.prepare(request))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("stdDeviation");
    }

    @Test
    void tinyNegativeBlurIsRefusedButNegativeZeroIsZero() {
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());

        assertThatThrownBy(() ->
                        engine.prepare(dev.kiln.render.engine.Requests.svg(NEGATIVE_BLUR.replace("-50", "-1e-9"))))
                .isInstanceOf(InvalidDocumentException.class);
        var zero = engine.prepare(dev.kiln.render.engine.Requests.svg(NEGATIVE_BLUR.replace("-50", "-0")));
        assertThat(engine.render(zero, CancellationSignal.NONE).bytes()).isNotEmpty();
        assertThatThrownBy(
                        () -> engine.prepare(dev.kiln.render.engine.Requests.svg(NEGATIVE_BLUR.replace("-50", "5 -2"))))
                .as("either of the two numbers")
                .isInstanceOf(InvalidDocumentException.class);
    }

    /** Validation is never the only defence: straight to JSVG, past the pre-pass, the hang must still stop. */
    @Test
    void endlessLoopInJsvgStopsWhenTheRenderIsCancelled() throws Exception {
        PreparedDocument doc = SvgSandbox.rasterizer()
                .load(NEGATIVE_BLUR.getBytes(StandardCharsets.UTF_8), 200, 200)
                .orElseThrow();
        AtomicBoolean cancelled = new AtomicBoolean();
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);

        CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
            try (RenderGuard.Section ignored = RenderGuard.enter(cancelled::get)) {
                entered.countDown();
                doc.draw(200, 200, 0, dev.kiln.render.CancellationSignal.NONE);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        entered.await();
        assertThat(result).isNotDone(); // it really spins: only the cancel below can end it
        cancelled.set(true);

        Throwable thrown = result.get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(thrown).isInstanceOf(dev.kiln.render.internal.RenderAbortedError.class);
    }

    @Test
    void cancelledRenderLeavesNoInterruptBehind() {
        String svg = NEGATIVE_BLUR.replace("-50", "5");
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        var prepared = engine.prepare(dev.kiln.render.engine.Requests.svg(svg));

        assertThatThrownBy(() -> engine.render(prepared, () -> true)).isInstanceOf(RenderCancelledException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    /**
     * Regression: a render interrupted while a sandboxed class was first being initialized aborted its static
     * initializer (a checkpoint in a method it calls) and left the class unusable for every later render of the
     * process. The sandbox initializes every class up front, on a thread no guard interrupts.
     */
    @Test
    void anInterruptedRenderCannotPoisonASandboxedClass() throws Exception {
        String document = "dev.kiln.render.svg.jsvg.JsvgDocument";
        InterruptingClassLoader unprepared = newLoader();
        assertThat(onInterruptedThread(() -> Class.forName(document, true, unprepared)))
                .as("the hazard: an initializer that calls instrumented code, on an interrupted thread")
                .isInstanceOf(dev.kiln.render.internal.RenderAbortedError.class);
        assertThatThrownBy(() -> Class.forName(document, true, unprepared))
                .as("...leaves the class unusable for good")
                .isInstanceOf(NoClassDefFoundError.class);

        InterruptingClassLoader prepared = newLoader();
        var rasterizer = SvgSandbox.createIn(prepared);
        byte[] svg = "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'><rect width='4' height='4'/></svg>"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(onInterruptedThread(() -> Class.forName(document, true, prepared)))
                .isNull();
        assertThat(onInterruptedThread(() -> rasterizer.load(svg, 4, 4)))
                .isInstanceOf(dev.kiln.render.internal.RenderAbortedError.class);

        PreparedDocument doc = rasterizer.load(svg, 4, 4).orElseThrow();
        assertThat(doc.draw(4, 4, 0, CancellationSignal.NONE).getRGB(2, 2)).isEqualTo(0xFF000000);
    }

    private static InterruptingClassLoader newLoader() {
        return new InterruptingClassLoader(
                "kiln-jsvg-test", SvgSandbox.class.getClassLoader(), SvgSandbox.SANDBOXED_PACKAGES);
    }

    /** Runs {@code action} on a thread whose interrupt flag is set; returns what it threw, or null. */
    private static Throwable onInterruptedThread(java.util.concurrent.Callable<?> action) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    Thread.currentThread().interrupt();
                    try {
                        action.call();
                        return (Throwable) null;
                    } catch (Throwable t) {
                        return t;
                    } finally {
                        Thread.interrupted();
                    }
                })
                .get(30, TimeUnit.SECONDS);
    }
}
