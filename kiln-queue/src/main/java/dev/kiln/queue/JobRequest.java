package dev.kiln.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A job to enqueue.
 *
 * @param kind which handler runs it (1-100 chars)
 * @param tenant whose job it is, e.g. a user id (1-200 chars); fairness and the quota are per tenant
 * @param payload JSON text handed to the handler; PostgreSQL validates it ({@code jsonb})
 * @param priority interactive jobs are claimed before batch jobs
 * @param maxAttempts attempts allowed in all, 1..{@value #MAX_ATTEMPTS}
 * @param runAt earliest time to run, or null for now
 * @param timeout longest one attempt may run before it is stopped and fails as a retryable timeout
 */
public record JobRequest(
        String kind,
        String tenant,
        String payload,
        Priority priority,
        int maxAttempts,
        Instant runAt,
        Duration timeout) {

    /** Default attempts: 5 (the first try and four retries). */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Most attempts a job may ask for. */
    public static final int MAX_ATTEMPTS = 100;
    /** Default priority: batch; user-facing work asks for {@link Priority#INTERACTIVE}. */
    public static final Priority DEFAULT_PRIORITY = Priority.BATCH;
    /** Default per-attempt timeout: 5 min. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    /** Longest per-attempt timeout: 24 h. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(24);

    public JobRequest {
        if (kind == null || kind.isBlank() || kind.length() > 100) {
            throw new IllegalArgumentException("kind must be 1-100 chars, not blank, was " + kind);
        }
        if (tenant == null || tenant.isBlank() || tenant.length() > 200) {
            throw new IllegalArgumentException("tenant must be 1-200 chars, not blank, was " + tenant);
        }
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(priority, "priority");
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("maxAttempts must be in 1.." + MAX_ATTEMPTS + ", was " + maxAttempts);
        }
        if (timeout == null || timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be in 1 ms.." + MAX_TIMEOUT + ", was " + timeout);
        }
    }

    /** A job run now, with the default priority, attempts and timeout. */
    public static JobRequest of(String kind, String tenant, String payload) {
        return new JobRequest(kind, tenant, payload, DEFAULT_PRIORITY, DEFAULT_MAX_ATTEMPTS, null, DEFAULT_TIMEOUT);
    }

    /** A copy with another priority. */
    public JobRequest withPriority(Priority p) {
        return new JobRequest(kind, tenant, payload, p, maxAttempts, runAt, timeout);
    }

    /** A copy with another number of attempts. */
    public JobRequest withMaxAttempts(int attempts) {
        return new JobRequest(kind, tenant, payload, priority, attempts, runAt, timeout);
    }

    /** A copy that runs no earlier than {@code at}. */
    public JobRequest withRunAt(Instant at) {
        return new JobRequest(kind, tenant, payload, priority, maxAttempts, at, timeout);
    }

    /** A copy with another per-attempt timeout. */
    public JobRequest withTimeout(Duration t) {
        return new JobRequest(kind, tenant, payload, priority, maxAttempts, runAt, t);
    }
}
