package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.cache.ReadCache;
import dev.kiln.cache.ratelimit.RateLimit;
import dev.kiln.cache.ratelimit.RateLimitPolicy;
import dev.kiln.cache.ratelimit.RateLimiter;
import dev.kiln.platform.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-user rate limits at the HTTP door: RateLimit-* headers on every answer, then 429 with Retry-After. */
class RateLimitTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** The limiter's clock, driven by the test: no request depends on wall-clock luck. */
    static final AtomicLong NOW = new AtomicLong(1_000_000_000_000L);

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                db.database(),
                new ReadPath(
                        ReadCache.NONE,
                        RateLimitPolicy.perUser(new RateLimit(5, Duration.ofSeconds(60))),
                        RateLimiter.local(NOW::get)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void headersCountDownThenA429WithRetryAfter() throws Exception {
        String key = server.newUserKey("limited");
        for (int i = 0; i < 5; i++) {
            HttpResponse<byte[]> r = server.call(key, "GET", "/v1/projects", null, Map.of());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("RateLimit-Limit")).hasValue("5");
            assertThat(r.headers().firstValue("RateLimit-Remaining")).hasValue(Integer.toString(4 - i));
            assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("5;w=60");
            assertThat(r.headers().firstValue("RateLimit-Reset")).isPresent();
        }
        HttpResponse<byte[]> refused = server.call(key, "GET", "/v1/dashboard", null, Map.of());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("12");
        assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        Problem p = Problem.of(refused);
        assertThat(p.type()).endsWith("rate-limited");
        assertThat(p.status()).isEqualTo(429);

        String other = server.newUserKey("not-limited-yet");
        assertThat(server.call(other, "GET", "/v1/projects", null, Map.of()).statusCode())
                .as("another user's quota is untouched")
                .isEqualTo(200);
        assertThat(server.send(java.net.http.HttpRequest.newBuilder(server.base.resolve("/healthz"))
                                .GET()
                                .build())
                        .statusCode())
                .as("probes are not limited")
                .isEqualTo(200);

        NOW.addAndGet(Duration.ofSeconds(12).toNanos());
        assertThat(server.call(key, "GET", "/v1/projects", null, Map.of()).statusCode())
                .as("one request every 12 s on average")
                .isEqualTo(200);
        assertThat(server.call(key, "GET", "/v1/projects", null, Map.of()).statusCode())
                .isEqualTo(429);
        assertThat(server.metrics.scrape()).contains("kiln_rate_limited_total{enforcer=\"local\"}");
    }
}
