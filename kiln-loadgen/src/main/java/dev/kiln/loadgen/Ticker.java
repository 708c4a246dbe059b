package dev.kiln.loadgen;

import java.util.concurrent.locks.LockSupport;

/** The generator's source of monotonic time, injected so that the schedule can be driven by a test. */
interface Ticker {

    /** Monotonic nanoseconds, like {@link System#nanoTime()}. */
    long nanoTime();

    /** Blocks until {@link #nanoTime()} reaches {@code deadlineNanos}. */
    void parkUntil(long deadlineNanos) throws InterruptedException;

    /** The real clock. */
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void parkUntil(long deadlineNanos) throws InterruptedException {
            long remaining;
            while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(remaining);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for the next send time");
                }
            }
        }
    };
}
