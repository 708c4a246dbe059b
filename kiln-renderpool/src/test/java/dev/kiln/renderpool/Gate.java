package dev.kiln.renderpool;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A task that signals when it starts and then blocks, ignoring cancellation, until the test opens it. */
final class Gate implements RenderTask<String> {

    /** Hang guard only: no test expects to wait anywhere near this long. */
    static final long HANG_GUARD_SECONDS = 20;

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);
    final AtomicBoolean sawCancelled = new AtomicBoolean();
    private final String value;

    Gate(String value) {
        this.value = value;
    }

    @Override
    public String run(TaskContext ctx) throws InterruptedException {
        started.countDown();
        if (!open.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate never opened");
        }
        sawCancelled.set(ctx.isCancelled());
        return value;
    }

    void awaitStarted() throws InterruptedException {
        if (!started.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("task never started");
        }
    }

    boolean hasStarted() {
        return started.getCount() == 0;
    }

    void open() {
        open.countDown();
    }
}
