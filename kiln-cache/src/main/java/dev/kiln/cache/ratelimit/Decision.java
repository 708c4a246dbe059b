package dev.kiln.cache.ratelimit;

import java.time.Duration;

/**
 * The answer to one request.
 *
 * @param allowed whether it may proceed
 * @param limit the limit that applied
 * @param remaining requests still allowed right now
 * @param reset time until the whole quota is available again
 * @param retryAfter when refused, the wait until one more request is allowed; zero otherwise
 * @param enforcer who decided: {@code redis} (shared by every instance) or {@code local} (this instance alone)
 */
public record Decision(
        boolean allowed, RateLimit limit, long remaining, Duration reset, Duration retryAfter, String enforcer) {}
