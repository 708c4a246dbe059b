package dev.kiln.video;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.RenderCancelledException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The memory an instance lets its running videos hold, in bytes (frame buffers and encoders, by {@link
 * MemoryEstimate}): a video starts only once its estimate is reserved, so two 4K videos wait for each other instead of
 * exhausting the JVM or the machine. A reservation is a {@link Permit}, released exactly once by closing it.
 */
public final class VideoMemoryBudget {
    /** How often a waiting video checks its cancellation and deadline. */
    static final Duration POLL = Duration.ofMillis(50);

    private final long totalBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private long reservedBytes;

    /** A budget of {@code totalBytes}. */
    public VideoMemoryBudget(long totalBytes) {
        if (totalBytes < 1) {
            throw new IllegalArgumentException("totalBytes must be positive, was " + totalBytes);
        }
        this.totalBytes = totalBytes;
    }

    /** A reservation; {@link #close} returns it (a second close does nothing). */
    public final class Permit implements AutoCloseable {
        private final long bytes;
        private boolean open = true;

        private Permit(long bytes) {
            this.bytes = bytes;
        }

        /** The bytes reserved. */
        public long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (open) {
                    open = false;
                    reservedBytes -= bytes;
                    released.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** The whole budget, in bytes. */
    public long totalBytes() {
        return totalBytes;
    }

    /** Bytes reserved now. */
    public long reservedBytes() {
        lock.lock();
        try {
            return reservedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Reserves {@code bytes} now, or empty when they do not fit. */
    public Optional<Permit> tryAcquire(long bytes) {
        check(bytes);
        lock.lock();
        try {
            if (reservedBytes + bytes > totalBytes) {
                return Optional.empty();
            }
            reservedBytes += bytes;
            return Optional.of(new Permit(bytes));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves {@code bytes}, waiting for running videos to release theirs for at most {@code maxWait}; empty when the
     * wait ran out.
     *
     * @throws RenderCancelledException when {@code cancel} fired while waiting
     * @throws InterruptedException when interrupted (the flag is cleared, as usual)
     */
    public Optional<Permit> acquire(long bytes, Duration maxWait, CancellationSignal cancel)
            throws InterruptedException {
        check(bytes);
        long end = System.nanoTime() + maxWait.toNanos();
        lock.lock();
        try {
            while (reservedBytes + bytes > totalBytes) {
                if (cancel.isCancelled()) {
                    throw new RenderCancelledException();
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                released.await(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS);
            }
            reservedBytes += bytes;
            return Optional.of(new Permit(bytes));
        } finally {
            lock.unlock();
        }
    }

    private void check(long bytes) {
        if (bytes < 1 || bytes > totalBytes) {
            throw new IllegalArgumentException("a reservation must be 1–" + totalBytes + " bytes, was " + bytes);
        }
    }
}
