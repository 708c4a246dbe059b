package dev.kiln.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderOutput;
import dev.kiln.render.Renderer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps the real engine; each render waits until the test opens the gate (or the render is cancelled). */
final class GatedRenderer implements Renderer {
    private final Renderer delegate;
    private final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger started = new AtomicInteger();

    GatedRenderer(Renderer delegate) {
        this.delegate = delegate;
    }

    /** Lets every waiting and future render go on. */
    void open() {
        gate.countDown();
    }

    @Override
    public PreparedRender prepare(JsonNode request) {
        return delegate.prepare(request);
    }

    @Override
    public RenderOutput render(PreparedRender prepared, CancellationSignal cancel) {
        started.incrementAndGet();
        try {
            while (!gate.await(Duration.ofMillis(5).toNanos(), TimeUnit.NANOSECONDS)) {
                cancel.throwIfCancelled();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return delegate.render(prepared, cancel);
    }
}
