package dev.kiln.cache.ratelimit;

import java.util.Objects;
import java.util.Optional;

/** Which limit applies to a request: policy, kept apart from the limiter that enforces it. */
@FunctionalInterface
public interface RateLimitPolicy {

    /** A limit to check, and the key whose quota it spends. */
    record Quota(String key, RateLimit limit) {
        public Quota {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(limit, "limit");
        }
    }

    /** The quota {@code userId}'s request spends, or empty when it is not limited. */
    Optional<Quota> quotaFor(long userId);

    /** No limits. */
    RateLimitPolicy NONE = userId -> Optional.empty();

    /** The same {@code limit} for every user, over all of their requests. */
    static RateLimitPolicy perUser(RateLimit limit) {
        Objects.requireNonNull(limit, "limit");
        if (!limit.enabled()) {
            return NONE;
        }
        return userId -> Optional.of(new Quota("user:" + userId, limit));
    }
}
