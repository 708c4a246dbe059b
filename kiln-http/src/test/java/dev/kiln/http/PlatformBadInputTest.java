package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.PageRequest;
import dev.kiln.platform.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed and hostile input on every platform route: a 4xx problem that points at the field; the server lives. */
class PlatformBadInputTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static TestServer server;
    static long projectId;
    static long sceneId;
    static long generationId;

    @BeforeAll
    static void start() {
        server = TestServer.start(db.database());
        sceneId = PlatformApiTestSupport.scene(server, server.key);
        projectId = PlatformApiTest.json(server.get("/v1/scenes/" + sceneId))
                .get("projectId")
                .longValue();
        generationId = PlatformApiTest.json(server.post("/v1/scenes/" + sceneId + "/generations", "{}"))
                .get("id")
                .longValue();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void serverStaysHealthy() {
        assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(server.get("/v1/projects/" + projectId).statusCode()).isEqualTo(200);
    }

    static Stream<Arguments> badRequests() {
        String scene = "{\"name\":\"s\",\"document\":%s}";
        String otherCursor = java.util.Base64.getUrlEncoder().encodeToString("something else".getBytes());
        return Stream.of(
                Arguments.of("POST", "/v1/projects", "{\"name\": ", 400, ""),
                Arguments.of("POST", "/v1/projects", "[1]", 422, ""),
                Arguments.of("POST", "/v1/projects", "{}", 422, "/name"),
                Arguments.of("POST", "/v1/projects", "{\"name\":5}", 422, "/name"),
                Arguments.of("POST", "/v1/projects", "{\"name\":\"   \"}", 422, "/name"),
                Arguments.of("POST", "/v1/projects", "{\"name\":\"" + "x".repeat(201) + "\"}", 422, "/name"),
                Arguments.of("POST", "/v1/projects", "{\"name\":\"x\",\"colour\":1}", 422, "/colour"),
                Arguments.of("GET", "/v1/projects?limit=abc", null, 400, ""),
                Arguments.of("GET", "/v1/projects?limit=0", null, 400, ""),
                Arguments.of("GET", "/v1/projects?cursor=%25%25%25", null, 400, ""),
                Arguments.of("GET", "/v1/projects?cursor=" + otherCursor, null, 400, ""),
                Arguments.of("GET", "/v1/projects/999999999", null, 404, null),
                Arguments.of("GET", "/v1/projects/abc", null, 404, null),
                Arguments.of("GET", "/v1/projects/99999999999999999999999999", null, 404, null),
                Arguments.of("GET", "/v1/projects/-1", null, 404, null),
                Arguments.of("PUT", "/v1/projects/{p}", "{\"name\":\"x\"}", 405, null),
                Arguments.of("PATCH", "/v1/projects/{p}", "{\"name\":", 400, ""),
                Arguments.of("PATCH", "/v1/projects/{p}", "{\"name\":[]}", 422, "/name"),
                Arguments.of("PATCH", "/v1/projects/999999999", "{\"name\":\"x\"}", 404, null),
                Arguments.of("DELETE", "/v1/projects/999999999", null, 404, null),
                Arguments.of("POST", "/v1/projects/{p}/scenes", "{\"name\":\"s\"}", 422, "/document"),
                Arguments.of(
                        "POST",
                        "/v1/projects/{p}/scenes",
                        scene.formatted("{\"type\":\"pdf\"}"),
                        422,
                        "/document/type"),
                Arguments.of(
                        "POST",
                        "/v1/projects/{p}/scenes",
                        scene.formatted("{\"type\":\"scene\",\"width\":\"wide\",\"height\":10,\"layers\":[]}"),
                        422,
                        "/document/width"),
                Arguments.of("POST", "/v1/projects/{p}/scenes", scene.formatted("7"), 422, "/document"),
                Arguments.of("POST", "/v1/projects/999999999/scenes", PlatformApiTest.sceneBody("s"), 404, null),
                Arguments.of("GET", "/v1/projects/{p}/scenes?cursor=nope", null, 400, ""),
                Arguments.of("GET", "/v1/projects/999999999/scenes", null, 404, null),
                Arguments.of("PUT", "/v1/scenes/{s}", "{", 400, ""),
                Arguments.of("PUT", "/v1/scenes/{s}", "{\"name\":\"x\",\"document\":7}", 422, "/document"),
                Arguments.of("PUT", "/v1/scenes/999999999", PlatformApiTest.sceneBody("s"), 404, null),
                Arguments.of("GET", "/v1/scenes/999999999", null, 404, null),
                Arguments.of("DELETE", "/v1/scenes/999999999", null, 404, null),
                Arguments.of("POST", "/v1/scenes/{s}/generations", "{\"output\":", 400, ""),
                Arguments.of("POST", "/v1/scenes/{s}/generations", "{\"output\":\"png\"}", 422, "/output"),
                Arguments.of(
                        "POST",
                        "/v1/scenes/{s}/generations",
                        "{\"output\":{\"format\":\"bmp\"}}",
                        422,
                        "/output/format"),
                Arguments.of(
                        "POST",
                        "/v1/scenes/{s}/generations",
                        "{\"output\":{\"format\":\"png\",\"width\":100000}}",
                        422,
                        "/output/width"),
                Arguments.of("POST", "/v1/scenes/{s}/generations", "{\"outptu\":{}}", 422, "/outptu"),
                Arguments.of("POST", "/v1/scenes/999999999/generations", "{}", 404, null),
                Arguments.of("GET", "/v1/generations?status=done", null, 400, ""),
                Arguments.of("GET", "/v1/generations?limit=-5", null, 400, ""),
                Arguments.of("GET", "/v1/generations/999999999", null, 404, null),
                Arguments.of("POST", "/v1/generations/999999999/cancel", null, 404, null),
                Arguments.of("GET", "/v1/generations/{g}/cancel", null, 405, null),
                Arguments.of("GET", "/v1/credits?cursor=zzz", null, 400, ""));
    }

    @ParameterizedTest(name = "{0} {1} {2} → {3}")
    @MethodSource("badRequests")
    void answersAProblem(String method, String path, String body, int status, String pointer) {
        String resolved = path.replace("{p}", Long.toString(projectId))
                .replace("{s}", Long.toString(sceneId))
                .replace("{g}", Long.toString(generationId));
        HttpResponse<byte[]> res = server.call(server.key, method, resolved, body, Map.of());
        assertThat(res.statusCode()).as(PlatformApiTest.body(res)).isEqualTo(status);
        Problem p = Problem.of(res);
        if (pointer != null) {
            assertThat(p.pointers()).contains(pointer);
        }
    }

    @Test
    void aHugeLimitIsClampedToTheMaximum() throws java.sql.SQLException {
        var user = server.keys.create("many");
        try (var c = db.dataSource().getConnection();
                var ps = c.prepareStatement(
                        "INSERT INTO projects (user_id, name) SELECT ?, 'p' || g FROM generate_series(1, ?) g")) {
            ps.setLong(1, user.userId());
            ps.setInt(2, PageRequest.MAX_LIMIT + 1);
            ps.executeUpdate();
        }
        HttpResponse<byte[]> res = server.call(user.token(), "GET", "/v1/projects?limit=1000000000", null, Map.of());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(PlatformApiTest.json(res).get("items")).hasSize(PageRequest.MAX_LIMIT);
        assertThat(PlatformApiTest.json(res).get("nextCursor").isTextual()).isTrue();
    }

    @Test
    void aBadIdempotencyKeyIs400() {
        HttpResponse<byte[]> res = server.call(
                server.key,
                "POST",
                "/v1/scenes/" + sceneId + "/generations",
                "{}",
                Map.of("Idempotency-Key", "k".repeat(256)));
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(Problem.of(res).detail()).contains("Idempotency-Key");
    }

    @Test
    void withoutAKeyEveryPlatformRouteIs401() {
        for (String path : new String[] {"/v1/projects", "/v1/generations", "/v1/credits", "/v1/scenes/1"}) {
            HttpResponse<byte[]> res = server.send(java.net.http.HttpRequest.newBuilder(server.base.resolve(path))
                    .GET()
                    .build());
            assertThat(res.statusCode()).as(path).isEqualTo(401);
        }
    }
}
