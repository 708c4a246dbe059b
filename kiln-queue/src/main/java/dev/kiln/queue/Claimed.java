package dev.kiln.queue;

import java.time.Duration;

/**
 * One row returned by the claim.
 *
 * @param token the fencing token of this claim
 * @param worker the claiming worker's identity (its name and an incarnation id); reports are fenced by both
 */
record Claimed(
        long id,
        String kind,
        String tenant,
        Priority priority,
        String payload,
        int attempt,
        int maxAttempts,
        long token,
        Duration timeout,
        String worker) {}
