package dev.kiln.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How one worker runs jobs.
 *
 * @param name the worker's name, stored on the jobs it claims (1-100 chars); make it unique per process
 * @param concurrency most jobs this worker runs at once (a capacity supplier may allow fewer at any moment)
 * @param drainTimeout how long {@link Worker#close()} lets running jobs finish before releasing them to the queue
 * @param completionBatchSize most completions stored by one statement
 * @param kindLimits per job kind, most jobs of that kind this worker runs at once (at least 1); a kind not named here
 *     is limited only by {@link #concurrency()}. A claim never takes a job past its kind's limit, and other kinds still
 *     fill the free slots (docs/queue.md, "Per-kind claim limits")
 */
public record WorkerConfig(
        String name, int concurrency, Duration drainTimeout, int completionBatchSize, Map<String, Integer> kindLimits) {

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
        if (kindLimits == null) {
            throw new IllegalArgumentException("kindLimits must not be null (empty for none)");
        }
        for (Map.Entry<String, Integer> e : kindLimits.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw new IllegalArgumentException("kindLimits names a blank job kind");
            }
            if (e.getValue() == null || e.getValue() < 1) {
                throw new IllegalArgumentException(
                        "kindLimits of '" + e.getKey() + "' must be at least 1, was " + e.getValue());
            }
        }
        kindLimits = Map.copyOf(kindLimits);
    }

    /** A worker without per-kind limits. */
    public WorkerConfig(String name, int concurrency, Duration drainTimeout, int completionBatchSize) {
        this(name, concurrency, drainTimeout, completionBatchSize, Map.of());
    }

    /** A worker named {@code name} with the default settings. */
    public static WorkerConfig named(String name) {
        return new WorkerConfig(name, DEFAULT_CONCURRENCY, DEFAULT_DRAIN_TIMEOUT, DEFAULT_COMPLETION_BATCH_SIZE);
    }

    /** A copy with another concurrency. */
    public WorkerConfig withConcurrency(int n) {
        return new WorkerConfig(name, n, drainTimeout, completionBatchSize, kindLimits);
    }

    /** A copy with another drain timeout. */
    public WorkerConfig withDrainTimeout(Duration timeout) {
        return new WorkerConfig(name, concurrency, timeout, completionBatchSize, kindLimits);
    }

    /** A copy in which this worker runs at most {@code limit} jobs of {@code kind} at once. */
    public WorkerConfig withKindLimit(String kind, int limit) {
        Map<String, Integer> limits = new HashMap<>(kindLimits);
        limits.put(kind, limit);
        return new WorkerConfig(name, concurrency, drainTimeout, completionBatchSize, limits);
    }

    /** The most jobs of {@code kind} this worker runs at once: its limit, else {@link #concurrency()}. */
    public int limitOf(String kind) {
        Integer limit = kindLimits.get(kind);
        return limit == null ? concurrency : Math.min(limit, concurrency);
    }
}
