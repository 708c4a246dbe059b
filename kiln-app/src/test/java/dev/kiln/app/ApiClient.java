package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The app tests' HTTP client: one server, calls made with an API key, JSON answers checked for their status. */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String base;

    private ApiClient(String base) {
        this.base = base;
    }

    /** A client of the server {@code wiring} started. */
    static ApiClient of(Wiring wiring) {
        return new ApiClient("http://127.0.0.1:" + wiring.server.port());
    }

    /** {@code method path} with {@code key}; {@code body} (JSON) may be null. */
    HttpResponse<byte[]> call(String key, String method, String path, String body, Map<String, String> headers)
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
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> call(String key, String method, String path, String body) throws Exception {
        return call(key, method, path, body, Map.of());
    }

    /** The JSON body of {@code res}, after checking its status (the body is the assertion's description). */
    static JsonNode json(HttpResponse<byte[]> res, int status) throws Exception {
        assertThat(res.statusCode())
                .as(new String(res.body(), StandardCharsets.UTF_8))
                .isEqualTo(status);
        return JSON.readTree(res.body());
    }

    /** A project with one SVG scene of {@code svg}, owned by {@code key}'s user; returns the scene's id. */
    long scene(String key, String svg) throws Exception {
        return scene(key, JSON.createObjectNode().put("type", "svg").put("svg", svg));
    }

    /** A project with one scene of {@code document}, owned by {@code key}'s user; returns the scene's id. */
    long scene(String key, JsonNode document) throws Exception {
        long project = json(call(key, "POST", "/v1/projects", "{\"name\":\"p\"}"), 201)
                .get("id")
                .longValue();
        return json(
                        call(
                                key,
                                "POST",
                                "/v1/projects/" + project + "/scenes",
                                "{\"name\":\"s\",\"document\":" + document + "}"),
                        201)
                .get("id")
                .longValue();
    }
}
