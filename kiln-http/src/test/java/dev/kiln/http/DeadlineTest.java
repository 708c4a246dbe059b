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

    static final PoolConfig ONE_WORKER =
            new PoolConfig(1, 4, Duration.ofMillis(10), Duration.ofMillis(300), Duration.ofSeconds(5));

    /** Generous bound for conditions that hold within milliseconds on an idle machine; never a timing claim. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    /**
     * The render never ends unless cancelled, so the only way to a 504 is the deadline: no wall-clock bound is
     * needed to prove the answer did not wait for the render (issue 10: bounds a loaded 2-core machine missed).
     */
    @Test
    void renderSlowerThanTheBudgetGets504AndIsCancelledAndFreesItsWorker() {
        GatedRenderer endless = new GatedRenderer(RenderEngine.create(RenderLimits.defaults()));
        try (TestServer server = TestServer.start(db.database(), ONE_WORKER, endless, TestServer.http())) {
            HttpResponse<byte[]> res = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "300"));
            assertThat(res.statusCode()).isEqualTo(504);
            assertThat(Problem.of(res).type()).endsWith("deadline-exceeded");
            // The render honoured cancellation, so its worker is free although the render itself never ends.
            await().atMost(PATIENCE).until(() -> server.pool.snapshot().running() == 0);
            assertThat(endless.cancelled.get()).isEqualTo(1);
            assertThat(endless.finished.get()).isEqualTo(1);
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
        // The first render ignores cancellation and holds its thread until the test lets it go.
        GatedRenderer stubborn = new GatedRenderer(
                RenderEngine.create(RenderLimits.defaults()), /* gated= */ 1, /* honoursCancel= */ false);
        try (TestServer server = TestServer.start(db.database(), ONE_WORKER, stubborn, TestServer.http())) {
            HttpResponse<byte[]> res = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "200"));
            assertThat(res.statusCode())
                    .as("answered while the render still runs")
                    .isEqualTo(504);
            assertThat(stubborn.finished.get()).isZero();
            // The render ignores cancellation: past deadline + grace its worker is abandoned and replaced (issue 11),
            // so the slot is free and the instance ready while the stuck thread goes on.
            await().atMost(PATIENCE).until(() -> server.pool.snapshot().abandoned() == 1);
            assertThat(server.pool.snapshot().running()).isZero();
            assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
            // The replacement worker serves while the stuck thread is still stuck.
            assertThat(server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "8000"))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(stubborn.finished.get())
                    .as("only the replacement's render ended")
                    .isEqualTo(1);

            stubborn.open(); // the stuck call finally returns; its thread exits instead of taking more work
            await().atMost(PATIENCE).until(() -> server.pool.snapshot().abandoned() == 0);
            assertThat(stubborn.finished.get()).isEqualTo(2);
        }
    }

    @Test
    void clientThatDisconnectsCancelsItsQueuedRender() throws Exception {
        // The first render holds the only worker until the test opens the gate, so the second stays queued for as
        // long as detecting the disconnect takes.
        GatedRenderer gated = new GatedRenderer(
                RenderEngine.create(RenderLimits.defaults()), /* gated= */ 1, /* honoursCancel= */ true);
        try (TestServer server = TestServer.start(db.database(), ONE_WORKER, gated, TestServer.http())) {
            CompletableFuture<HttpResponse<byte[]>> first =
                    CompletableFuture.supplyAsync(() -> server.post("/v1/renders", Docs.blue("png")));
            await().atMost(PATIENCE).until(() -> gated.started.get() == 1);

            String body = Docs.blue("png");
            try (Socket s = new Socket("127.0.0.1", server.server.port())) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/renders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + server.key
                                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                                + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                await().atMost(PATIENCE).until(() -> server.pool.snapshot().queued() == 1);
            } // the client hangs up while its render waits in the queue

            await().atMost(PATIENCE).until(() -> server.pool.snapshot().queued() == 0);
            gated.open();
            assertThat(first.get().statusCode()).isEqualTo(200);
            await().atMost(PATIENCE).until(() -> server.pool.snapshot().running() == 0);
            assertThat(gated.started.get()).as("the abandoned render never ran").isEqualTo(1);
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
