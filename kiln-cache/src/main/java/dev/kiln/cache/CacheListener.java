package dev.kiln.cache;

/** What the cache reports for metrics; implementations must be fast and must not throw. */
public interface CacheListener {
    /** Reports nothing. */
    CacheListener NONE = new CacheListener() {};

    /** Where a value came from. */
    enum Layer {
        /** In process (Caffeine). */
        L1,
        /** Redis. */
        L2,
        /** The loader (the database): asked only when L1 and L2 both missed. */
        SOURCE
    }

    /**
     * A lookup in {@code layer} found its value. For {@link Layer#SOURCE}: the loader found it (a database load that
     * answered); an L2 hit never reaches the source, so it is never counted here.
     */
    default void hit(Layer layer) {}

    /**
     * A lookup in {@code layer} did not (or the layer was unavailable). For {@link Layer#SOURCE}: the loader found
     * nothing (not found; nothing is cached then).
     */
    default void miss(Layer layer) {}

    /**
     * A lookup in {@code layer} took {@code nanos}: for L1 the in-process lookup (hit or miss, without what follows a
     * miss), for L2 the Redis round trip, for the source the loader's call.
     */
    default void loadTime(Layer layer, long nanos) {}

    /**
     * A miss joined a load of the same key already in flight instead of loading again (counted neither as an L1 hit
     * nor as a miss: reads = L1 hits + L1 misses + coalesced).
     */
    default void coalesced() {}

    /** An invalidation could not reach Redis now; it is kept and sent when Redis is back. */
    default void invalidationDeferred(int groups) {}
}
