package dev.kiln.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Measures JVM stalls (GC, safepoints, CPU starvation) the way event-loop lag is measured: a thread sleeps a fixed
 * interval and records how much later than asked it woke up, into {@link MetricNames#JVM_PAUSE}.
 */
public final class PauseDetector implements AutoCloseable {

    /** Default sleep interval: 10 ms; short enough to see pauses a request would feel, cheap at 100 wake-ups/s. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(10);
    /** Default window of {@link #recentMax()}: 1 min. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    /** Name of the detector's thread, as seen in thread dumps. */
    static final String THREAD_NAME = "kiln-pause-detector";

    /** Sleeps; replaced in tests so that pauses can be injected deterministically. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Duration[] PAUSE_SLOS = {
        Duration.ofMillis(1),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(500),
        Duration.ofSeconds(1)
    };

    private final Timer pauses;
    private final Duration interval;
    private final long intervalNanos;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    // Written only by the sampling thread; volatile so that recentMax() sees them from request threads.
    private volatile long currentMaxNanos;
    private volatile long previousMaxNanos;
    private long windowStart;
    private boolean windowStarted;

    private Thread thread;

    /** A detector with the default interval and window, recording into {@code registry}. */
    public PauseDetector(MeterRegistry registry) {
        this(registry, DEFAULT_INTERVAL, DEFAULT_WINDOW, System::nanoTime, d -> Thread.sleep(d));
    }

    /** A detector driven by the given monotonic clock and sleeper. */
    PauseDetector(MeterRegistry registry, Duration interval, Duration window, LongSupplier nanoTime, Sleeper sleeper) {
        Objects.requireNonNull(registry, "registry");
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be a positive duration, was " + interval);
        }
        if (window == null || window.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("window must be longer than interval (" + interval + "), was " + window);
        }
        this.interval = interval;
        this.intervalNanos = interval.toNanos();
        this.windowNanos = window.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.pauses = Timer.builder(MetricNames.JVM_PAUSE)
                .description("How much later than its " + interval.toMillis() + " ms sleep the pause detector woke")
                .serviceLevelObjectives(PAUSE_SLOS)
                .register(registry);
    }

    /**
     * Starts the sampling thread: a daemon platform thread, because a virtual thread's wake-up would also measure
     * carrier-pool scheduling rather than the JVM alone.
     *
     * @throws IllegalStateException when already started
     */
    public synchronized PauseDetector start() {
        if (thread != null) {
            throw new IllegalStateException("pause detector already started");
        }
        thread = Thread.ofPlatform().daemon().name(THREAD_NAME).start(this::run);
        return this;
    }

    /** Whether the sampling thread is alive. */
    public synchronized boolean isRunning() {
        return thread != null && thread.isAlive();
    }

    /** The longest pause seen in the current and the previous window (so over the last one to two windows). */
    public Duration recentMax() {
        return Duration.ofNanos(Math.max(currentMaxNanos, previousMaxNanos));
    }

    /** Stops the sampling thread and waits for it to end. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            return;
        }
        t.interrupt();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                sampleOnce();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop; the thread ends here
        }
    }

    /** Sleeps one interval and records the excess; the sampling thread's loop body. */
    void sampleOnce() throws InterruptedException {
        long before = nanoTime.getAsLong();
        sleeper.sleep(interval);
        long after = nanoTime.getAsLong();
        // Waking early (a coarse timer) is not a negative pause.
        long excess = Math.max(0, (after - before) - intervalNanos);
        pauses.record(excess, TimeUnit.NANOSECONDS);
        roll(after);
        if (excess > currentMaxNanos) {
            currentMaxNanos = excess;
        }
    }

    private void roll(long now) {
        if (!windowStarted) {
            windowStarted = true;
            windowStart = now;
            return;
        }
        long elapsed = now - windowStart;
        if (elapsed >= windowNanos) {
            // After one full window the current max becomes the previous; after two, both are stale.
            previousMaxNanos = elapsed < 2 * windowNanos ? currentMaxNanos : 0;
            currentMaxNanos = 0;
            windowStart = now;
        }
    }
}
