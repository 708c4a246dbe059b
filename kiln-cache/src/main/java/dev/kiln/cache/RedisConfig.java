package dev.kiln.cache;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How Kiln talks to its optional Redis.
 *
 * @param uri {@code redis://host:port[/db]}; empty runs without Redis (L1 and the database, per-instance rate limits)
 * @param commandTimeout longest wait for one command on a request's path; past it the command counts as failed
 * @param failuresToOpen consecutive failed commands that open the circuit breaker (Redis is then skipped)
 * @param probeInterval how often a background probe checks whether Redis is back (and connects, after a failed start)
 * @param keyPrefix prefix of every key and channel, so instances of one deployment share them and tests do not collide
 */
public record RedisConfig(
        Optional<URI> uri, Duration commandTimeout, int failuresToOpen, Duration probeInterval, String keyPrefix) {

    /** Where Kiln looks for Redis unless told otherwise. */
    public static final URI DEFAULT_URI = URI.create("redis://127.0.0.1:6379");
    /** Default {@link #commandTimeout}: local Redis answers in well under a millisecond, so 100 ms means trouble. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(100);
    /** Default {@link #failuresToOpen}. */
    public static final int DEFAULT_FAILURES_TO_OPEN = 3;
    /** Default {@link #probeInterval}. */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(500);
    /** Default {@link #keyPrefix}. */
    public static final String DEFAULT_KEY_PREFIX = "kiln";

    public RedisConfig {
        Objects.requireNonNull(uri, "uri");
        uri.ifPresent(u -> {
            if (!"redis".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("KILN_REDIS_URL must look like redis://host:port[/db], was " + u);
            }
        });
        if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("KILN_REDIS_TIMEOUT must be positive, was " + commandTimeout);
        }
        if (commandTimeout.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new IllegalArgumentException(
                    "KILN_REDIS_TIMEOUT must be at most 5s (a stalled Redis would stall requests that long), was "
                            + commandTimeout);
        }
        if (failuresToOpen < 1) {
            throw new IllegalArgumentException("failuresToOpen must be at least 1, was " + failuresToOpen);
        }
        if (probeInterval == null || probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("probeInterval must be positive, was " + probeInterval);
        }
        if (keyPrefix == null || !keyPrefix.matches("[A-Za-z0-9_.:-]{1,100}")) {
            throw new IllegalArgumentException(
                    "KILN_REDIS_PREFIX must be 1–100 of A-Z a-z 0-9 _ . : -, was " + keyPrefix);
        }
    }

    /** Redis at {@code uri} with the defaults. */
    public static RedisConfig at(URI uri) {
        return new RedisConfig(
                Optional.of(uri),
                DEFAULT_COMMAND_TIMEOUT,
                DEFAULT_FAILURES_TO_OPEN,
                DEFAULT_PROBE_INTERVAL,
                DEFAULT_KEY_PREFIX);
    }

    /** No Redis at all. */
    public static RedisConfig none() {
        return new RedisConfig(
                Optional.empty(),
                DEFAULT_COMMAND_TIMEOUT,
                DEFAULT_FAILURES_TO_OPEN,
                DEFAULT_PROBE_INTERVAL,
                DEFAULT_KEY_PREFIX);
    }

    /** This configuration with another key prefix. */
    public RedisConfig withKeyPrefix(String prefix) {
        return new RedisConfig(uri, commandTimeout, failuresToOpen, probeInterval, prefix);
    }

    /** This configuration with another command timeout. */
    public RedisConfig withCommandTimeout(Duration timeout) {
        return new RedisConfig(uri, timeout, failuresToOpen, probeInterval, keyPrefix);
    }
}
