package dev.kiln.queue;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the delay before retry {@code n} is uniform in {@code [0, min(cap, base ×
 * 2^(n-1)))}, so failing jobs spread out instead of retrying in lockstep.
 *
 * @param base the ceiling of the first retry's delay
 * @param cap the largest ceiling any retry's delay can reach
 */
public record RetryPolicy(Duration base, Duration cap) {

    /** Default base: 1 s. */
    public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);
    /** Default cap: 10 min. */
    public static final Duration DEFAULT_CAP = Duration.ofMinutes(10);

    public RetryPolicy {
        if (base == null || base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("retry base must be positive, was " + base);
        }
        if (cap == null || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("retry cap must be at least the base (" + base + "), was " + cap);
        }
    }

    /** The default policy: 1 s base, 10 min cap. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(DEFAULT_BASE, DEFAULT_CAP);
    }

    /** The ceiling of the delay after failed attempt {@code attempt} (from 1): {@code min(cap, base × 2^(attempt-1))}. */
    public Duration ceiling(int attempt) {
        int doublings = Math.clamp(attempt - 1, 0, 62);
        long baseNanos = base.toNanos();
        long capNanos = cap.toNanos();
        // Doubling past the cap would overflow; stop as soon as the cap is reached.
        long ceiling = doublings >= Long.numberOfLeadingZeros(baseNanos) - 1
                ? capNanos
                : Math.min(capNanos, baseNanos << doublings);
        return Duration.ofNanos(ceiling);
    }

    /** The delay before retrying after failed attempt {@code attempt}, drawn from {@code random}. */
    public Duration delay(int attempt, RandomGenerator random) {
        return Duration.ofNanos((long) (random.nextDouble() * ceiling(attempt).toNanos()));
    }
}
