package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.cache.CacheConfig;
import dev.kiln.cache.CacheListener;
import dev.kiln.cache.ReadCache;
import dev.kiln.cache.Redis;
import dev.kiln.cache.RedisConfig;
import dev.kiln.cache.ratelimit.RateLimitPolicy;
import dev.kiln.cache.ratelimit.RateLimiter;
import dev.kiln.platform.Platform;
import dev.kiln.platform.generations.PlaceholderGenerationJobs;
import dev.kiln.platform.testing.CountingDataSource;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.renderpool.PoolConfig;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Through the cache, a repeated dashboard page or status read costs no SQL at all, and a write through the API
 * makes the next read load again (counted by the JDBC proxy under the platform).
 */
class CachedReadsStatementsTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static CountingDataSource counter;
    static TestServer server;
    static Redis noRedis;
    static ReadCache cache;

    @BeforeAll
    static void start() {
        counter = CountingDataSource.over(db.dataSource());
        noRedis = Redis.connect(RedisConfig.none());
        // In-flight entries live as long as settled ones here: the test counts statements, not TTLs, and with the
        // default 1 s its queued generation's entries expired between two reads on a loaded machine (1 failure).
        CacheConfig d = CacheConfig.defaults();
        cache = ReadCache.tiered(
                new CacheConfig(
                        d.settledL1(),
                        d.volatileL2(),
                        d.settledL1(),
                        d.settledL2(),
                        d.maxGroups(),
                        d.maxFieldsPerGroup()),
                noRedis,
                CacheListener.NONE,
                com.github.benmanes.caffeine.cache.Ticker.systemTicker());
        ReadPath readPath = new ReadPath(cache, RateLimitPolicy.NONE, RateLimiter.local(System::nanoTime));
        server = TestServer.start(
                db.database(),
                new PoolConfig(2, 8, Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(5)),
                RenderEngine.create(RenderLimits.defaults()),
                TestServer.http(),
                Platform.create(counter.dataSource(), new PlaceholderGenerationJobs(), new CacheGroups(cache)),
                readPath);
    }

    @AfterAll
    static void stop() {
        server.close();
        cache.close();
        noRedis.close();
    }

    @Test
    void repeatedReadsCostNoStatementsAndAWriteMakesTheNextOneLoad() throws Exception {
        String key = server.newUserKey("cached");
        long project = DashboardTest.json(server.call(key, "POST", "/v1/projects", "{\"name\":\"a\"}", Map.of()))
                .get("id")
                .asLong();
        String scene = "{\"name\":\"s\",\"document\":" + PlatformApiTest.SCENE_DOC + "}";
        long sceneId = DashboardTest.json(
                        server.call(key, "POST", "/v1/projects/" + project + "/scenes", scene, Map.of()))
                .get("id")
                .asLong();
        HttpResponse<byte[]> submitted =
                server.call(key, "POST", "/v1/scenes/" + sceneId + "/generations", "{}", Map.of());
        String status = submitted.headers().firstValue("Location").orElseThrow();

        assertThat(statements(key, "/v1/dashboard"))
                .as("first read loads, in one statement")
                .isEqualTo(1);
        assertThat(statements(key, status)).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            assertThat(statements(key, "/v1/dashboard")).as("cached").isZero();
            assertThat(statements(key, status)).as("cached").isZero();
        }
        assertThat(server.call(key, "POST", status + "/cancel", null, Map.of()).statusCode())
                .isEqualTo(200);
        counter.reset();
        HttpResponse<byte[]> after = server.call(key, "GET", status, null, Map.of());
        assertThat(DashboardTest.json(after).get("status").asText()).isEqualTo("canceled");
        assertThat(counter.count()).as("the cancel invalidated it").isEqualTo(1);
        assertThat(statements(key, "/v1/dashboard"))
                .as("and the owner's dashboard")
                .isEqualTo(1);
        assertThat(DashboardTest.json(server.call(key, "GET", "/v1/dashboard", null, Map.of()))
                        .at("/items/0/scenes/0/latestGeneration/status")
                        .asText())
                .isEqualTo("canceled");
    }

    private static long statements(String key, String path) {
        counter.reset();
        assertThat(server.call(key, "GET", path, null, Map.of()).statusCode()).isEqualTo(200);
        return counter.count();
    }
}
