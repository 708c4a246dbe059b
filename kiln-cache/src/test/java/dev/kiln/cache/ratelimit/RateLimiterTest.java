package dev.kiln.cache.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.cache.Redis;
import dev.kiln.cache.RedisConfig;
import dev.kiln.cache.testing.OwnRedis;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** GCRA in process on a driven clock, in Redis shared by two instances, and the fallback while Redis is gone. */
class RateLimiterTest {
    static final URI SHARED = URI.create("redis://127.0.0.1:6379/3");

    @Test
    void localAllowsTheLimitThenRefusesUntilOneIntervalPasses() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        RateLimiter limiter = RateLimiter.local(now::get);
        RateLimit limit = new RateLimit(5, Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            Decision d = limiter.acquire("u", limit);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(4 - i);
        }
        Decision refused = limiter.acquire("u", limit);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(refused.reset()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limiter.acquire("other", limit).allowed())
                .as("quotas are per key")
                .isTrue();

        now.addAndGet(Duration.ofSeconds(2).toNanos() - 1);
        assertThat(limiter.acquire("u", limit).allowed()).isFalse();
        now.addAndGet(1);
        Decision again = limiter.acquire("u", limit);
        assertThat(again.allowed()).isTrue();
        assertThat(again.remaining()).isZero();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(limiter.acquire("u", limit).remaining())
                .as("a quiet window restores the burst")
                .isEqualTo(4);
    }

    @Test
    void redisSharesOneQuotaBetweenInstances() {
        String prefix = "rlt-" + UUID.randomUUID().toString().substring(0, 8);
        try (Redis one = Redis.connect(RedisConfig.at(SHARED).withKeyPrefix(prefix));
                Redis two = Redis.connect(RedisConfig.at(SHARED).withKeyPrefix(prefix))) {
            RateLimiter a = RateLimiter.shared(one, System::nanoTime);
            RateLimiter b = RateLimiter.shared(two, System::nanoTime);
            RateLimit limit = new RateLimit(6, Duration.ofMinutes(10));
            for (int i = 0; i < 3; i++) {
                assertThat(a.acquire("user:1", limit).allowed()).isTrue();
                Decision d = b.acquire("user:1", limit);
                assertThat(d.allowed()).isTrue();
                assertThat(d.enforcer()).isEqualTo("redis");
            }
            Decision refused = a.acquire("user:1", limit);
            assertThat(refused.allowed()).as("six between them, not six each").isFalse();
            assertThat(refused.enforcer()).isEqualTo("redis");
            assertThat(refused.retryAfter())
                    .isGreaterThan(Duration.ofSeconds(90))
                    .isLessThanOrEqualTo(Duration.ofSeconds(100));
        }
    }

    @Test
    void withRedisGoneEachInstanceEnforcesTheLimitByItself() throws Exception {
        try (OwnRedis own = OwnRedis.start(18215)) {
            Redis link = Redis.connect(RedisConfig.at(own.uri()).withKeyPrefix("rlt"));
            try {
                RateLimiter limiter = RateLimiter.shared(link, System::nanoTime);
                RateLimit limit = new RateLimit(3, Duration.ofMinutes(10));
                // A loaded machine can miss the 100 ms command timeout now and then, and that request is then decided
                // locally, by design: wait for a decision by Redis (each probe on a key of its own) rather than
                // assume the first one is.
                java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
                Awaitility.await("a decision by Redis")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> limiter.acquire("probe:" + probes.incrementAndGet(), limit)
                                .enforcer()
                                .equals("redis"));
                own.stop();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> link.state() == Redis.State.OPEN);
                for (int i = 0; i < 3; i++) {
                    Decision d = limiter.acquire("user:9", limit);
                    assertThat(d.allowed()).isTrue();
                    assertThat(d.enforcer()).isEqualTo("local");
                }
                assertThat(limiter.acquire("user:9", limit).allowed()).isFalse();
                own.start();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> link.state() == Redis.State.CLOSED);
                Awaitility.await("back on the shared quota by itself")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> limiter.acquire("probe:" + probes.incrementAndGet(), limit)
                                .enforcer()
                                .equals("redis"));
            } finally {
                link.close();
            }
        }
    }
}
