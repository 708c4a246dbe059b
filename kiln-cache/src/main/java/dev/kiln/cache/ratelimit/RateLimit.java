package dev.kiln.cache.ratelimit;

import java.time.Duration;

/**
 * A limit of {@code limit} requests per {@code window}, enforced smoothly (GCRA): one request every
 * {@code window / limit} on average, with bursts of up to {@code limit} after a quiet {@code window}.
 *
 * @param limit requests per window; 0 turns the limit off
 * @param window the window, 1 s to 1 h
 */
public record RateLimit(int limit, Duration window) {
    /** Default {@link #limit}: 1,200 requests a minute (20 a second on average, bursts of 1,200), per user. */
    public static final int DEFAULT_LIMIT = 1200;
    /** Default {@link #window}. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    public RateLimit {
        if (limit < 0 || limit > 1_000_000) {
            throw new IllegalArgumentException("KILN_RATE_LIMIT must be 0 (off) to 1000000, was " + limit);
        }
        if (window == null
                || window.compareTo(Duration.ofSeconds(1)) < 0
                || window.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("KILN_RATE_LIMIT_WINDOW must be 1s to 1h, was " + window);
        }
    }

    /** Whether this limit limits anything. */
    public boolean enabled() {
        return limit > 0;
    }

    /** The GCRA emission interval, in microseconds: the average spacing of allowed requests. */
    long intervalMicros() {
        return Math.max(1, window.toNanos() / 1000 / limit);
    }

    /** The window in microseconds, as GCRA uses it (interval × limit, so rounding cannot grant an extra request). */
    long windowMicros() {
        return intervalMicros() * limit;
    }
}
