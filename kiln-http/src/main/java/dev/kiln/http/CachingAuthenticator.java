package dev.kiln.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.kiln.cache.Futures;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers successful authentications briefly, so that the 429 path (and every request) skips the
 * database round trip. A revoked key keeps working on an instance for at most {@link #DEFAULT_TTL}.
 * Failures are not cached: a wrong key always costs a lookup, which the key format keeps cheap.
 *
 * <p>Concurrent lookups of one token share one database round trip (single flight): a burst of 120 requests with
 * one key on a fresh instance used to send 120 lookups at once, run the connection pool dry and answer most of them
 * 500 (found by {@code scripts/bench-burst.sh}).
 */
final class CachingAuthenticator implements Authenticator {
    /** How long a positive answer is trusted. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

    /** Most tokens remembered at once. */
    public static final long MAX_ENTRIES = 10_000;

    private final Authenticator delegate;
    private final Cache<String, Caller> cache;
    private final ConcurrentHashMap<String, CompletableFuture<Optional<Caller>>> inFlight = new ConcurrentHashMap<>();

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
        CompletableFuture<Optional<Caller>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<Caller>> theirs = inFlight.putIfAbsent(bearerToken, mine);
        if (theirs != null) {
            return Futures.join(theirs); // the other request's answer, or its failure
        }
        try {
            Optional<Caller> caller = delegate.authenticate(bearerToken);
            caller.ifPresent(c -> cache.put(bearerToken, c));
            mine.complete(caller);
            return caller;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(bearerToken, mine);
        }
    }
}
