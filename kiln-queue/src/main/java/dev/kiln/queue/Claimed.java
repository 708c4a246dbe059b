package dev.kiln.queue;

import java.time.Duration;

/** One row returned by the claim. */
record Claimed(
        long id,
        String kind,
        String tenant,
        Priority priority,
        String payload,
        int attempt,
        int maxAttempts,
        long token,
        Duration timeout) {}
