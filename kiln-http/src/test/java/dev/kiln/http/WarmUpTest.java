package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.renderpool.PoolConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The warm-up (issue 10 §2, a fresh replica's first burst): readiness waits for it, its requests reach the render
 * route's rejection path, and it leaves no trace in the metrics, the render pool or the API's authentication.
 */
class WarmUpTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static final PoolConfig POOL =
            new PoolConfig(2, 8, Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(5));

    @Test
    void readinessWaitsForTheWarmUpWhoseRequestsLeaveNoTrace() {
        // Every render waits at the gate, so the warm-up is held in its engine phase until the test opens it.
        GatedRenderer renderer = new GatedRenderer(RenderEngine.create(RenderLimits.defaults()));
        try (TestServer server = TestServer.start(
                db.database(), POOL, renderer, TestServer.http().withWarmUp(Duration.ofSeconds(120)))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> renderer.started.get() >= 1);
            HttpResponse<byte[]> warming = unauthenticated(server, "GET", "/readyz");
            assertThat(warming.statusCode()).isEqualTo(503);
            assertThat(text(warming)).contains("warming up");
            assertThat(unauthenticated(server, "GET", "/healthz").statusCode()).isEqualTo(200);

            renderer.open();
            await().atMost(Duration.ofSeconds(110))
                    .until(() -> unauthenticated(server, "GET", "/readyz").statusCode() == 200);

            HttpWarmUp.Report report = server.server.warmUpReport();
            assertThat(report).isNotNull();
            assertThat(report.finished()).isTrue();
            assertThat(report.engineRenders()).isEqualTo(6);
            assertThat(report.requests()).isEqualTo(HttpWarmUp.REQUESTS);
            // Each was answered by the render route's 429 (early or after parsing), not by a 401 or an error.
            assertThat(report.answered429()).isEqualTo(HttpWarmUp.REQUESTS);
            // None reached the pool: nothing ran, nothing was refused there, and its estimate is untouched.
            assertThat(server.pool.snapshot().completed()).isZero();
            assertThat(server.pool.snapshot().rejected()).isZero();
            assertThat(server.pool.snapshot().ewmaServiceTime()).isEqualTo(POOL.initialServiceTime());
            String scrape = server.metrics.scrape();
            assertThat(scrape).doesNotContain("route=\"/v1/renders\"");
            assertThat(Arrays.stream(scrape.split("\n")).filter(l -> l.startsWith("kiln_render_rejections_total{")))
                    .allMatch(l -> l.endsWith(" 0.0"));

            // The token is the process's own: a guessed one is an unauthenticated request like any other.
            HttpResponse<byte[]> guessed = server.send(HttpRequest.newBuilder(server.base.resolve("/v1/renders"))
                    .header(HttpWarmUp.HEADER, "0".repeat(48))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Docs.blue("png")))
                    .build());
            assertThat(guessed.statusCode()).isEqualTo(401);

            // A real render afterwards is served and counted.
            assertThat(server.post("/v1/renders", Docs.blue("png")).statusCode())
                    .isEqualTo(200);
            assertThat(server.metrics.scrape()).contains("route=\"/v1/renders\"");
            assertThat(server.pool.snapshot().completed()).isEqualTo(1);
        }
    }

    @Test
    void aZeroBudgetTurnsItOff() {
        try (TestServer server = TestServer.start(
                db.database(), POOL, RenderEngine.create(RenderLimits.defaults()), TestServer.http())) {
            assertThat(unauthenticated(server, "GET", "/readyz").statusCode()).isEqualTo(200);
            assertThat(server.server.warmUpReport()).isNull();
        }
    }

    private static HttpResponse<byte[]> unauthenticated(TestServer server, String method, String path) {
        return server.send(HttpRequest.newBuilder(server.base.resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build());
    }

    private static String text(HttpResponse<byte[]> res) {
        return new String(res.body(), StandardCharsets.UTF_8);
    }
}
