package dev.kiln.queue;

import java.time.Duration;

/**
 * How one worker runs jobs.
 *
 * @param name the worker's name, stored on the jobs it claims (1-100 chars); make it unique per process
 * @param concurrency most jobs this worker runs at once (a capacity supplier may allow fewer at any moment)
 * @param drainTimeout how long {@link Worker#close()} lets running jobs finish before releasing them to the queue
 * @param completionBatchSize most completions stored by one statement
 */
public record WorkerConfig(String name, int concurrency, Duration drainTimeout, int completionBatchSize) {

    /** Default concurrency: 16 jobs. */
    public static final int DEFAULT_CONCURRENCY = 16;
    /** Largest concurrency accepted. */
    public static final int MAX_CONCURRENCY = 10_000;
    /** Default drain timeout: 10 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** Default completion batch: 500 completions per statement. */
    public static final int DEFAULT_COMPLETION_BATCH_SIZE = 500;

    public WorkerConfig {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("worker name must be 1-100 chars, not blank, was " + name);
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency must be in 1.." + MAX_CONCURRENCY + ", was " + concurrency);
        }
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout must not be negative, was " + drainTimeout);
        }
        if (completionBatchSize < 1) {
            throw new IllegalArgumentException("completionBatchSize must be at least 1, was " + completionBatchSize);
        }
    }

    /** A worker named {@code name} with the default settings. */
    public static WorkerConfig named(String name) {
        return new WorkerConfig(name, DEFAULT_CONCURRENCY, DEFAULT_DRAIN_TIMEOUT, DEFAULT_COMPLETION_BATCH_SIZE);
    }

    /** A copy with another concurrency. */
    public WorkerConfig withConcurrency(int n) {
        return new WorkerConfig(name, n, drainTimeout, completionBatchSize);
    }

    /** A copy with another drain timeout. */
    public WorkerConfig withDrainTimeout(Duration timeout) {
        return new WorkerConfig(name, concurrency, timeout, completionBatchSize);
    }
}
