package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.renderpool.PoolConfig;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The overload scenario against the real server: 2 workers, queue 4, 50 requests at once. */
class OverloadTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    /**
     * Budget per request: the largest, so that a loaded machine slows renders without turning them into 504s. How
     * fast the answers come is measured by the benchmarks (BENCHMARKS.md), not asserted here: wall-clock bounds
     * are what a shared 2-core machine misses (issue 10).
     */
    static final Duration BUDGET = HttpConfig.DEFAULT_MAX_TIMEOUT;

    record Result(int status, byte[] body, String retryAfter) {}

    @Test
    void fiftyAtOnceEachEndsAs200WithCorrectImageOr429AndTheServerRecovers() throws Exception {
        // 150 ms per render: long enough that 50 arrivals overrun 2 workers + 4 queue slots.
        SlowRenderer renderer =
                new SlowRenderer(RenderEngine.create(RenderLimits.defaults()), Duration.ofMillis(150), true);
        PoolConfig pool = new PoolConfig(2, 4, Duration.ofMillis(150), Duration.ofMillis(500), Duration.ofSeconds(5));
        HttpConfig http = TestServer.http();
        try (TestServer server = TestServer.start(db.database(), pool, renderer, http);
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            byte[] reference = server.post("/v1/renders", Docs.blue("png")).body();
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<Result>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                futures.add(clients.submit(() -> {
                    gate.await();
                    HttpResponse<byte[]> res = server.post(
                            "/v1/renders",
                            Docs.blue("png"),
                            java.util.Map.of("X-Timeout-Ms", Long.toString(BUDGET.toMillis())));
                    return new Result(
                            res.statusCode(),
                            res.body(),
                            res.headers().firstValue("Retry-After").orElse(null));
                }));
            }
            gate.countDown();
            List<Result> results = new ArrayList<>();
            for (Future<Result> f : futures) {
                results.add(f.get());
            }

            long ok = results.stream().filter(r -> r.status() == 200).count();
            long rejected = results.stream().filter(r -> r.status() == 429).count();
            assertThat(ok + rejected).as("every request ends as 200 or 429").isEqualTo(50);
            assertThat(ok).as("the workers and queue were used").isGreaterThanOrEqualTo(6);
            assertThat(rejected)
                    .as("overload was rejected, not queued without bound")
                    .isGreaterThan(0);
            for (Result r : results) {
                if (r.status() == 200) {
                    assertThat(r.body()).as("every 200 is the correct image").isEqualTo(reference);
                    BufferedImage img = RenderApiTest.decode(r.body());
                    assertThat(img.getWidth()).isEqualTo(120);
                } else {
                    assertThat(r.retryAfter()).as("429 carries Retry-After").isNotNull();
                    assertThat(Long.parseLong(r.retryAfter())).isPositive();
                }
            }
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> server.get("/readyz").statusCode() == 200);
            HttpResponse<byte[]> after = server.post("/v1/renders", Docs.blue("png"));
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).isEqualTo(reference);
            assertThat(server.pool.snapshot().running()).isZero();
            assertThat(server.pool.snapshot().queued()).isZero();
        }
    }
}
