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
        /** The loader (the database). */
        SOURCE
    }

    /** A lookup in {@code layer} found its value. */
    default void hit(Layer layer) {}

    /** A lookup in {@code layer} did not (or the layer was unavailable). */
    default void miss(Layer layer) {}

    /** A lookup in {@code layer} took {@code nanos}. */
    default void loadTime(Layer layer, long nanos) {}

    /** A miss joined a load of the same key already in flight instead of loading again. */
    default void coalesced() {}

    /** An invalidation could not reach Redis now; it is kept and sent when Redis is back. */
    default void invalidationDeferred(int groups) {}
}
