package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.cache.Redis;
import dev.kiln.cache.testing.OwnRedis;
import dev.kiln.ops.MetricNames;
import dev.kiln.platform.testing.TestDatabase;
import io.micrometer.core.instrument.Counter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kiln on a private {@code redis-server} (ports 18220–18222) that the test stops, pauses and starts late: the API keeps
 * answering without waiting on Redis, and uses Redis again by itself when it is back, without a restart.
 */
class RedisFailureTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    /**
     * Longest a request may take while Redis is gone or stalled: over ten command timeouts (100 ms), so a loaded
     * machine's scheduling cannot fail it, and far below a hang (a stalled Redis answers nothing until resumed).
     */
    static final Duration BOUND = Duration.ofSeconds(3);

    static Map<String, String> env(int redisPort, String prefix, String role) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_HOME", Files.createTempDirectory("kiln-home").toString());
        env.put("KILN_RENDER_WORKERS", "1");
        env.put("KILN_ROLE", role);
        env.put("KILN_REDIS_URL", "redis://127.0.0.1:" + redisPort);
        env.put("KILN_REDIS_PREFIX", prefix);
        env.put("KILN_RATE_LIMIT", "0"); // these tests poll as fast as they can
        return env;
    }

    static double l2Hits(Wiring w) {
        Counter c = w.metrics
                .registry()
                .find(MetricNames.CACHE_REQUESTS)
                .tag(MetricNames.TAG_LAYER, "l2")
                .tag(MetricNames.TAG_RESULT, "hit")
                .counter();
        return c == null ? 0 : c.count();
    }

    /** {@code path} as {@code key}, answered 200 within {@link #BOUND}. */
    static void answers(Wiring w, String key, String path) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = ReadPathTest.call(w, key, "GET", path, null, Map.of());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(took).as(path).isLessThan(BOUND);
    }

    /**
     * Five renames of {@code project} through {@code w}, each read back from its dashboard, every call answered within
     * {@link #BOUND}: writes invalidate through Redis and the reads that follow miss L1, so Redis is asked every time
     * until the breaker opens.
     */
    static void renamesAndReadsWithinBound(Wiring w, String key, long project, String prefix) throws Exception {
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            String name = "{\"name\":\"" + prefix + i + "\"}";
            assertThat(ReadPathTest.call(w, key, "PATCH", "/v1/projects/" + project, name, Map.of())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(BOUND);
            long t1 = System.nanoTime();
            assertThat(ReadPathTest.json(ReadPathTest.call(w, key, "GET", "/v1/dashboard", null, Map.of()), 200)
                            .at("/items/0/name")
                            .textValue())
                    .isEqualTo(prefix + i);
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(BOUND);
        }
    }

    @Test
    void stoppedThenPausedRedisNeverStallsTheApiAndL2HitsResumeByThemselves() throws Exception {
        String prefix = "rft-" + UUID.randomUUID().toString().substring(0, 8);
        try (OwnRedis own = OwnRedis.start(18220)) {
            Wiring a = Wiring.start(KilnConfig.from(new Settings(env(18220, prefix, "api"))));
            Wiring b = Wiring.start(KilnConfig.from(new Settings(env(18220, prefix, "api"))));
            try {
                String key = a.apiKeys.create("failure").token();
                long project = ReadPathTest.json(
                                ReadPathTest.call(a, key, "POST", "/v1/projects", "{\"name\":\"p\"}", Map.of()), 201)
                        .get("id")
                        .longValue();
                answers(a, key, "/v1/dashboard");
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                    answers(b, key, "/v1/dashboard");
                    return l2Hits(b) > 0;
                });

                own.stop();
                for (int i = 0; i < 20; i++) {
                    answers(a, key, "/v1/dashboard");
                    answers(b, key, "/v1/projects/" + project);
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> a.redis.state() == Redis.State.OPEN);
                // A write while Redis is away still reaches the other instance's reads once Redis is back.
                assertThat(ReadPathTest.call(
                                        a, key, "PATCH", "/v1/projects/" + project, "{\"name\":\"renamed\"}", Map.of())
                                .statusCode())
                        .isEqualTo(200);

                own.start();
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> a.redis.state() == Redis.State.CLOSED && b.redis.state() == Redis.State.CLOSED);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ReadPathTest.json(
                                ReadPathTest.call(b, key, "GET", "/v1/dashboard", null, Map.of()), 200)
                        .at("/items/0/name")
                        .textValue()
                        .equals("renamed"));
                double before = l2Hits(a);
                // b loaded the page after recovery and wrote it back; a's L1 was dropped on recovery, so its next
                // read is an L2 hit: Redis is in use again without a restart.
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                    answers(b, key, "/v1/dashboard");
                    answers(a, key, "/v1/dashboard");
                    return l2Hits(a) > before;
                });

                // Stalled until resume(): every answer below that arrives did not wait for Redis.
                own.stall();
                try {
                    renamesAndReadsWithinBound(a, key, project, "paused-");
                    assertThat(a.redis.state()).isEqualTo(Redis.State.OPEN);
                } finally {
                    own.resume();
                }
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.redis.state() == Redis.State.CLOSED);

                // CLIENT PAUSE, the other way a Redis stalls: the server is up and takes connections but runs no
                // command. It cannot be lifted early, so it lasts far longer than the requests below, and the test
                // stops the server while it is still paused: every answer below came while Redis ran nothing.
                own.pause(Duration.ofMinutes(2));
                renamesAndReadsWithinBound(a, key, project, "client-paused-");
                answers(b, key, "/v1/projects/" + project);
                assertThat(a.redis.state()).isEqualTo(Redis.State.OPEN);
                own.stop();
            } finally {
                b.drainAndClose();
                a.drainAndClose();
            }
        }
    }

    @Test
    void startsWithoutRedisAndConnectsWhenItAppears() throws Exception {
        String prefix = "rft-" + UUID.randomUUID().toString().substring(0, 8);
        Wiring a = Wiring.start(KilnConfig.from(new Settings(env(18222, prefix, "api"))));
        try {
            assertThat(a.redis.state()).isEqualTo(Redis.State.OPEN);
            String key = a.apiKeys.create("late").token();
            // The first request of a fresh JVM loads classes for seconds on a busy machine: warm up untimed.
            assertThat(ReadPathTest.call(a, key, "GET", "/v1/dashboard", null, Map.of())
                            .statusCode())
                    .isEqualTo(200);
            answers(a, key, "/v1/dashboard");
            try (OwnRedis own = OwnRedis.start(18222)) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.redis.state() == Redis.State.CLOSED);
                answers(a, key, "/v1/dashboard");
                // The first user's dashboard may still be in L1 from before Redis appeared, and then nothing is
                // written: a user who first asks now misses L1 for certain, and its load is written to L2 (it may
                // be written after the answer, so wait for it rather than race it).
                String late = a.apiKeys.create("after-redis").token();
                answers(a, late, "/v1/dashboard");
                Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(own.command("DBSIZE"))
                        .as("Kiln wrote to the Redis that appeared")
                        .isNotEqualTo(":0"));
            }
        } finally {
            a.drainAndClose();
        }
    }
}
