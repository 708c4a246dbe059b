package dev.kiln.renderpool;

import java.time.Duration;
import java.util.Objects;

/**
 * Sizing and timing of a {@link RenderPool}; validated on construction, each message names the offending setting.
 *
 * @param workers number of platform worker threads (fixed), {@code 1..}{@link #MAX_WORKERS}
 * @param queueCapacity tasks that may wait beyond the workers, {@code 0..}{@link #MAX_QUEUE_PER_WORKER}{@code ×workers}
 * @param initialServiceTime seed of the service-time estimate for a task of {@link #REFERENCE_COST_UNITS}
 * @param overdueGrace how long past its deadline a running task may take before it counts as overdue (wedged)
 * @param drainTimeout how long {@link RenderPool#close()} waits for queued and running work before interrupting
 * @param maxAbandoned how many overdue workers may be abandoned (and replaced) while their task still runs; past it
 *     an overdue render keeps its slot and the pool reports itself not live
 * @param wedgeLimit how long an abandoned worker may keep running before the pool reports itself not live, so that
 *     the instance is restarted and the thread stops burning a core
 */
public record PoolConfig(
        int workers,
        int queueCapacity,
        Duration initialServiceTime,
        Duration overdueGrace,
        Duration drainTimeout,
        int maxAbandoned,
        Duration wedgeLimit) {

    /** Cost units of the reference task, in output pixels: the 1200×630 social card of the benchmarks. */
    public static final long REFERENCE_COST_UNITS = 1200L * 630L;

    /** Upper bound on {@link #workers()}: each is a platform thread holding a render's memory. */
    public static final int MAX_WORKERS = 1024;

    /** Default {@link #queueCapacity()} per worker: four services' worth of waiting keeps p99 bounded. */
    public static final int DEFAULT_QUEUE_PER_WORKER = 4;

    /** Upper bound on {@link #queueCapacity()} per worker; a longer queue cannot meet any sane deadline. */
    public static final int MAX_QUEUE_PER_WORKER = 1024;

    /** Default {@link #initialServiceTime()}: 100 ms, a PNG card on a slow core, until real samples arrive. */
    public static final Duration DEFAULT_INITIAL_SERVICE_TIME = Duration.ofMillis(100);

    /** Default {@link #overdueGrace()}: 5 s past the deadline before a render is considered wedged. */
    public static final Duration DEFAULT_OVERDUE_GRACE = Duration.ofSeconds(5);

    /**
     * Default {@link #drainTimeout()}: 20 s, the default of {@code KILN_DRAIN_TIMEOUT} (HttpConfig uses this constant),
     * so that a whole shutdown fits inside the 30 s termination grace orchestrators usually give.
     */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);

    /**
     * Default {@link #wedgeLimit()}: 20 s. With the 10 s default budget and 5 s grace, a render stuck in code that
     * ignores interrupts fails liveness 35 s after it started, and the instance is back, restarted, within 60 s.
     */
    public static final Duration DEFAULT_WEDGE_LIMIT = Duration.ofSeconds(20);

    /** Default memory budget per render, in bytes: 128 MiB (a 4096×4096 RGBA surface is 64 MiB, plus encoding). */
    public static final long DEFAULT_PER_JOB_BYTES = 128L * 1024 * 1024;

    /** Validates every setting and the rules between them. */
    public PoolConfig {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be between 1 and " + MAX_WORKERS + ", was " + workers);
        }
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queueCapacity must be >= 0, was " + queueCapacity);
        }
        if ((long) queueCapacity > (long) MAX_QUEUE_PER_WORKER * workers) {
            throw new IllegalArgumentException("queueCapacity must be at most " + MAX_QUEUE_PER_WORKER + " × workers ("
                    + (long) MAX_QUEUE_PER_WORKER * workers + "), was " + queueCapacity);
        }
        Objects.requireNonNull(initialServiceTime, "initialServiceTime must not be null");
        Objects.requireNonNull(overdueGrace, "overdueGrace must not be null");
        Objects.requireNonNull(drainTimeout, "drainTimeout must not be null");
        if (initialServiceTime.isNegative() || initialServiceTime.isZero()) {
            throw new IllegalArgumentException("initialServiceTime must be positive, was " + initialServiceTime);
        }
        if (overdueGrace.isNegative()) {
            throw new IllegalArgumentException("overdueGrace must not be negative, was " + overdueGrace);
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout must not be negative, was " + drainTimeout);
        }
        if (maxAbandoned < 0 || maxAbandoned > MAX_WORKERS) {
            throw new IllegalArgumentException(
                    "maxAbandoned must be between 0 and " + MAX_WORKERS + ", was " + maxAbandoned);
        }
        Objects.requireNonNull(wedgeLimit, "wedgeLimit must not be null");
        if (wedgeLimit.isNegative()) {
            throw new IllegalArgumentException("wedgeLimit must not be negative, was " + wedgeLimit);
        }
    }

    /**
     * Sizing and timing with the default containment: up to {@code workers} abandoned workers and the
     * {@link #DEFAULT_WEDGE_LIMIT}.
     */
    public PoolConfig(
            int workers, int queueCapacity, Duration initialServiceTime, Duration overdueGrace, Duration drainTimeout) {
        this(
                workers,
                queueCapacity,
                initialServiceTime,
                overdueGrace,
                drainTimeout,
                Math.max(0, Math.min(workers, MAX_WORKERS)),
                DEFAULT_WEDGE_LIMIT);
    }

    /**
     * Default sizing: as many workers as cores, but no more than the memory budget can hold at {@code perJobBytes}
     * each, and at least one; a queue of {@link #DEFAULT_QUEUE_PER_WORKER} per worker; default timings.
     */
    public static PoolConfig defaults(int cores, long memoryBudgetBytes, long perJobBytes) {
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be >= 1, was " + cores);
        }
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException("memoryBudgetBytes must be positive, was " + memoryBudgetBytes);
        }
        if (perJobBytes <= 0) {
            throw new IllegalArgumentException("perJobBytes must be positive, was " + perJobBytes);
        }
        long byMemory = memoryBudgetBytes / perJobBytes;
        int workers = (int) Math.max(1, Math.min(Math.min(cores, byMemory), MAX_WORKERS));
        return new PoolConfig(
                workers,
                DEFAULT_QUEUE_PER_WORKER * workers,
                DEFAULT_INITIAL_SERVICE_TIME,
                DEFAULT_OVERDUE_GRACE,
                DEFAULT_DRAIN_TIMEOUT);
    }
}
