package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.platform.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole still-image pipeline in one process (role {@code all}): project → scene → generation (202) → the queue's
 * worker renders it on the render pool → stored output → {@code GET /v1/files/{key}} with immutable caching, ETag
 * and byte ranges, readable by its owner only.
 */
class GenerationPipelineTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final ObjectMapper JSON = ApiClient.JSON;
    static final String SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='120' height='60'>"
            + "<rect width='120' height='60' fill='#3366ff'/></svg>";

    static Wiring wiring;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_RATE_LIMIT", "0"); // polls as fast as it likes; rate limits have tests of their own
        env.put("KILN_HOME", Files.createTempDirectory("kiln-home").toString());
        env.put("KILN_RENDER_WORKERS", "2");
        wiring = Wiring.start(KilnConfig.from(new Settings(env)));
        api = ApiClient.of(wiring);
    }

    @AfterAll
    static void stop() {
        if (wiring != null) {
            wiring.drainAndClose();
        }
    }

    @Test
    void aGenerationIsRenderedStoredAndServedToItsOwnerOnly() throws Exception {
        String alice = wiring.apiKeys.create("alice").token();
        String bob = wiring.apiKeys.create("bob").token();
        long project = ApiClient.json(api.call(alice, "POST", "/v1/projects", "{\"name\":\"cards\"}", Map.of()), 201)
                .get("id")
                .longValue();
        String doc = JSON.createObjectNode().put("type", "svg").put("svg", SVG).toString();
        long scene = ApiClient.json(
                        api.call(
                                alice,
                                "POST",
                                "/v1/projects/" + project + "/scenes",
                                "{\"name\":\"blue\",\"document\":" + doc + "}",
                                Map.of()),
                        201)
                .get("id")
                .longValue();
        long before = ApiClient.json(api.call(alice, "GET", "/v1/credits", null, Map.of()), 200)
                .get("balance")
                .longValue();

        HttpResponse<byte[]> accepted = api.call(
                alice, "POST", "/v1/scenes/" + scene + "/generations", "{\"output\":{\"format\":\"png\"}}", Map.of());
        JsonNode g = ApiClient.json(accepted, 202);
        String location = accepted.headers().firstValue("Location").orElseThrow();

        JsonNode done = Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> ApiClient.json(api.call(alice, "GET", location, null, Map.of()), 200),
                        n -> n.get("status").textValue().equals("completed"));
        assertThat(done.get("progress").intValue()).isEqualTo(100);
        assertThat(done.get("output").get("contentType").textValue()).isEqualTo("image/png");
        assertThat(done.get("output").get("width").intValue()).isEqualTo(120);
        assertThat(ApiClient.json(api.call(alice, "GET", "/v1/credits", null, Map.of()), 200)
                        .get("balance")
                        .longValue())
                .as("charged once, not refunded")
                .isEqualTo(before - g.get("cost").longValue());

        String url = done.get("output").get("url").textValue();
        HttpResponse<byte[]> file = api.call(alice, "GET", url, null, Map.of());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(file.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        byte[] png = file.body();
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(file.body().length).isEqualTo(done.get("output").get("bytes").intValue());

        String etag = file.headers().firstValue("ETag").orElseThrow();
        assertThat(api.call(alice, "GET", url, null, Map.of("If-None-Match", etag))
                        .statusCode())
                .isEqualTo(304);
        HttpResponse<byte[]> part = api.call(alice, "GET", url, null, Map.of("Range", "bytes=1-3"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 1-3/" + png.length);
        assertThat(new String(part.body(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("PNG");
        assertThat(api.call(alice, "GET", url, null, Map.of("Range", "bytes=" + png.length + "-"))
                        .statusCode())
                .isEqualTo(416);

        assertThat(api.call(bob, "GET", url, null, Map.of()).statusCode())
                .as("another user's file")
                .isEqualTo(404);
        assertThat(api.call(bob, "GET", location, null, Map.of()).statusCode()).isEqualTo(404);
        assertThat(api.call(alice, "GET", "/v1/files/..%2F..%2Fetc%2Fpasswd", null, Map.of())
                        .statusCode())
                .isEqualTo(404);
    }
}
