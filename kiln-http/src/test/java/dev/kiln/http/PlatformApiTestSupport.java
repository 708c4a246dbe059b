package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

/** Creates a project with one scene over HTTP, for tests that need a scene to generate from. */
final class PlatformApiTestSupport {
    private PlatformApiTestSupport() {}

    /** A new project of {@code apiKey}'s user with one 120×60 SVG scene; returns the scene's id. */
    static long scene(TestServer server, String apiKey) {
        HttpResponse<byte[]> project = server.call(apiKey, "POST", "/v1/projects", "{\"name\":\"p\"}", Map.of());
        assertThat(project.statusCode()).isEqualTo(201);
        long projectId = PlatformApiTest.json(project).get("id").longValue();
        HttpResponse<byte[]> scene = server.call(
                apiKey, "POST", "/v1/projects/" + projectId + "/scenes", PlatformApiTest.sceneBody("s"), Map.of());
        assertThat(scene.statusCode()).isEqualTo(201);
        return PlatformApiTest.json(scene).get("id").longValue();
    }
}
