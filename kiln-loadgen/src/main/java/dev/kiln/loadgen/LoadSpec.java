package dev.kiln.loadgen;

import dev.kiln.ops.Durations;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What to send, where, and how hard: a validated description of one load run.
 *
 * @param mode how requests are paced
 * @param target the full URL every request goes to; its host must be a loopback address
 * @param method the HTTP method
 * @param body the request body sent with {@code Content-Type: application/json}, or {@code null} for none
 * @param apiKey sent as {@code Authorization: Bearer <apiKey>}, or {@code null} for no such header
 * @param headers extra request headers
 * @param ratePerSecond the constant arrival rate ({@link Mode#OPEN} only)
 * @param duration the measured period ({@link Mode#OPEN} and {@link Mode#SATURATE})
 * @param warmup a period run before the measured one whose results are discarded
 * @param requests the number of measured requests ({@link Mode#SEQUENTIAL} only)
 * @param concurrency the number of closed-loop clients ({@link Mode#SATURATE} only)
 * @param requestTimeout the client-side limit on one request, so that every run ends
 * @param maxOutstanding the cap on requests in flight ({@link Mode#OPEN}); sends beyond it count as dropped
 * @param targets the URLs requests rotate over, request {@code i} going to {@code targets[i % size]} (a polling storm
 *     over many generations); {@code target} alone when empty, else {@code target} is its first
 */
record LoadSpec(
        Mode mode,
        URI target,
        String method,
        String body,
        String apiKey,
        Map<String, String> headers,
        double ratePerSecond,
        Duration duration,
        Duration warmup,
        int requests,
        int concurrency,
        Duration requestTimeout,
        int maxOutstanding,
        List<URI> targets) {

    /** Default client-side timeout of one request. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Default cap on requests in flight in the open model. */
    public static final int DEFAULT_MAX_OUTSTANDING = 10_000;
    /** Default measured period. */
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);
    /** Default warm-up period: none. */
    public static final Duration DEFAULT_WARMUP = Duration.ZERO;
    /** Default number of requests in sequential mode. */
    public static final int DEFAULT_REQUESTS = 100;
    /** Default number of closed-loop clients in saturate mode. */
    public static final int DEFAULT_CONCURRENCY = 8;

    /** Upper bound on the arrival rate, requests per second; beyond it one scheduler thread cannot keep time. */
    static final double MAX_RATE_PER_SECOND = 100_000;
    /** Upper bound on the requests one run may schedule, so that a typo cannot start an endless run. */
    static final long MAX_SCHEDULED_REQUESTS = 10_000_000;
    /** Upper bound on the run's periods. */
    static final Duration MAX_PERIOD = Duration.ofHours(24);
    /** Upper bound on one request's timeout. */
    static final Duration MAX_REQUEST_TIMEOUT = Duration.ofMinutes(10);
    /** Upper bound on closed-loop clients and outstanding requests. */
    static final int MAX_CLIENTS = 100_000;

    /** How requests are paced. */
    public enum Mode {
        /** Open model: requests start at a constant rate whatever the service does; latency from intended time. */
        OPEN,
        /** One client, one request after another: single-client throughput. */
        SEQUENTIAL,
        /** Closed loop with a fixed number of clients for a duration: saturation throughput. */
        SATURATE;

        /** Parses a mode name case-insensitively. */
        public static Mode parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mode must be open, sequential or saturate, was '" + name + "'", e);
            }
        }
    }

    /** Validates every setting; messages name the setting. */
    public LoadSpec {
        Objects.requireNonNull(mode, "mode");
        requireLoopback(target);
        targets = targets == null || targets.isEmpty() ? List.of(target) : List.copyOf(targets);
        if (!targets.getFirst().equals(target)) {
            throw new IllegalArgumentException("target must be the first of targets");
        }
        targets.forEach(LoadSpec::requireLoopback);
        if (method == null || !method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("method must be an upper-case HTTP method, was " + method);
        }
        if (apiKey != null && (apiKey.isBlank() || apiKey.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("key must be non-blank without control characters");
        }
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        requireBetween("warmup", warmup, Duration.ZERO, MAX_PERIOD);
        requireBetween("timeout", requestTimeout, Duration.ofMillis(1), MAX_REQUEST_TIMEOUT);
        if (maxOutstanding < 1 || maxOutstanding > MAX_CLIENTS) {
            throw new IllegalArgumentException(
                    "max-outstanding must be in [1, " + MAX_CLIENTS + "], was " + maxOutstanding);
        }
        switch (mode) {
            case OPEN -> {
                if (!(ratePerSecond > 0) || ratePerSecond > MAX_RATE_PER_SECOND) {
                    throw new IllegalArgumentException(
                            "rate must be in (0, " + (long) MAX_RATE_PER_SECOND + "] requests/s, was " + ratePerSecond);
                }
                requireBetween("duration", duration, Duration.ofMillis(1), MAX_PERIOD);
                double scheduled = seconds(duration.plus(warmup)) * ratePerSecond;
                if (scheduled > MAX_SCHEDULED_REQUESTS) {
                    throw new IllegalArgumentException("rate × (warmup + duration) must be at most "
                            + MAX_SCHEDULED_REQUESTS + " requests, was " + (long) scheduled);
                }
            }
            case SEQUENTIAL -> {
                if (requests < 1 || requests > MAX_SCHEDULED_REQUESTS) {
                    throw new IllegalArgumentException(
                            "requests must be in [1, " + MAX_SCHEDULED_REQUESTS + "], was " + requests);
                }
            }
            case SATURATE -> {
                if (concurrency < 1 || concurrency > MAX_CLIENTS) {
                    throw new IllegalArgumentException(
                            "concurrency must be in [1, " + MAX_CLIENTS + "], was " + concurrency);
                }
                requireBetween("duration", duration, Duration.ofMillis(1), MAX_PERIOD);
            }
        }
    }

    /** A builder with the defaults above, aimed at {@code target}. */
    public static Builder builder(URI target) {
        return new Builder(target);
    }

    /**
     * Rejects every target whose host is not a loopback literal or {@code localhost}: load is only ever sent to this
     * machine. Host names other than {@code localhost} are refused without a DNS lookup.
     */
    static void requireLoopback(URI target) {
        Objects.requireNonNull(target, "target");
        String scheme = target.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("url must be http:// or https://, was " + target);
        }
        String host = target.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("url has no host: " + target);
        }
        if (!isLoopbackHost(host)) {
            throw new IllegalArgumentException(
                    "url host '" + host + "' is not loopback: load may only target 127.0.0.0/8, localhost or ::1");
        }
    }

    private static boolean isLoopbackHost(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return localhostIsLoopback();
        }
        try {
            return InetAddress.ofLiteral(bare).isLoopbackAddress();
        } catch (IllegalArgumentException notALiteral) {
            return false;
        }
    }

    /** Guards against a hosts file that maps {@code localhost} elsewhere; resolved locally, not by DNS. */
    private static boolean localhostIsLoopback() {
        try {
            InetAddress[] addresses = InetAddress.getAllByName("localhost");
            return addresses.length > 0 && Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void requireBetween(String setting, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(setting + " must be in [" + Durations.format(min) + ", "
                    + Durations.format(max) + "], was " + Durations.format(value));
        }
    }

    static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** Keeps the API key out of logs. */
    @Override
    public String toString() {
        return "LoadSpec[mode=" + mode + ", target=" + target + ", method=" + method + ", body="
                + (body == null ? "none" : body.length() + " chars") + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", headers=" + headers.keySet() + ", ratePerSecond=" + ratePerSecond + ", duration=" + duration
                + ", warmup=" + warmup + ", requests=" + requests + ", concurrency=" + concurrency
                + ", requestTimeout=" + requestTimeout + ", maxOutstanding=" + maxOutstanding + ", targets="
                + targets.size() + "]";
    }

    /** Fluent construction of a {@link LoadSpec}; {@link #build()} validates. */
    public static final class Builder {
        private final URI target;
        private Mode mode = Mode.OPEN;
        private String method = "POST";
        private String body;
        private String apiKey;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private double ratePerSecond;
        private Duration duration = DEFAULT_DURATION;
        private Duration warmup = DEFAULT_WARMUP;
        private int requests = DEFAULT_REQUESTS;
        private int concurrency = DEFAULT_CONCURRENCY;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxOutstanding = DEFAULT_MAX_OUTSTANDING;
        private List<URI> targets = List.of();

        private Builder(URI target) {
            this.target = target;
        }

        /** Sets the pacing mode. */
        public Builder mode(Mode value) {
            this.mode = value;
            return this;
        }

        /** Sets the HTTP method (default POST). */
        public Builder method(String value) {
            this.method = value;
            return this;
        }

        /** Sets the JSON body, or {@code null} for none. */
        public Builder body(String value) {
            this.body = value;
            return this;
        }

        /** Sets the API key sent as a bearer token. */
        public Builder apiKey(String value) {
            this.apiKey = value;
            return this;
        }

        /** Adds one request header. */
        public Builder header(String name, String value) {
            this.headers.put(name, value);
            return this;
        }

        /** Sets the open-model arrival rate in requests per second. */
        public Builder ratePerSecond(double value) {
            this.ratePerSecond = value;
            return this;
        }

        /** Sets the measured period. */
        public Builder duration(Duration value) {
            this.duration = value;
            return this;
        }

        /** Sets the discarded warm-up period. */
        public Builder warmup(Duration value) {
            this.warmup = value;
            return this;
        }

        /** Sets the number of measured requests in sequential mode. */
        public Builder requests(int value) {
            this.requests = value;
            return this;
        }

        /** Sets the number of closed-loop clients in saturate mode. */
        public Builder concurrency(int value) {
            this.concurrency = value;
            return this;
        }

        /** Sets the client-side timeout of one request. */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        /** Sets the cap on requests in flight in the open model. */
        public Builder maxOutstanding(int value) {
            this.maxOutstanding = value;
            return this;
        }

        /** Sets the URLs requests rotate over; the builder's target must be the first. */
        public Builder targets(List<URI> value) {
            this.targets = List.copyOf(value);
            return this;
        }

        /** Validates and builds the spec. */
        public LoadSpec build() {
            return new LoadSpec(
                    mode,
                    target,
                    method,
                    body,
                    apiKey,
                    headers,
                    ratePerSecond,
                    duration,
                    warmup,
                    requests,
                    concurrency,
                    requestTimeout,
                    maxOutstanding,
                    targets);
        }
    }
}
