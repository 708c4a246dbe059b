package dev.kiln.cache.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** GCRA in process: each key's theoretical arrival time, forgotten a window after its last request. */
final class LocalRateLimiter implements RateLimiter {
    /** Most keys tracked at once; a key forgotten early only gets its full quota back. */
    static final long MAX_KEYS = 100_000;

    private final Ticker ticker;
    private final Cache<String, AtomicLong> tats;

    LocalRateLimiter(Ticker ticker) {
        this.ticker = ticker;
        this.tats = Caffeine.newBuilder()
                .maximumSize(MAX_KEYS)
                .expireAfterAccess(Duration.ofHours(1))
                .ticker(ticker)
                .build();
    }

    @Override
    public Decision acquire(String key, RateLimit limit) {
        long now = ticker.read() / 1000;
        long interval = limit.intervalMicros();
        long window = limit.windowMicros();
        AtomicLong tat = tats.get(key, k -> new AtomicLong(now));
        while (true) {
            long stored = tat.get();
            long from = Math.max(stored, now);
            long newTat = from + interval;
            long allowAt = newTat - window;
            if (now < allowAt) {
                return new Decision(
                        false,
                        limit,
                        0,
                        Duration.ofNanos((from - now) * 1000),
                        Duration.ofNanos((allowAt - now) * 1000),
                        "local");
            }
            if (tat.compareAndSet(stored, newTat)) {
                return new Decision(
                        true,
                        limit,
                        (now - allowAt) / interval,
                        Duration.ofNanos((newTat - now) * 1000),
                        Duration.ZERO,
                        "local");
            }
        }
    }
}
