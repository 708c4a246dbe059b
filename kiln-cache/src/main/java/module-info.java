/** The read path over an optional Redis: two-level cache, the Redis connection and its breaker, rate limits. */
module dev.kiln.cache {
    // ReadCache and RateLimiter take Caffeine's Ticker; Redis hands its callers Lettuce's async commands.
    requires transitive com.github.benmanes.caffeine;
    requires transitive lettuce.core;
    requires io.netty.common;
    requires org.slf4j;

    exports dev.kiln.cache;
    exports dev.kiln.cache.ratelimit;
}
