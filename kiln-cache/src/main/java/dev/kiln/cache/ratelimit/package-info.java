/**
 * Per-user rate limits: the policy ({@link dev.kiln.cache.ratelimit.RateLimitPolicy}: which limit applies to whom)
 * apart from its enforcement ({@link dev.kiln.cache.ratelimit.RateLimiter}: GCRA in Redis, shared by every instance,
 * with this instance's own GCRA as the fallback while Redis is away).
 */
package dev.kiln.cache.ratelimit;
