package dev.kiln.http;

import java.time.Duration;

/**
 * HTTP listener and request-budget settings.
 *
 * @param host address to bind
 * @param port TCP port; 0 picks a free one
 * @param maxBodyBytes largest accepted request body, in bytes (larger gets 413)
 * @param maxJsonDepth deepest JSON nesting accepted in a body
 * @param maxJsonStringLength longest JSON string value, in chars
 * @param maxJsonNumberLength longest JSON number literal, in chars
 * @param defaultTimeout request budget when the client sends no {@code X-Timeout-Ms}
 * @param maxTimeout largest budget a client may ask for; larger asks are clamped to it
 * @param drainTimeout how long SIGTERM waits for in-flight work before stopping anyway
 * @param warmUp longest time the request path is warmed before readiness turns true; zero for no warm-up
 */
public record HttpConfig(
        String host,
        int port,
        long maxBodyBytes,
        int maxJsonDepth,
        int maxJsonStringLength,
        int maxJsonNumberLength,
        Duration defaultTimeout,
        Duration maxTimeout,
        Duration drainTimeout,
        Duration warmUp) {

    /** Default bind address: loopback only, so a first start exposes nothing. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default port. */
    public static final int DEFAULT_PORT = 8080;
    /** Default body cap: 16 MiB (a 10 MiB Lottie or a 5 MiB SVG fits, escaped, with room). */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
    /** Default JSON depth cap: 64 levels; the scene format needs far fewer. */
    public static final int DEFAULT_MAX_JSON_DEPTH = 64;
    /** Default JSON string cap: 12 Mi chars (an SVG or data URI travels as one string). */
    public static final int DEFAULT_MAX_JSON_STRING_LENGTH = 12 * 1024 * 1024;
    /** Default JSON number cap: 64 chars. */
    public static final int DEFAULT_MAX_JSON_NUMBER_LENGTH = 64;
    /** Default request budget: 10 s (docs/capacity-model.md). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Default largest budget a client may ask for: 10 s; clients may only ask for less. */
    public static final Duration DEFAULT_MAX_TIMEOUT = Duration.ofSeconds(10);
    /** Default drain time on SIGTERM: the render pool's, 20 s; one constant, so the two cannot drift apart. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = dev.kiln.renderpool.PoolConfig.DEFAULT_DRAIN_TIMEOUT;
    /**
     * Default warm-up budget: 10 s at most (it usually ends sooner, once its requests are done), so a fresh replica
     * meets its first burst with compiled code (docs/capacity-model.md, "Warm-up").
     */
    public static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(10);

    public HttpConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("KILN_HOST must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("KILN_PORT must be 0–65535, was " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("KILN_MAX_BODY_BYTES must be at least 1024, was " + maxBodyBytes);
        }
        if (maxJsonDepth < 8 || maxJsonDepth > 1000) {
            throw new IllegalArgumentException("maxJsonDepth must be 8–1000, was " + maxJsonDepth);
        }
        if (maxJsonStringLength < 1024) {
            throw new IllegalArgumentException("maxJsonStringLength must be at least 1024, was " + maxJsonStringLength);
        }
        if (maxJsonNumberLength < 16) {
            throw new IllegalArgumentException("maxJsonNumberLength must be at least 16, was " + maxJsonNumberLength);
        }
        positive("KILN_REQUEST_TIMEOUT", defaultTimeout);
        positive("KILN_MAX_REQUEST_TIMEOUT", maxTimeout);
        positive("KILN_DRAIN_TIMEOUT", drainTimeout);
        if (warmUp == null || warmUp.isNegative()) {
            throw new IllegalArgumentException("KILN_WARM_UP must be zero or a positive duration, was " + warmUp);
        }
        if (defaultTimeout.compareTo(maxTimeout) > 0) {
            throw new IllegalArgumentException("KILN_REQUEST_TIMEOUT (" + defaultTimeout
                    + ") must not exceed KILN_MAX_REQUEST_TIMEOUT (" + maxTimeout + ")");
        }
    }

    /** All defaults, bound to {@code host:port}. */
    public static HttpConfig defaults(String host, int port) {
        return new HttpConfig(
                host,
                port,
                DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_JSON_DEPTH,
                DEFAULT_MAX_JSON_STRING_LENGTH,
                DEFAULT_MAX_JSON_NUMBER_LENGTH,
                DEFAULT_TIMEOUT,
                DEFAULT_MAX_TIMEOUT,
                DEFAULT_DRAIN_TIMEOUT,
                DEFAULT_WARM_UP);
    }

    /** This configuration with another warm-up budget ({@link Duration#ZERO}: none). */
    public HttpConfig withWarmUp(Duration budget) {
        return new HttpConfig(
                host,
                port,
                maxBodyBytes,
                maxJsonDepth,
                maxJsonStringLength,
                maxJsonNumberLength,
                defaultTimeout,
                maxTimeout,
                drainTimeout,
                budget);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }
}
