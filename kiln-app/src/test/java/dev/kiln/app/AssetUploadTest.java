package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.image.TestImages;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Uploads end to end in one process (role {@code all}): bad uploads are refused with problems before anything is
 * stored, a good one answers 201 while its thumbnail job is still queued, the worker makes the thumbnail, and a scene
 * may use {@code asset:<id>} of its owner's assets only, through a generation that renders it.
 */
class AssetUploadTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);

    static Wiring wiring;
    static String base;
    static final HttpClient client = HttpClient.newHttpClient();

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
    }

    @AfterAll
    static void stop() {
        if (wiring != null) {
            wiring.drainAndClose();
        }
    }

    @Test
    void badUploadsAreProblemsAndStoreNothing() throws Exception {
        var mallory = wiring.apiKeys.create("mallory");
        String key = mallory.token();

        HttpResponse<byte[]> bomb = upload(key, "image/png", TestImages.pngBomb(20_000, 20_000));
        assertProblem(bomb, 422, "validation", "maxImagePixels");

        HttpResponse<byte[]> truncated =
                upload(key, "image/jpeg", TestImages.truncated(TestImages.jpeg(300, 200), 0.5));
        assertProblem(truncated, 422, "validation", "truncated");

        HttpResponse<byte[]> gif = upload(key, "image/gif", new byte[] {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0});
        assertProblem(gif, 415, "unsupported-media-type", "image/png, image/jpeg or image/webp");

        HttpResponse<byte[]> lying = upload(key, "image/webp", TestImages.png(20, 20));
        assertProblem(lying, 422, "validation", "is image/png, not image/webp");

        HttpResponse<byte[]> text = upload(key, "image/png", "not an image".getBytes());
        assertProblem(text, 422, "validation", "not a PNG, JPEG or WebP");

        byte[] huge = new byte[10 * 1024 * 1024 + 1];
        System.arraycopy(TestImages.png(10, 10), 0, huge, 0, 8);
        HttpResponse<byte[]> oversize = upload(key, "image/png", huge);
        assertProblem(oversize, 413, "payload-too-large", "10485760 bytes");

        assertThat(JSON.readTree(bomb.body())
                        .get("errors")
                        .get(0)
                        .get("pointer")
                        .textValue())
                .as("the body as a whole is at fault")
                .isEmpty();
        HttpResponse<byte[]> healthy =
                send(HttpRequest.newBuilder(URI.create(base + "/healthz")).GET());
        assertThat(healthy.statusCode()).isEqualTo(200);
        // Nothing was recorded for any of them.
        try (var c = db.dataSource().getConnection();
                var ps = c.prepareStatement("SELECT count(*) FROM assets WHERE user_id = ?")) {
            ps.setLong(1, mallory.userId());
            var rs = ps.executeQuery();
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void aGoodUploadAnswersBeforeItsThumbnailAndTheThumbnailAppearsLater() throws Exception {
        String alice = wiring.apiKeys.create("alice").token();
        String bob = wiring.apiKeys.create("bob").token();
        byte[] webp = TestImages.webp(900, 600);

        HttpResponse<byte[]> created = upload(alice, "image/webp", webp);
        JsonNode asset = json(created, 201);
        long id = asset.get("id").longValue();
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/assets/" + id);
        assertThat(asset.get("status").textValue()).isEqualTo("processing");
        assertThat(asset.get("thumbnailKey").isNull()).isTrue();
        assertThat(asset.get("contentType").textValue()).isEqualTo("image/webp");
        assertThat(asset.get("width").intValue()).isEqualTo(900);
        assertThat(asset.get("height").intValue()).isEqualTo(600);
        assertThat(asset.get("bytes").intValue()).isEqualTo(webp.length);
        assertThat(asset.get("source").textValue()).isEqualTo("asset:" + id);

        JsonNode ready = Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> json(call(alice, "GET", "/v1/assets/" + id, null), 200),
                        n -> !n.get("status").textValue().equals("processing"));
        assertThat(ready.get("status").textValue()).as(ready.toString()).isEqualTo("ready");
        assertThat(ready.get("thumbnailWidth").intValue()).isEqualTo(256);
        assertThat(ready.get("thumbnailHeight").intValue()).isEqualTo(171);
        String thumbnailUrl = ready.get("thumbnailUrl").textValue();
        assertThat(thumbnailUrl)
                .isEqualTo("/v1/files/" + ready.get("thumbnailKey").textValue());

        HttpResponse<byte[]> thumb = call(alice, "GET", thumbnailUrl, null);
        assertThat(thumb.statusCode()).isEqualTo(200);
        assertThat(thumb.headers().firstValue("Content-Type")).hasValue("image/png");
        var decoded = ImageIO.read(new ByteArrayInputStream(thumb.body()));
        assertThat(decoded.getWidth()).isEqualTo(256);
        assertThat(decoded.getHeight()).isEqualTo(171);
        HttpResponse<byte[]> original = call(alice, "GET", ready.get("url").textValue(), null);
        assertThat(original.body()).isEqualTo(webp);

        assertThat(call(bob, "GET", "/v1/assets/" + id, null).statusCode())
                .as("another user's asset")
                .isEqualTo(404);
        assertThat(call(bob, "GET", thumbnailUrl, null).statusCode()).isEqualTo(404);
        assertThat(call(alice, "GET", "/v1/assets/nope", null).statusCode()).isEqualTo(404);
    }

    @Test
    void anImageThatDoesNotDecodeEndsFailedWithItsReason() throws Exception {
        String erin = wiring.apiKeys.create("erin").token();
        JsonNode asset = json(upload(erin, "image/png", TestImages.pngWithGarbageData(64, 64)), 201);
        assertThat(asset.get("status").textValue()).isEqualTo("processing");
        JsonNode failed = Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> json(
                                call(
                                        erin,
                                        "GET",
                                        "/v1/assets/" + asset.get("id").longValue(),
                                        null),
                                200),
                        n -> !n.get("status").textValue().equals("processing"));
        assertThat(failed.get("status").textValue()).isEqualTo("failed");
        assertThat(failed.get("error").textValue()).contains("cannot be decoded");
        assertThat(failed.get("thumbnailKey").isNull()).isTrue();
    }

    @Test
    void scenesUseTheirOwnersAssetsOnly() throws Exception {
        String carol = wiring.apiKeys.create("carol").token();
        String dave = wiring.apiKeys.create("dave").token();
        long carols = json(upload(carol, "image/png", TestImages.png(64, 64)), 201)
                .get("id")
                .longValue();
        long daves = json(upload(dave, "image/jpeg", TestImages.jpeg(64, 64)), 201)
                .get("id")
                .longValue();
        long project = json(call(carol, "POST", "/v1/projects", "{\"name\":\"moodboard\"}"), 201)
                .get("id")
                .longValue();

        HttpResponse<byte[]> foreign =
                call(carol, "POST", "/v1/projects/" + project + "/scenes", sceneBody("asset:" + daves));
        assertThat(foreign.statusCode()).isEqualTo(422);
        JsonNode problem = JSON.readTree(foreign.body());
        assertThat(problem.get("errors").get(0).get("pointer").textValue()).isEqualTo("/document/layers/0/src");
        assertThat(problem.get("errors").get(0).get("detail").textValue()).contains("no asset " + daves);
        assertThat(call(carol, "POST", "/v1/projects/" + project + "/scenes", sceneBody("asset:999999"))
                        .statusCode())
                .isEqualTo(422);

        JsonNode scene =
                json(call(carol, "POST", "/v1/projects/" + project + "/scenes", sceneBody("asset:" + carols)), 201);
        assertThat(scene.get("document").get("layers").get(0).get("src").textValue())
                .as("the stored document keeps the reference")
                .isEqualTo("asset:" + carols);
        JsonNode g = json(
                call(
                        carol,
                        "POST",
                        "/v1/scenes/" + scene.get("id").longValue() + "/generations",
                        "{\"output\":{\"format\":\"png\"}}"),
                202);
        JsonNode done = Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> json(
                                call(
                                        carol,
                                        "GET",
                                        "/v1/generations/" + g.get("id").longValue(),
                                        null),
                                200),
                        n -> n.get("status").textValue().matches("completed|failed"));
        assertThat(done.get("status").textValue()).as(done.toString()).isEqualTo("completed");
        var png = ImageIO.read(new ByteArrayInputStream(
                call(carol, "GET", done.get("output").get("url").textValue(), null)
                        .body()));
        // The asset's red square, drawn at 2× into the 128-pixel canvas, is at its centre.
        assertThat((png.getRGB(64, 64) >> 16) & 0xff).isGreaterThan(200);
        assertThat(png.getRGB(64, 64) & 0xff).isLessThan(60);
    }

    @Test
    void synchronousRendersResolveTheCallersOwnReadyAssetsOnly() throws Exception {
        String frank = wiring.apiKeys.create("frank").token();
        String grace = wiring.apiKeys.create("grace").token();
        long franks = json(upload(frank, "image/png", TestImages.png(64, 64)), 201)
                .get("id")
                .longValue();
        long graces = json(upload(grace, "image/png", TestImages.png(64, 64)), 201)
                .get("id")
                .longValue();
        long broken = json(upload(frank, "image/png", TestImages.pngWithGarbageData(64, 64)), 201)
                .get("id")
                .longValue();

        HttpResponse<byte[]> own = call(frank, "POST", "/v1/renders", renderBody("asset:" + franks));
        assertThat(own.statusCode()).as(new String(own.body())).isEqualTo(200);
        assertThat(own.headers().firstValue("Content-Type")).hasValue("image/png");
        var png = ImageIO.read(new ByteArrayInputStream(own.body()));
        // The asset's red square, drawn at 2x into the 128-pixel canvas, is at its centre.
        assertThat((png.getRGB(64, 64) >> 16) & 0xff).isGreaterThan(200);
        assertThat(png.getRGB(64, 64) & 0xff).isLessThan(60);

        HttpResponse<byte[]> foreign = call(frank, "POST", "/v1/renders", renderBody("asset:" + graces));
        assertProblem(foreign, 422, "validation", "no asset " + graces + " among yours");
        assertThat(JSON.readTree(foreign.body())
                        .get("errors")
                        .get(0)
                        .get("pointer")
                        .textValue())
                .isEqualTo("/document/layers/0/src");
        assertProblem(
                call(frank, "POST", "/v1/renders", renderBody("asset:999999999")),
                422,
                "validation",
                "no asset 999999999 among yours");
        assertProblem(call(frank, "POST", "/v1/renders", renderBody("asset:nope")), 422, "validation", "asset:<id>");

        Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> json(call(frank, "GET", "/v1/assets/" + broken, null), 200)
                                .get("status")
                                .textValue(),
                        "failed"::equals);
        HttpResponse<byte[]> failed = call(frank, "POST", "/v1/renders", renderBody("asset:" + broken));
        assertProblem(failed, 422, "validation", "asset " + broken + " cannot be used: its image did not decode");
        assertThat(JSON.readTree(failed.body())
                        .get("errors")
                        .get(0)
                        .get("pointer")
                        .textValue())
                .isEqualTo("/document/layers/0/src");
    }

    @Test
    void assetsAreListedNewestFirstInBoundedPagesAndDeletedByTheirOwnerOnly() throws Exception {
        String heidi = wiring.apiKeys.create("heidi").token();
        String ivan = wiring.apiKeys.create("ivan").token();
        java.util.List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(json(upload(heidi, "image/png", TestImages.png(16 + i, 16)), 201)
                    .get("id")
                    .longValue());
        }
        long ivans = json(upload(ivan, "image/png", TestImages.png(16, 16)), 201)
                .get("id")
                .longValue();

        java.util.List<Long> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = json(
                    call(heidi, "GET", "/v1/assets?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), null), 200);
            assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
            page.get("items").forEach(a -> seen.add(a.get("id").longValue()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").textValue();
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(ids.reversed());
        assertThat(pages).isEqualTo(3);
        assertThat(json(call(heidi, "GET", "/v1/assets?limit=1000", null), 200)
                        .get("items")
                        .size())
                .as("a limit over 100 is clamped, never unbounded")
                .isEqualTo(5);
        assertProblem(call(heidi, "GET", "/v1/assets?limit=0", null), 400, "validation", "limit");
        assertProblem(call(heidi, "GET", "/v1/assets?cursor=not-a-cursor", null), 400, "validation", "cursor");

        long victim = ids.getFirst();
        long project = json(call(heidi, "POST", "/v1/projects", "{\"name\":\"refs\"}"), 201)
                .get("id")
                .longValue();
        long scene = json(call(heidi, "POST", "/v1/projects/" + project + "/scenes", sceneBody("asset:" + victim)), 201)
                .get("id")
                .longValue();

        assertThat(call(ivan, "DELETE", "/v1/assets/" + victim, null).statusCode())
                .as("another user's asset")
                .isEqualTo(404);
        assertThat(call(heidi, "DELETE", "/v1/assets/" + ivans, null).statusCode())
                .isEqualTo(404);
        assertThat(call(heidi, "DELETE", "/v1/assets/" + victim, null).statusCode())
                .isEqualTo(204);
        assertThat(call(heidi, "GET", "/v1/assets/" + victim, null).statusCode())
                .isEqualTo(404);
        assertThat(call(heidi, "DELETE", "/v1/assets/" + victim, null).statusCode())
                .as("deleting twice")
                .isEqualTo(404);
        assertThat(json(call(heidi, "GET", "/v1/assets", null), 200)
                        .get("items")
                        .size())
                .isEqualTo(4);
        assertThat(json(call(ivan, "GET", "/v1/assets/" + ivans, null), 200)
                        .get("id")
                        .longValue())
                .isEqualTo(ivans);

        // The scene keeps its reference; generating it now is a 422 at that src, and nothing is debited.
        JsonNode kept = json(call(heidi, "GET", "/v1/scenes/" + scene, null), 200);
        assertThat(kept.get("document").get("layers").get(0).get("src").textValue())
                .isEqualTo("asset:" + victim);
        long balance = json(call(heidi, "GET", "/v1/credits", null), 200)
                .get("balance")
                .longValue();
        HttpResponse<byte[]> generate =
                call(heidi, "POST", "/v1/scenes/" + scene + "/generations", "{\"output\":{\"format\":\"png\"}}");
        assertProblem(generate, 422, "validation", "no asset " + victim + " among yours");
        assertThat(JSON.readTree(generate.body())
                        .get("errors")
                        .get(0)
                        .get("pointer")
                        .textValue())
                .isEqualTo("/document/layers/0/src");
        assertThat(json(call(heidi, "GET", "/v1/credits", null), 200)
                        .get("balance")
                        .longValue())
                .isEqualTo(balance);
    }

    static String renderBody(String src) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("document", JSON.readTree(sceneBody(src)).get("document"));
        body.putObject("output").put("format", "png");
        return body.toString();
    }

    static String sceneBody(String src) {
        ObjectNode doc =
                JSON.createObjectNode().put("type", "scene").put("width", 128).put("height", 128);
        doc.putArray("layers")
                .addObject()
                .put("type", "image")
                .put("src", src)
                .put("x", 0)
                .put("y", 0)
                .put("width", 128)
                .put("height", 128);
        ObjectNode body = JSON.createObjectNode().put("name", "with an asset");
        body.set("document", doc);
        return body.toString();
    }

    static void assertProblem(HttpResponse<byte[]> res, int status, String type, String detail) throws Exception {
        String body = new String(res.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(res.statusCode()).as(body).isEqualTo(status);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode p = JSON.readTree(res.body());
        assertThat(p.get("type").textValue()).isEqualTo("urn:kiln:problem:" + type);
        assertThat(p.get("detail").textValue()).contains(detail);
    }

    static HttpResponse<byte[]> upload(String key, String contentType, byte[] bytes) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/assets"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    static HttpResponse<byte[]> call(String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + key)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return send(b);
    }

    static HttpResponse<byte[]> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> res, int status) throws Exception {
        assertThat(res.statusCode())
                .as(new String(res.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(status);
        return JSON.readTree(res.body());
    }
}
