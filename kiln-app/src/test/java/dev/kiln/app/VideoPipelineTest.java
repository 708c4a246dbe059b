package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.video.VideoFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Videos through the whole pipeline in one process: scene → {@code POST …/generations} with a video output (caps
 * checked, cost debited) → the queue's worker renders frames on the render pool into the bundled ffmpeg → stored
 * video, poster and thumbnail → {@code GET /v1/files/…} with byte ranges; and a cancelled video that leaves neither a
 * child process nor a temporary file.
 */
class VideoPipelineTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final ObjectMapper JSON = new ObjectMapper();
    static Wiring wiring;
    static HttpClient client = HttpClient.newHttpClient();
    static String base;
    static String key;
    static long project;

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
        base = "http://127.0.0.1:" + wiring.server.port();
        key = wiring.apiKeys.create("vera").token();
        project = json(call("POST", "/v1/projects", "{\"name\":\"clips\"}", Map.of()), 201)
                .get("id")
                .longValue();
    }

    @AfterAll
    static void stop() {
        if (wiring != null) {
            wiring.drainAndClose();
        }
    }

    static long scene(JsonNode document) throws Exception {
        return json(
                        call(
                                "POST",
                                "/v1/projects/" + project + "/scenes",
                                "{\"name\":\"s\",\"document\":" + document + "}",
                                Map.of()),
                        201)
                .get("id")
                .longValue();
    }

    /** The generation once it is terminal; fails at once when it ended otherwise than {@code status}. */
    static JsonNode awaitStatus(String location, String status) {
        JsonNode end = Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> json(call("GET", location, null, Map.of()), 200), n -> Set.of(
                                "completed", "failed", "canceled")
                        .contains(n.get("status").textValue()));
        assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo(status);
        return end;
    }

    @Test
    void anMp4GenerationIsEncodedStoredAndServedWithRanges() throws Exception {
        long scene = scene(VideoFixtures.scene(500, 20));
        long before = balance();
        HttpResponse<byte[]> accepted = call(
                "POST",
                "/v1/scenes/" + scene + "/generations",
                "{\"output\":{\"format\":\"mp4\",\"width\":96}}",
                Map.of());
        JsonNode g = json(accepted, 202);
        assertThat(g.get("cost").longValue())
                .as("96×72 × 10 frames is well under one credit's 25 M pixel-frames")
                .isEqualTo(1);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        JsonNode done = awaitStatus(location, "completed");

        JsonNode out = done.get("output");
        assertThat(out.get("contentType").textValue()).isEqualTo("video/mp4");
        assertThat(out.get("width").intValue()).isEqualTo(96);
        assertThat(out.get("height").intValue()).isEqualTo(72);
        assertThat(out.get("fps").doubleValue()).isEqualTo(20.0);
        assertThat(out.get("frames").intValue()).isEqualTo(10);
        assertThat(out.get("durationMs").longValue()).isEqualTo(500);
        assertThat(done.get("progress").intValue()).isEqualTo(100);
        assertThat(balance()).isEqualTo(before - 1);

        HttpResponse<byte[]> file = call("GET", out.get("url").textValue(), null, Map.of());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(file.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        byte[] mp4 = file.body();
        assertThat(mp4.length).isEqualTo(out.get("bytes").intValue());
        HttpResponse<byte[]> part = call("GET", out.get("url").textValue(), null, Map.of("Range", "bytes=4-7"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 4-7/" + mp4.length);
        assertThat(new String(part.body(), StandardCharsets.US_ASCII)).isEqualTo("ftyp");

        Path saved = Files.createTempFile("kiln-video", ".mp4");
        try {
            Files.write(saved, mp4);
            JsonNode probe = VideoFixtures.probe(saved);
            assertThat(probe.path("codec_name").asText()).isEqualTo("h264");
            assertThat(probe.path("pix_fmt").asText()).isEqualTo("yuv420p");
            assertThat(probe.path("width").asInt()).isEqualTo(96);
            assertThat(probe.path("height").asInt()).isEqualTo(72);
            assertThat(probe.path("nb_read_frames").asInt()).isEqualTo(10);
        } finally {
            Files.deleteIfExists(saved);
        }

        String poster = out.get("posterUrl").textValue();
        HttpResponse<byte[]> png = call("GET", poster, null, Map.of());
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        HttpResponse<byte[]> thumb = call("GET", done.get("thumbnailUrl").textValue(), null, Map.of());
        assertThat(thumb.statusCode()).isEqualTo(200);
        assertThat(thumb.headers().firstValue("Content-Type")).hasValue("image/webp");
        assertThat(workFiles())
                .as("the work directory is emptied after the video")
                .isEmpty();
    }

    @Test
    void gifAndAnimatedWebpGenerationsComplete() throws Exception {
        long scene = scene(VideoFixtures.scene(400, 10));
        String gif = call("POST", "/v1/scenes/" + scene + "/generations", "{\"output\":{\"format\":\"gif\"}}", Map.of())
                .headers()
                .firstValue("Location")
                .orElseThrow();
        String webp = call(
                        "POST",
                        "/v1/scenes/" + scene + "/generations",
                        "{\"output\":{\"format\":\"webp-animated\"}}",
                        Map.of())
                .headers()
                .firstValue("Location")
                .orElseThrow();

        JsonNode g = awaitStatus(gif, "completed").get("output");
        assertThat(g.get("contentType").textValue()).isEqualTo("image/gif");
        byte[] gifBytes = call("GET", g.get("url").textValue(), null, Map.of()).body();
        Path saved = Files.createTempFile("kiln-video", ".gif");
        try {
            Files.write(saved, gifBytes);
            JsonNode probe = VideoFixtures.probe(saved);
            assertThat(probe.path("codec_name").asText()).isEqualTo("gif");
            assertThat(probe.path("nb_read_frames").asInt()).isEqualTo(4);
            assertThat(probe.path("width").asInt()).isEqualTo(64);
        } finally {
            Files.deleteIfExists(saved);
        }

        JsonNode w = awaitStatus(webp, "completed").get("output");
        assertThat(w.get("contentType").textValue()).isEqualTo("image/webp");
        int[] frames = VideoFixtures.webpFramesAndSize(
                call("GET", w.get("url").textValue(), null, Map.of()).body());
        assertThat(frames).containsExactly(4, 64, 48);
    }

    @Test
    void cancellingAVideoMidRenderStopsItsEncoderAndLeavesNoTemporaryFiles() throws Exception {
        long scene = scene(VideoFixtures.scene(60_000, 60));
        long before = balance();
        HttpResponse<byte[]> accepted = call(
                "POST",
                "/v1/scenes/" + scene + "/generations",
                "{\"output\":{\"format\":\"mp4\",\"width\":320}}",
                Map.of());
        JsonNode g = json(accepted, 202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> json(call("GET", location, null, Map.of()), 200),
                        n -> n.get("stage").asText("").equals("rendering")
                                && n.get("progress").intValue() > 0);
        assertThat(liveChildren()).as("an encoder runs while the video renders").isNotEmpty();

        JsonNode cancelled = json(call("POST", location + "/cancel", null, Map.of()), 200);
        assertThat(cancelled.get("status").textValue()).isEqualTo("canceled");
        assertThat(cancelled.get("progress").intValue())
                .as("cancelled mid-render")
                .isLessThan(90);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    assertThat(liveChildren()).as("no ffmpeg left").isEmpty();
                    assertThat(workFiles()).as("no temporary files left").isEmpty();
                });
        assertThat(balance()).as("refunded").isEqualTo(before);
        assertThat(json(call("GET", location, null, Map.of()), 200)
                        .get("status")
                        .textValue())
                .isEqualTo("canceled");
    }

    @Test
    void videoCapsAnswer422AtSubmitWithAPointerAndChargeNothing() throws Exception {
        long animated = scene(VideoFixtures.scene(2000, 30));
        long still = scene(JSON.readTree("{\"type\":\"scene\",\"width\":64,\"height\":48,\"layers\":[]}"));
        long before = balance();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"format\":\"mp4\",\"durationMs\":36000000}", "/output/durationMs"); // ten hours
        cases.put("{\"format\":\"mp4\",\"fps\":1000}", "/output/fps");
        cases.put("{\"format\":\"mp4\",\"width\":0}", "/output/width");
        cases.put("{\"format\":\"avi\"}", "/output/format");
        cases.put("{\"format\":\"gif\",\"crf\":20}", "/output/crf");
        cases.put("{\"format\":\"mp4\",\"endFrame\":500}", "/output/endFrame");
        cases.put("{\"format\":\"webp-animated\",\"loops\":3}", "/output/loops");
        // 1920×1440 × 1,200 frames: 3.3 G pixel-frames, over the 2 G cap.
        cases.put("long:{\"format\":\"mp4\",\"width\":1920,\"fps\":60}", "/output");
        // 4096×4096 is a valid still, but as an MP4 its frame buffers and x264 need about 1,392 MiB, over the 768.
        cases.put("square:{\"format\":\"mp4\",\"width\":4096}", "/output");
        long longScene = scene(VideoFixtures.scene(20_000, 30));
        com.fasterxml.jackson.databind.node.ObjectNode squareDoc = VideoFixtures.scene(2000, 30);
        squareDoc.put("height", 64);
        long square = scene(squareDoc);
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String output = c.getKey();
            long target = animated;
            if (output.startsWith("long:")) {
                target = longScene;
                output = output.substring("long:".length());
            } else if (output.startsWith("square:")) {
                target = square;
                output = output.substring("square:".length());
            }
            HttpResponse<byte[]> res =
                    call("POST", "/v1/scenes/" + target + "/generations", "{\"output\":" + output + "}", Map.of());
            JsonNode problem = json(res, 422);
            assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(problem.get("errors").findValuesAsText("pointer"))
                    .as(c.getKey())
                    .contains(c.getValue());
        }
        JsonNode notAnimated = json(
                call("POST", "/v1/scenes/" + still + "/generations", "{\"output\":{\"format\":\"mp4\"}}", Map.of()),
                422);
        assertThat(notAnimated.get("errors").findValuesAsText("pointer")).contains("/output/format");

        // A corrupt Lottie never becomes a scene, so it can never reach a worker.
        JsonNode corrupt = json(
                call(
                        "POST",
                        "/v1/projects/" + project + "/scenes",
                        "{\"name\":\"bad\",\"document\":{\"type\":\"lottie\",\"animation\":{\"v\":\"5.7.0\",\"fr\":30,"
                                + "\"ip\":0,\"op\":\"sixty\",\"w\":-5,\"layers\":7}}}",
                        Map.of()),
                422);
        assertThat(corrupt.get("errors").size()).isPositive();

        assertThat(balance()).as("nothing charged").isEqualTo(before);
        assertThat(call("GET", "/healthz", null, Map.of()).statusCode()).isEqualTo(200);
    }

    /** Live child processes other than the SVG engine's long-lived resvg hosts: the encoders. */
    static java.util.List<ProcessHandle> liveChildren() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> !p.info().command().orElse("").endsWith("/kiln-resvg-host"))
                .toList();
    }

    static java.util.List<Path> workFiles() throws Exception {
        Path root = wiring.video.workRoot();
        try (var files = Files.walk(root)) {
            return files.filter(p -> !p.equals(root)).toList();
        }
    }

    static long balance() throws Exception {
        return json(call("GET", "/v1/credits", null, Map.of()), 200)
                .get("balance")
                .longValue();
    }

    static HttpResponse<byte[]> call(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> res, int status) throws Exception {
        assertThat(res.statusCode())
                .as(new String(res.body(), StandardCharsets.UTF_8))
                .isEqualTo(status);
        return JSON.readTree(res.body());
    }
}
