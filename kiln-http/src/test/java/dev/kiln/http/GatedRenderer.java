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

/**
 * Wraps the real engine; the first {@code gated} renders wait until the test opens the gate, so a test decides when
 * a render ends instead of guessing how long it takes. Waiting renders either stop when cancelled (like the
 * engine, which polls between layers) or, stubborn, ignore cancellation like a wedged native call.
 */
final class GatedRenderer implements Renderer {
    private final Renderer delegate;
    private final int gated;
    private final boolean honoursCancel;
    private final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();

    /** Every render waits for the gate and stops when cancelled. */
    GatedRenderer(Renderer delegate) {
        this(delegate, Integer.MAX_VALUE, /* honoursCancel= */ true);
    }

    GatedRenderer(Renderer delegate, int gated, boolean honoursCancel) {
        this.delegate = delegate;
        this.gated = gated;
        this.honoursCancel = honoursCancel;
    }

    /** Lets every waiting and future render go on. */
    void open() {
        gate.countDown();
    }

    private void awaitGate(CancellationSignal cancel) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (gate.await(Duration.ofMillis(5).toNanos(), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    if (honoursCancel) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    interrupted = true; // a wedged native call does not notice interrupts either
                }
                if (honoursCancel && cancel.isCancelled()) {
                    cancelled.incrementAndGet();
                    cancel.throwIfCancelled();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public PreparedRender prepare(JsonNode request) {
        return delegate.prepare(request);
    }

    @Override
    public RenderOutput render(PreparedRender prepared, CancellationSignal cancel) {
        int n = started.incrementAndGet();
        try {
            if (n <= gated) {
                awaitGate(cancel);
            }
            return delegate.render(prepared, cancel);
        } finally {
            finished.incrementAndGet();
        }
    }
}
