package dev.kiln.cache.ratelimit;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.kiln.cache.Redis;

/** Enforces quotas: spends one request of {@code key}'s quota under {@code limit}, or refuses it. Thread-safe. */
public interface RateLimiter extends AutoCloseable {

    /** Spends one request of {@code key}'s quota, if the quota allows it. */
    Decision acquire(String key, RateLimit limit);

    @Override
    default void close() {}

    /** This instance's own quotas, timed by {@code ticker}. */
    static RateLimiter local(Ticker ticker) {
        return new LocalRateLimiter(ticker);
    }

    /**
     * Quotas shared by every instance through {@code redis}; while Redis is unavailable (or not configured), this
     * instance's own quotas, so each instance then allows up to the limit by itself.
     */
    static RateLimiter shared(Redis redis, Ticker ticker) {
        return new SharedRateLimiter(redis, new LocalRateLimiter(ticker));
    }
}
