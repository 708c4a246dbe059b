package dev.kiln.http;

import dev.kiln.cache.ratelimit.Decision;
import dev.kiln.cache.ratelimit.RateLimitPolicy;
import dev.kiln.cache.ratelimit.RateLimiter;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The per-user rate limit at the door of every authenticated request: the policy says which quota applies, the
 * limiter spends from it, and every answer carries {@code RateLimit-Limit}, {@code RateLimit-Remaining},
 * {@code RateLimit-Reset} and {@code RateLimit-Policy}; a refused request is a 429 {@code rate-limited} problem with
 * {@code Retry-After}.
 */
final class RateLimits {
    private final RateLimitPolicy policy;
    private final RateLimiter limiter;
    private final HttpMetrics metrics;

    RateLimits(RateLimitPolicy policy, RateLimiter limiter, HttpMetrics metrics) {
        this.policy = policy;
        this.limiter = limiter;
        this.metrics = metrics;
    }

    /** Spends one request of {@code caller}'s quota and sets the headers; throws the 429 when it is spent. */
    void check(Caller caller, ServerResponse res) {
        Optional<RateLimitPolicy.Quota> quota = policy.quotaFor(caller.userId());
        if (quota.isEmpty()) {
            return;
        }
        Decision d = limiter.acquire(quota.get().key(), quota.get().limit());
        Map<String, String> headers = Map.of(
                "RateLimit-Limit", Integer.toString(d.limit().limit()),
                "RateLimit-Remaining", Long.toString(d.remaining()),
                "RateLimit-Reset", Long.toString(seconds(d.reset())),
                "RateLimit-Policy",
                        d.limit().limit() + ";w=" + d.limit().window().toSeconds());
        if (d.allowed()) {
            headers.forEach(res::header);
            return;
        }
        metrics.rateLimited(d.enforcer());
        Map<String, String> refused = new java.util.HashMap<>(headers);
        refused.put("Retry-After", Long.toString(Math.max(1, seconds(d.retryAfter()))));
        throw new ProblemException(
                ProblemType.RATE_LIMITED,
                "over the rate limit of " + d.limit().limit() + " requests per "
                        + d.limit().window().toSeconds() + " s for this user; retry after the Retry-After seconds",
                List.of(),
                refused);
    }

    /** Whole seconds, rounded up, so a client that waits that long is never early. */
    static long seconds(Duration d) {
        long s = d.toSeconds();
        return d.minusSeconds(s).isZero() ? s : s + 1;
    }
}
