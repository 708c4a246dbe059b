package dev.kiln.cache;

import java.time.Duration;

/**
 * TTLs and sizes of the two-layer cache. A value is <em>volatile</em> while it may still change (a generation in
 * flight) and <em>settled</em> once it will not (a terminal generation); every change invalidates it anyway, so TTLs
 * only bound how stale a value can get when an invalidation is lost (Redis down, pub/sub cut).
 *
 * @param volatileL1 in-process TTL of a volatile value
 * @param volatileL2 Redis TTL of a volatile value
 * @param settledL1 in-process TTL of a settled value
 * @param settledL2 Redis TTL of a settled value
 * @param maxGroups most invalidation groups (a generation, a user's dashboard) held in process
 * @param maxFieldsPerGroup most values per group held in process (dashboard pages of one user, say); more are loaded
 *     but not kept
 */
public record CacheConfig(
        Duration volatileL1,
        Duration volatileL2,
        Duration settledL1,
        Duration settledL2,
        long maxGroups,
        int maxFieldsPerGroup) {

    /** Default {@link #volatileL1}: a lost invalidation shows an in-flight status at most this stale. */
    public static final Duration DEFAULT_VOLATILE_L1 = Duration.ofSeconds(1);
    /** Default {@link #volatileL2}. */
    public static final Duration DEFAULT_VOLATILE_L2 = Duration.ofSeconds(10);
    /** Default {@link #settledL1}. */
    public static final Duration DEFAULT_SETTLED_L1 = Duration.ofMinutes(5);
    /** Default {@link #settledL2}. */
    public static final Duration DEFAULT_SETTLED_L2 = Duration.ofHours(1);
    /** Default {@link #maxGroups}. */
    public static final long DEFAULT_MAX_GROUPS = 100_000;
    /** Default {@link #maxFieldsPerGroup}. */
    public static final int DEFAULT_MAX_FIELDS_PER_GROUP = 16;
    /**
     * How long an invalidation's version stamp lives in Redis: longer than any load can take, so a load that read the
     * database before an invalidation can never write its stale value after it.
     */
    public static final Duration VERSION_TTL = Duration.ofHours(2);

    public CacheConfig {
        positive(volatileL1, "volatileL1");
        positive(volatileL2, "volatileL2");
        positive(settledL1, "settledL1");
        positive(settledL2, "settledL2");
        if (volatileL1.compareTo(settledL1) > 0) {
            throw new IllegalArgumentException(
                    "KILN_CACHE_INFLIGHT_TTL must be at most " + settledL1 + ", was " + volatileL1);
        }
        if (volatileL2.compareTo(settledL2) > 0) {
            throw new IllegalArgumentException("a volatile TTL must not exceed the settled one");
        }
        if (settledL2.compareTo(VERSION_TTL) >= 0) {
            throw new IllegalArgumentException("settledL2 must be shorter than " + VERSION_TTL);
        }
        if (maxGroups < 1 || maxFieldsPerGroup < 1) {
            throw new IllegalArgumentException("maxGroups and maxFieldsPerGroup must be positive");
        }
    }

    /** The defaults. */
    public static CacheConfig defaults() {
        return new CacheConfig(
                DEFAULT_VOLATILE_L1,
                DEFAULT_VOLATILE_L2,
                DEFAULT_SETTLED_L1,
                DEFAULT_SETTLED_L2,
                DEFAULT_MAX_GROUPS,
                DEFAULT_MAX_FIELDS_PER_GROUP);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
