package dev.kiln.http;

import dev.kiln.cache.ReadCache;
import dev.kiln.cache.ratelimit.RateLimitPolicy;
import dev.kiln.cache.ratelimit.RateLimiter;
import java.util.Objects;

/**
 * What the read path adds to the server.
 *
 * @param cache the two-layer cache that {@code GET /v1/generations/{id}} and {@code GET /v1/dashboard} read through;
 *     {@link ReadCache#NONE} reads the database every time
 * @param rateLimits which limit applies to each user's {@code /v1} requests
 * @param limiter what enforces them
 */
public record ReadPath(ReadCache cache, RateLimitPolicy rateLimits, RateLimiter limiter) {
    /** No cache, no rate limits. */
    public static final ReadPath NONE = new ReadPath(ReadCache.NONE, RateLimitPolicy.NONE, (key, limit) -> {
        throw new IllegalStateException("no policy, so nothing to enforce");
    });

    public ReadPath {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(limiter, "limiter");
    }
}
