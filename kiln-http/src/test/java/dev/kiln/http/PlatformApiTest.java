package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.platform.generations.GenerationJob;
import dev.kiln.platform.generations.GenerationJobs;
import dev.kiln.platform.generations.PlaceholderGenerationJobs;
import dev.kiln.platform.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Projects → scenes → generations over HTTP: the happy path, idempotency, cancellation and ownership. */
class PlatformApiTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String SCENE_DOC = "{\"type\":\"svg\",\"svg\":" + Docs.quote(Docs.BLUE_SVG) + "}";

    static GatedJobs jobs = new GatedJobs();
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(db.database(), jobs);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void projectSceneGenerationRoundTrip() {
        HttpResponse<byte[]> created = server.call("POST", "/v1/projects", "{\"name\":\"Launch\"}");
        assertThat(created.statusCode()).as(body(created)).isEqualTo(201);
        long projectId = json(created).get("id").longValue();
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/projects/" + projectId);
        assertThat(json(server.get("/v1/projects/" + projectId)).get("name").textValue())
                .isEqualTo("Launch");

        HttpResponse<byte[]> renamed = server.call("PATCH", "/v1/projects/" + projectId, "{\"name\":\"Launch 2\"}");
        assertThat(renamed.statusCode()).isEqualTo(200);
        assertThat(json(renamed).get("name").textValue()).isEqualTo("Launch 2");

        long first = scene(server.key, projectId, "one");
        long second = scene(server.key, projectId, "two");
        JsonNode scenes = json(server.get("/v1/projects/" + projectId + "/scenes"));
        assertThat(scenes.get("items")).extracting(n -> n.get("id").longValue()).containsExactly(first, second);
        assertThat(scenes.get("items"))
                .extracting(n -> n.get("position").intValue())
                .containsExactly(0, 1);
        assertThat(json(server.get("/v1/scenes/" + first))
                        .get("document")
                        .get("type")
                        .textValue())
                .isEqualTo("svg");

        HttpResponse<byte[]> replaced =
                server.call("PUT", "/v1/scenes/" + second, "{\"name\":\"two b\",\"document\":" + SCENE_DOC + "}");
        assertThat(replaced.statusCode()).as(body(replaced)).isEqualTo(200);
        assertThat(json(replaced).get("position").intValue()).isEqualTo(1);

        long before = balance(server.key);
        HttpResponse<byte[]> accepted =
                server.post("/v1/scenes/" + first + "/generations", "{\"output\":{\"format\":\"png\"}}");
        assertThat(accepted.statusCode()).as(body(accepted)).isEqualTo(202);
        JsonNode g = json(accepted);
        long generationId = g.get("id").longValue();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/v1/generations/" + generationId);
        assertThat(g.get("status").textValue()).isEqualTo("queued");
        assertThat(g.get("cost").longValue()).isEqualTo(1);
        assertThat(g.get("projectId").longValue()).isEqualTo(projectId);
        assertThat(g.get("sceneId").longValue()).isEqualTo(first);
        assertThat(balance(server.key)).isEqualTo(before - 1);
        assertThat(json(server.get("/v1/generations/" + generationId))
                        .get("status")
                        .textValue())
                .isEqualTo("queued");
        assertThat(json(server.get("/v1/generations?status=queued")).get("items"))
                .extracting(n -> n.get("id").longValue())
                .contains(generationId);

        // A scene with a generation in flight cannot be deleted; once it is cancelled it can.
        assertThat(server.call("DELETE", "/v1/scenes/" + first, null).statusCode())
                .isEqualTo(409);
        HttpResponse<byte[]> canceled = server.post("/v1/generations/" + generationId + "/cancel", "");
        assertThat(canceled.statusCode()).as(body(canceled)).isEqualTo(200);
        assertThat(json(canceled).get("status").textValue()).isEqualTo("canceled");
        assertThat(balance(server.key)).as("refunded").isEqualTo(before);

        HttpResponse<byte[]> again = server.post("/v1/generations/" + generationId + "/cancel", "");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(Problem.of(again).type()).isEqualTo("urn:kiln:problem:conflict");
        assertThat(balance(server.key)).as("no second refund").isEqualTo(before);
        JsonNode ledger = json(server.get("/v1/credits?limit=100")).get("ledger");
        assertThat(ledger.get(0).get("reason").textValue()).isEqualTo("refund");
        assertThat(ledger.get(0).get("generationId").longValue()).isEqualTo(generationId);
        assertThat(ledger.get(1).get("reason").textValue()).isEqualTo("generation");
        assertThat(ledger.get(ledger.size() - 1).get("reason").textValue()).isEqualTo("signup");
        assertThat(ledger.get(ledger.size() - 1).get("generationId").isNull())
                .as("regression: a signup row showed generationId 0")
                .isTrue();

        assertThat(server.call("DELETE", "/v1/scenes/" + first, null).statusCode())
                .isEqualTo(204);
        assertThat(server.get("/v1/scenes/" + first).statusCode()).isEqualTo(404);
        assertThat(json(server.get("/v1/generations/" + generationId))
                        .get("sceneId")
                        .isNull())
                .as("the generation outlives its scene")
                .isTrue();
        assertThat(server.call("DELETE", "/v1/projects/" + projectId, null).statusCode())
                .isEqualTo(204);
        assertThat(server.get("/v1/scenes/" + second).statusCode()).isEqualTo(404);
        assertThat(server.get("/v1/projects/" + projectId).statusCode()).isEqualTo(404);
    }

    @Test
    void listsArePaginatedWithAnOpaqueCursor() {
        String key = server.newUserKey("pager");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(json(server.call(key, "POST", "/v1/projects", "{\"name\":\"p" + i + "\"}", Map.of()))
                    .get("id")
                    .longValue());
        }
        List<Long> seen = new ArrayList<>();
        String path = "/v1/projects?limit=2";
        int pages = 0;
        while (path != null) {
            JsonNode page = json(server.call(key, "GET", path, null, Map.of()));
            page.get("items").forEach(n -> seen.add(n.get("id").longValue()));
            pages++;
            path = page.get("nextCursor").isNull()
                    ? null
                    : "/v1/projects?limit=2&cursor=" + page.get("nextCursor").textValue();
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(ids.reversed());
    }

    @Test
    void anotherUsersResourcesAreNotFoundAndNeverListed() {
        long projectId = project(server.key, "mine");
        long sceneId = scene(server.key, projectId, "mine");
        long generationId = json(server.post("/v1/scenes/" + sceneId + "/generations", "{}"))
                .get("id")
                .longValue();
        String other = server.newUserKey("intruder");

        for (String path : List.of(
                "/v1/projects/" + projectId,
                "/v1/projects/" + projectId + "/scenes",
                "/v1/scenes/" + sceneId,
                "/v1/generations/" + generationId)) {
            HttpResponse<byte[]> res = server.call(other, "GET", path, null, Map.of());
            assertThat(res.statusCode()).as(path).isEqualTo(404);
            assertThat(Problem.of(res).type()).isEqualTo("urn:kiln:problem:not-found");
        }
        assertThat(status(other, "PATCH", "/v1/projects/" + projectId, "{\"name\":\"x\"}"))
                .isEqualTo(404);
        assertThat(status(other, "DELETE", "/v1/projects/" + projectId, null)).isEqualTo(404);
        assertThat(status(other, "POST", "/v1/projects/" + projectId + "/scenes", sceneBody("x")))
                .isEqualTo(404);
        assertThat(status(other, "PUT", "/v1/scenes/" + sceneId, sceneBody("x")))
                .isEqualTo(404);
        assertThat(status(other, "DELETE", "/v1/scenes/" + sceneId, null)).isEqualTo(404);
        assertThat(status(other, "POST", "/v1/scenes/" + sceneId + "/generations", "{}"))
                .isEqualTo(404);
        assertThat(status(other, "POST", "/v1/generations/" + generationId + "/cancel", null))
                .isEqualTo(404);

        for (String list : List.of("/v1/projects", "/v1/generations")) {
            assertThat(json(server.call(other, "GET", list, null, Map.of())).get("items"))
                    .as(list)
                    .isEmpty();
        }
        JsonNode credits = json(server.call(other, "GET", "/v1/credits", null, Map.of()));
        assertThat(credits.get("ledger"))
                .allSatisfy(e -> assertThat(e.get("reason").textValue()).isEqualTo("signup"));
        // The owner's resources are untouched.
        assertThat(json(server.get("/v1/generations/" + generationId))
                        .get("status")
                        .textValue())
                .isEqualTo("queued");
    }

    @Test
    void idempotencyKeyReplaysTheFirstAnswerAndRefusesAnotherBody() {
        long sceneId = scene(server.key, project(server.key, "idem"), "idem");
        String path = "/v1/scenes/" + sceneId + "/generations";
        Map<String, String> key = Map.of("Idempotency-Key", "order-42");
        long before = balance(server.key);

        HttpResponse<byte[]> first = server.post(path, "{\"output\":{\"format\":\"png\"}}", key);
        assertThat(first.statusCode()).as(body(first)).isEqualTo(202);
        HttpResponse<byte[]> replay = server.post(path, "{ \"output\" : { \"format\" : \"png\" } }", key);
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(json(replay)).isEqualTo(json(first));
        assertThat(replay.headers().firstValue("Location"))
                .isEqualTo(first.headers().firstValue("Location"));
        assertThat(balance(server.key)).as("charged once").isEqualTo(before - 1);

        HttpResponse<byte[]> other = server.post(path, "{\"output\":{\"format\":\"jpeg\"}}", key);
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(Problem.of(other).type()).isEqualTo("urn:kiln:problem:idempotency-key-reused");

        // Cancelling changes the generation, but a replay still repeats the first answer.
        server.post("/v1/generations/" + json(first).get("id").longValue() + "/cancel", "");
        assertThat(json(server.post(path, "{\"output\":{\"format\":\"png\"}}", key)))
                .isEqualTo(json(first));
    }

    @Test
    void aConcurrentDuplicateWhileTheFirstIsInFlightIs409() throws Exception {
        long sceneId = scene(server.key, project(server.key, "race"), "race");
        String path = "/v1/scenes/" + sceneId + "/generations";
        Map<String, String> key = Map.of("Idempotency-Key", "in-flight-1");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        jobs.hold(entered, release);
        CompletableFuture<HttpResponse<byte[]>> first;
        try {
            first = CompletableFuture.supplyAsync(() -> server.post(path, "{}", key));
            // The first request now holds the key's lock inside its transaction, parked in enqueue.
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            HttpResponse<byte[]> duplicate = server.post(path, "{}", key);
            assertThat(duplicate.statusCode()).as(body(duplicate)).isEqualTo(409);
            assertThat(Problem.of(duplicate).type()).isEqualTo("urn:kiln:problem:conflict");
        } finally {
            release.countDown();
        }
        HttpResponse<byte[]> answered = first.get(10, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).isEqualTo(202);
        assertThat(json(server.post(path, "{}", key))).isEqualTo(json(answered));
    }

    @Test
    void generationStatusHasAnETagAnd304() {
        long sceneId = scene(server.key, project(server.key, "etag"), "etag");
        long id = json(server.post("/v1/scenes/" + sceneId + "/generations", "{}"))
                .get("id")
                .longValue();
        HttpResponse<byte[]> first = server.get("/v1/generations/" + id);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("private, no-cache");

        HttpResponse<byte[]> unchanged =
                server.call(server.key, "GET", "/v1/generations/" + id, null, Map.of("If-None-Match", etag));
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(unchanged.headers().firstValue("ETag")).hasValue(etag);

        server.post("/v1/generations/" + id + "/cancel", "");
        HttpResponse<byte[]> changed =
                server.call(server.key, "GET", "/v1/generations/" + id, null, Map.of("If-None-Match", etag));
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).isPresent().isNotEqualTo(Optional.of(etag));
        assertThat(json(changed).get("status").textValue()).isEqualTo("canceled");
    }

    @Test
    void videoFormatsNeedAnAnimatedDocument() {
        long sceneId = scene(server.key, project(server.key, "video"), "video");
        for (String format : List.of("mp4", "gif", "webp-animated")) {
            HttpResponse<byte[]> res = server.post(
                    "/v1/scenes/" + sceneId + "/generations", "{\"output\":{\"format\":\"" + format + "\"}}");
            assertThat(res.statusCode()).isEqualTo(422);
            assertThat(Problem.of(res).pointers()).containsExactly("/output/format");
        }
    }

    @Test
    void openApiDescribesEveryPlatformRoute() {
        JsonNode paths = json(server.get("/openapi.json")).get("paths");
        for (String path : List.of(
                "/v1/projects",
                "/v1/projects/{id}",
                "/v1/projects/{id}/scenes",
                "/v1/scenes/{id}",
                "/v1/scenes/{id}/generations",
                "/v1/generations",
                "/v1/generations/{id}",
                "/v1/generations/{id}/cancel",
                "/v1/credits")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        assertThat(paths.get("/v1/scenes/{id}/generations")
                        .get("post")
                        .get("responses")
                        .has("402"))
                .isTrue();
    }

    static long project(String key, String name) {
        HttpResponse<byte[]> res = server.call(key, "POST", "/v1/projects", "{\"name\":\"" + name + "\"}", Map.of());
        assertThat(res.statusCode()).as(body(res)).isEqualTo(201);
        return json(res).get("id").longValue();
    }

    static long scene(String key, long projectId, String name) {
        HttpResponse<byte[]> res =
                server.call(key, "POST", "/v1/projects/" + projectId + "/scenes", sceneBody(name), Map.of());
        assertThat(res.statusCode()).as(body(res)).isEqualTo(201);
        long id = json(res).get("id").longValue();
        assertThat(res.headers().firstValue("Location")).hasValue("/v1/scenes/" + id);
        return id;
    }

    static String sceneBody(String name) {
        return "{\"name\":\"" + name + "\",\"document\":" + SCENE_DOC + "}";
    }

    static long balance(String key) {
        return json(server.call(key, "GET", "/v1/credits", null, Map.of()))
                .get("balance")
                .longValue();
    }

    static int status(String key, String method, String path, String json) {
        return server.call(key, method, path, json, Map.of()).statusCode();
    }

    static JsonNode json(HttpResponse<byte[]> res) {
        try {
            return MAPPER.readTree(res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String body(HttpResponse<byte[]> res) {
        return new String(res.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The placeholder, except that one chosen enqueue can be parked, to hold a request in flight. */
    static final class GatedJobs implements GenerationJobs {
        private final PlaceholderGenerationJobs delegate = new PlaceholderGenerationJobs();
        private volatile CountDownLatch entered;
        private volatile CountDownLatch release;

        void hold(CountDownLatch entered, CountDownLatch release) {
            this.entered = entered;
            this.release = release;
        }

        @Override
        public long enqueue(Connection tx, GenerationJob job) throws SQLException {
            CountDownLatch e = entered;
            CountDownLatch r = release;
            if (e != null && r != null) {
                entered = null;
                release = null;
                e.countDown();
                try {
                    r.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            return delegate.enqueue(tx, job);
        }

        @Override
        public void cancel(Connection tx, long jobId) throws SQLException {
            delegate.cancel(tx, jobId);
        }
    }
}
