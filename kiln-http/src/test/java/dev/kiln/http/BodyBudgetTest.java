package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.renderpool.PoolConfig;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BodyBudgetTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    /** Issue 10: the budget was 256 MiB whatever the heap, so in a 256 MiB heap bodies alone could fill it. */
    @Test
    void theBodyBudgetIsAQuarterOfTheHeapAndAtMost256MiB() {
        long mib = 1024 * 1024;
        assertThat(JsonBodies.budgetKiBFor(256 * mib)).isEqualTo(64 * 1024);
        assertThat(JsonBodies.budgetKiBFor(512 * mib)).isEqualTo(128 * 1024);
        assertThat(JsonBodies.budgetKiBFor(8192 * mib)).isEqualTo(JsonBodies.BODY_BUDGET_KIB);
        assertThat(JsonBodies.budgetKiBFor(1 * mib)).as("never below 1 MiB").isEqualTo(1024);
    }

    /** Regression: a body cap above the parse budget asked the budget for more than it holds, so every
     * body without Content-Length got 429 forever. */
    @Test
    void aBodyCapAboveTheBudgetStillAdmitsChunkedBodies() {
        HttpConfig d = HttpConfig.defaults("127.0.0.1", 0);
        HttpConfig huge = new HttpConfig(
                d.host(),
                0,
                1024L * 1024 * 1024,
                d.maxJsonDepth(),
                d.maxJsonStringLength(),
                d.maxJsonNumberLength(),
                d.defaultTimeout(),
                d.maxTimeout(),
                d.drainTimeout(),
                Duration.ZERO);
        PoolConfig pool = new PoolConfig(2, 8, Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(5));
        try (TestServer server =
                TestServer.start(db.database(), pool, RenderEngine.create(RenderLimits.defaults()), huge)) {
            byte[] body = Docs.blue("png").getBytes(StandardCharsets.UTF_8);
            HttpResponse<byte[]> res = server.send(HttpRequest.newBuilder(server.base.resolve("/v1/renders"))
                    .header("Authorization", "Bearer " + server.key)
                    .header("Content-Type", "application/json")
                    // An input-stream body has no known length, so it travels chunked.
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                    .build());
            assertThat(res.statusCode())
                    .as(new String(res.body(), StandardCharsets.UTF_8))
                    .isEqualTo(200);
        }
    }
}
