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
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A generation whose render keeps failing is retried by the queue with backoff, then fails for good with its last
 * error and is refunded exactly once.
 */
class GenerationFailureTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final AtomicInteger attempts = new AtomicInteger();
    static Wiring wiring;
    static ApiClient api;

    /** Validates like the engine; every render fails as a transient error would. */
    static final class Failing implements Renderer {
        private final RenderEngine engine = RenderEngine.create(RenderLimits.defaults());

        @Override
        public PreparedRender prepare(JsonNode request) {
            return engine.prepare(request);
        }

        @Override
        public RenderOutput render(PreparedRender prepared, CancellationSignal cancel) {
            attempts.incrementAndGet();
            throw new IllegalStateException("renderer unavailable (test)");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_RATE_LIMIT", "0"); // polls as fast as it likes; rate limits have tests of their own
        env.put("KILN_HOME", Files.createTempDirectory("kiln-home").toString());
        env.put("KILN_RENDER_WORKERS", "2");
        wiring = Wiring.start(KilnConfig.from(new Settings(env)), new Failing());
        api = ApiClient.of(wiring);
    }

    @AfterAll
    static void stop() {
        if (wiring != null) {
            wiring.drainAndClose();
        }
    }

    @Test
    void aGenerationThatKeepsFailingIsRetriedThenFailedAndRefundedOnce() throws Exception {
        String key = wiring.apiKeys.create("carol").token();
        long project = ApiClient.json(api.call(key, "POST", "/v1/projects", "{\"name\":\"p\"}", Map.of()), 201)
                .get("id")
                .longValue();
        String doc = ApiClient.JSON
                .createObjectNode()
                .put("type", "svg")
                .put("svg", GenerationPipelineTest.SVG)
                .toString();
        long scene = ApiClient.json(
                        api.call(
                                key,
                                "POST",
                                "/v1/projects/" + project + "/scenes",
                                "{\"name\":\"s\",\"document\":" + doc + "}",
                                Map.of()),
                        201)
                .get("id")
                .longValue();
        long before = balance(key);

        String location = api.call(
                        key,
                        "POST",
                        "/v1/scenes/" + scene + "/generations",
                        "{\"output\":{\"format\":\"png\"}}",
                        Map.of())
                .headers()
                .firstValue("Location")
                .orElseThrow();

        JsonNode failed = Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> ApiClient.json(api.call(key, "GET", location, null, Map.of()), 200),
                        n -> n.get("status").textValue().equals("failed"));
        assertThat(failed.get("attempt").intValue()).isEqualTo(3);
        assertThat(attempts).hasValue(3);
        assertThat(failed.get("error").get("message").textValue()).contains("renderer unavailable");
        assertThat(balance(key)).as("refunded").isEqualTo(before);
        JsonNode ledger = ApiClient.json(api.call(key, "GET", "/v1/credits", null, Map.of()), 200)
                .get("ledger");
        long refunds = 0;
        for (JsonNode row : ledger) {
            if (row.get("reason").textValue().equals("refund")) {
                refunds++;
            }
        }
        assertThat(refunds).as("exactly one refund").isEqualTo(1);
    }

    private static long balance(String key) throws Exception {
        return ApiClient.json(api.call(key, "GET", "/v1/credits", null, Map.of()), 200)
                .get("balance")
                .longValue();
    }
}
