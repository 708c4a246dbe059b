package dev.kiln.queue;

import java.time.Instant;

/**
 * One job as stored, for status pages and tests.
 *
 * @param token the fencing token of the latest claim; 0 when never claimed
 * @param error the last error as JSON ({@code kind}, {@code message}, {@code exception}, {@code attempt}, {@code at}),
 *     or null
 * @param attemptedAt when the latest attempt was claimed, or null
 * @param finishedAt when the job reached a finished state, or null
 */
public record JobSnapshot(
        long id,
        String kind,
        String tenant,
        Priority priority,
        JobState state,
        int attempt,
        int maxAttempts,
        long token,
        int progress,
        String stage,
        String error,
        boolean cancelRequested,
        Instant runAt,
        Instant createdAt,
        Instant attemptedAt,
        Instant finishedAt) {}
