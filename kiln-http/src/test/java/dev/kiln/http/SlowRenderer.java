package dev.kiln.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderOutput;
import dev.kiln.render.Renderer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Wraps the real engine and spends {@code delay} before each render: polling cancellation like the engine
 * does between layers, or (stubborn) ignoring it like a wedged native call.
 */
final class SlowRenderer implements Renderer {
    private final Renderer delegate;
    private final Duration delay;
    private final boolean honoursCancel;
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();

    SlowRenderer(Renderer delegate, Duration delay, boolean honoursCancel) {
        this.delegate = delegate;
        this.delay = delay;
        this.honoursCancel = honoursCancel;
    }

    @Override
    public PreparedRender prepare(JsonNode request) {
        return delegate.prepare(request);
    }

    @Override
    public RenderOutput render(PreparedRender prepared, CancellationSignal cancel) {
        started.incrementAndGet();
        try {
            long end = System.nanoTime() + delay.toNanos();
            while (System.nanoTime() < end) {
                if (honoursCancel) {
                    cancel.throwIfCancelled();
                }
                LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
            }
            return delegate.render(prepared, cancel);
        } finally {
            finished.incrementAndGet();
        }
    }
}
