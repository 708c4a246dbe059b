package dev.kiln.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;

/**
 * Remembers successful authentications briefly, so that the 429 path (and every request) skips the
 * database round trip. A revoked key keeps working on an instance for at most {@link #DEFAULT_TTL}.
 * Failures are not cached: a wrong key always costs a lookup, which the key format keeps cheap.
 */
final class CachingAuthenticator implements Authenticator {
    /** How long a positive answer is trusted. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

    /** Most tokens remembered at once. */
    public static final long MAX_ENTRIES = 10_000;

    private final Authenticator delegate;
    private final Cache<String, Caller> cache;

    /** Caches {@code delegate}'s positive answers for {@code ttl}, timed by {@code ticker}. */
    public CachingAuthenticator(Authenticator delegate, Duration ttl, Ticker ticker) {
        this.delegate = delegate;
        this.cache = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterWrite(ttl)
                .ticker(ticker)
                .build();
    }

    /** Caches with the default TTL on the system clock. */
    public CachingAuthenticator(Authenticator delegate) {
        this(delegate, DEFAULT_TTL, Ticker.systemTicker());
    }

    @Override
    public Optional<Caller> authenticate(String bearerToken) {
        Caller cached = cache.getIfPresent(bearerToken);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Caller> caller = delegate.authenticate(bearerToken);
        caller.ifPresent(c -> cache.put(bearerToken, c));
        return caller;
    }
}
