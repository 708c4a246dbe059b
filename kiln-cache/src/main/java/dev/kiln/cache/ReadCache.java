package dev.kiln.cache;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * A read-through cache of byte values addressed by a <em>group</em> (the unit of invalidation: a generation, a user's
 * dashboard) and a <em>field</em> within it (a dashboard page). Misses on one key coalesce into one load.
 */
public interface ReadCache extends AutoCloseable {

    /** What a loader found: the value, and whether it is settled (long TTL) or volatile (short TTL). */
    record Loaded(byte[] value, boolean settled) {
        public Loaded {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Loads a value from the source of truth; empty when there is none (nothing is cached then). */
    @FunctionalInterface
    interface Loader {
        Optional<Loaded> load();
    }

    /**
     * The value of {@code group}/{@code field}: from L1, else L2, else {@code loader}, whose answer is kept in both.
     * Exceptions of the loader pass through and nothing is cached.
     */
    Optional<byte[]> get(String group, String field, Loader loader);

    /** Drops {@code groups} here, in Redis, and (through pub/sub) on every other instance. */
    void invalidate(Collection<String> groups);

    @Override
    default void close() {}

    /** No cache: every get loads. */
    ReadCache NONE = new ReadCache() {
        @Override
        public Optional<byte[]> get(String group, String field, Loader loader) {
            return loader.load().map(Loaded::value);
        }

        @Override
        public void invalidate(Collection<String> groups) {}
    };

    /** Caffeine in process over {@code redis} (which may be disabled or down), reporting to {@code listener}. */
    static ReadCache tiered(
            CacheConfig config, Redis redis, CacheListener listener, com.github.benmanes.caffeine.cache.Ticker ticker) {
        return new TieredCache(config, redis, listener, ticker);
    }
}
