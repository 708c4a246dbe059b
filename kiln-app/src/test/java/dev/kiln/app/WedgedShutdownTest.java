package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.RenderOutput;
import dev.kiln.render.Renderer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11 regression: with a render that ignores cancellation and interrupts holding a worker, shutdown once waited
 * the drain timeout twice (server, then pool) and did not exit within 30 s. It must end within one drain timeout.
 */
class WedgedShutdownTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final Duration DRAIN = Duration.ofSeconds(4);
    /**
     * Slack for a loaded 2-core machine (issue 10: 1.5 s was too tight there); still a second below the second drain
     * timeout the bug added, so a return of the bug fails this test.
     */
    static final Duration SLACK = Duration.ofSeconds(3);

    @Test
    void drainWithAWedgedWorkerEndsWithinOneDrainTimeout() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_HOME", Files.createTempDirectory("kiln-home").toString());
        env.put("KILN_RENDER_WORKERS", "1");
        env.put("KILN_DRAIN_TIMEOUT", DRAIN.toMillis() + "ms");
        env.put("KILN_REQUEST_TIMEOUT", "10s");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Wiring wiring = Wiring.start(KilnConfig.from(new Settings(env)), new Deaf(started, release));
        try {
            String token = wiring.apiKeys.create("wedge").token();
            HttpClient client = HttpClient.newHttpClient();
            client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + wiring.server.port() + "/v1/renders"))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"document\":{\"type\":\"svg\",\"svg\":"
                                    + "\"<svg xmlns='http://www.w3.org/2000/svg' width='8' height='8'/>\"}}"))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            started.await();
            Awaitility.await().until(() -> wiring.pool.snapshot().running() == 1);

            long t0 = System.nanoTime();
            wiring.drainAndClose();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(took).isLessThan(DRAIN.plus(SLACK));
        } finally {
            release.countDown();
        }
    }

    /** Ignores cancellation and interrupts until released, as native code stuck in a loop does. */
    record Deaf(CountDownLatch started, CountDownLatch release) implements Renderer {
        @Override
        public PreparedRender prepare(JsonNode request) {
            return RenderEngine.create(RenderLimits.defaults()).prepare(request);
        }

        @Override
        public RenderOutput render(PreparedRender prepared, CancellationSignal cancel) {
            started.countDown();
            while (release.getCount() > 0) {
                Thread.interrupted();
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
            throw new IllegalStateException("released");
        }
    }
}
