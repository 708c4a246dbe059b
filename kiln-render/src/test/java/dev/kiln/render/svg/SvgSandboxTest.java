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
}
