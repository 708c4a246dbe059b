package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.renderpool.PoolConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10: a document whose render alone takes longer than the request's budget got 429 "retry after 1 s", which
 * no retry could help. Now that is a 504 {@code budget-too-small} at once, and 429 stays for a queue too long.
 */
class BudgetTooSmallTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    /** {@link Docs#blue} costs 120 × 60 pixels plus the fixed part. */
    static final long BLUE_COST = 120 * 60 + dev.kiln.render.PreparedRender.FIXED_COST_UNITS;

    /** Seeds the estimate so that {@link Docs#blue} is predicted to take 1 s; no render completes to move it. */
    static final PoolConfig ONE_SECOND_BLUE = new PoolConfig(
            1,
            4,
            Duration.ofNanos(Math.round(1e9 * PoolConfig.REFERENCE_COST_UNITS / BLUE_COST)),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));

    @Test
    void aBudgetSmallerThanTheRenderItselfIs504AtOnceOnAnIdleServer() {
        GatedRenderer renderer = new GatedRenderer(RenderEngine.create(RenderLimits.defaults()));
        try (TestServer server = TestServer.start(db.database(), ONE_SECOND_BLUE, renderer, TestServer.http())) {
            HttpResponse<byte[]> res = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "700"));

            assertThat(res.statusCode()).isEqualTo(504);
            Problem problem = Problem.of(res);
            assertThat(problem.type()).isEqualTo("urn:kiln:problem:budget-too-small");
            assertThat(problem.detail())
                    .contains("budget is too small for this document")
                    .contains("about 1000 ms")
                    .contains("700 ms budget")
                    .contains("raise X-Timeout-Ms (up to 10000 ms)")
                    .contains("generation job");
            assertThat(res.headers().firstValue("Retry-After"))
                    .as("retrying cannot help, so no Retry-After")
                    .isEmpty();
            assertThat(renderer.started.get()).as("refused before any render").isZero();
            assertThat(server.pool.snapshot().running() + server.pool.snapshot().queued())
                    .isZero();

            // The advice holds: the same document with a budget larger than its render is served.
            renderer.open();
            HttpResponse<byte[]> raised = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "5000"));
            assertThat(raised.statusCode())
                    .as(new String(raised.body(), StandardCharsets.UTF_8))
                    .isEqualTo(200);
            assertThat(new String(server.get("/metrics").body(), StandardCharsets.UTF_8))
                    .containsPattern("kiln_render_rejections_total\\{[^}]*reason=\"budget_too_small\"[^}]*} 1.0");
        }
    }

    @Test
    void aQueueTooLongIs429WithRetryAfterWhileATooSmallBudgetIsStill504() {
        GatedRenderer renderer = new GatedRenderer(RenderEngine.create(RenderLimits.defaults()));
        try (TestServer server = TestServer.start(db.database(), ONE_SECOND_BLUE, renderer, TestServer.http())) {
            // One render running and two queued, each predicted at 1 s: 2 s or more of wait for the next arrival.
            List<CompletableFuture<HttpResponse<byte[]>>> ahead = IntStream.range(0, 3)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> server.post("/v1/renders", Docs.blue("png"))))
                    .toList();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.pool.snapshot().running() == 1
                            && server.pool.snapshot().queued() == 2);

            // The render alone (1 s) fits 2.5 s, but not behind 2 s of queue: a 429 that a retry can cure.
            HttpResponse<byte[]> queued = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "2500"));
            assertThat(queued.statusCode()).isEqualTo(429);
            assertThat(Problem.of(queued).type()).isEqualTo("urn:kiln:problem:overloaded");
            assertThat(Long.parseLong(queued.headers().firstValue("Retry-After").orElseThrow()))
                    .isGreaterThanOrEqualTo(2);

            // A budget under the render itself is 504 whatever the queue: waiting would not help.
            HttpResponse<byte[]> small = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Timeout-Ms", "900"));
            assertThat(small.statusCode()).isEqualTo(504);
            assertThat(Problem.of(small).type()).isEqualTo("urn:kiln:problem:budget-too-small");
            assertThat(small.headers().firstValue("Retry-After")).isEmpty();

            renderer.open();
            for (CompletableFuture<HttpResponse<byte[]>> f : ahead) {
                assertThat(f.join().statusCode()).isEqualTo(200);
            }
            assertThat(renderer.started.get())
                    .as("neither refused request rendered")
                    .isEqualTo(3);
        }
    }
}
