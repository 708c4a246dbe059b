package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.renderpool.PoolConfig;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Request budgets, cooperative cancellation, wedged renders and client disconnects. */
class DeadlineTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    /** Scheduling slack on a shared 2-core machine. */
    static final Duration GRACE = Duration.ofMillis(1500);

    static final PoolConfig ONE_WORKER =
            new PoolConfig(1, 4, Duration.ofMillis(10), Duration.ofMillis(300), Duration.ofSeconds(5));

    @Test
    void renderSlowerThanTheBudgetGets504WithinBudgetPlusGraceAndFreesItsWorker() {
        SlowRenderer slow = new SlowRenderer(RenderEngine.create(RenderLimits.defaults()), Duration.ofSeconds(5), true);
        try (TestServer server =
                TestServer.start(db.database(), ONE_WORKER, slow, HttpConfig.defaults("127.0.0.1", 0))) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> res = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "300"));
            long took = System.nanoTime() - t0;
            assertThat(res.statusCode()).isEqualTo(504);
            assertThat(Problem.of(res).type()).endsWith("deadline-exceeded");
            assertThat(took).isLessThan(Duration.ofMillis(300).plus(GRACE).toNanos());
            // The render honoured cancellation, so its worker is free long before the 5 s it would take.
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> server.pool.snapshot().running() == 0);
            assertThat(slow.finished.get()).isEqualTo(1);
        }
    }

    @Test
    void invalidTimeoutHeaderIs400() {
        try (TestServer server = TestServer.start(db.database())) {
            HttpResponse<byte[]> res = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "soon"));
            assertThat(res.statusCode()).isEqualTo(400);
            Problem.of(res);
        }
    }

    @Test
    void wedgedRenderIsAbandonedAndReplacedOnceItsGraceIsOver() {
        SlowRenderer stubborn =
                new SlowRenderer(RenderEngine.create(RenderLimits.defaults()), Duration.ofMillis(2500), false);
        try (TestServer server =
                TestServer.start(db.database(), ONE_WORKER, stubborn, HttpConfig.defaults("127.0.0.1", 0))) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> res = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "200"));
            assertThat(res.statusCode()).isEqualTo(504);
            assertThat(System.nanoTime() - t0)
                    .isLessThan(Duration.ofMillis(200).plus(GRACE).toNanos());
            // The render ignores cancellation: past deadline + grace its worker is abandoned and replaced (issue 11),
            // so the slot is free and the instance ready while the stuck thread finishes on its own.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.pool.snapshot().abandoned() == 1);
            assertThat(server.pool.snapshot().running()).isZero();
            assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
            // The replacement worker serves; this render too takes the renderer's 2.5 s, well inside its budget.
            assertThat(server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "8000"))
                            .statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> server.pool.snapshot().abandoned() == 0);
            assertThat(stubborn.finished.get()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void clientThatDisconnectsCancelsItsQueuedRender() throws Exception {
        SlowRenderer slow =
                new SlowRenderer(RenderEngine.create(RenderLimits.defaults()), Duration.ofMillis(1500), true);
        try (TestServer server =
                TestServer.start(db.database(), ONE_WORKER, slow, HttpConfig.defaults("127.0.0.1", 0))) {
            CompletableFuture<HttpResponse<byte[]>> first =
                    CompletableFuture.supplyAsync(() -> server.post("/v1/renders", Docs.blue("png")));
            await().atMost(Duration.ofSeconds(5)).until(() -> slow.started.get() == 1);

            String body = Docs.blue("png");
            try (Socket s = new Socket("127.0.0.1", server.server.port())) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/renders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + server.key
                                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                                + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> server.pool.snapshot().queued() == 1);
            } // the client hangs up while its render waits in the queue

            await().atMost(Duration.ofSeconds(3))
                    .until(() -> server.pool.snapshot().queued() == 0);
            assertThat(first.get().statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> server.pool.snapshot().running() == 0);
            assertThat(slow.started.get()).as("the abandoned render never ran").isEqualTo(1);
        }
    }

    /** Regression: cost was pixels alone, so tiny renders made a card look seconds long and get 429. */
    @Test
    void tinyRendersMustNotInflateTheEstimateForLargeOnes() {
        try (TestServer server = TestServer.start(db.database())) {
            String tiny = Docs.svgRender("<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>", "png");
            for (int i = 0; i < 50; i++) {
                assertThat(server.post("/v1/renders", tiny).statusCode()).isEqualTo(200);
            }
            // A 2400×1260 render with a 10 s budget. With the bug, the estimate learnt from 4×4 renders predicted
            // minutes for it and admission refused it (429) whatever the budget; rendering it takes well under a
            // second on an idle pool, and a budget this wide cannot turn a loaded machine into a false failure.
            HttpResponse<byte[]> big = server.post("/v1/renders", Docs.heavyCard(), Map.of("X-Timeout-Ms", "10000"));
            assertThat(big.statusCode())
                    .as(new String(big.body(), StandardCharsets.UTF_8))
                    .isEqualTo(200);
        }
    }
}
