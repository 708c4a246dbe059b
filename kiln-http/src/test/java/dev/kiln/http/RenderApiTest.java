package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.testing.TestDatabase;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RenderApiTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(db.database());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "webp"})
    void rendersEachFormat(String format) {
        HttpResponse<byte[]> res = server.post("/v1/renders", Docs.blue(format));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("image/" + format);
        assertThat(res.headers().firstValue("X-Request-Id")).isPresent();
        if (!format.equals("webp")) {
            BufferedImage img = decode(res.body());
            assertThat(img.getWidth()).isEqualTo(120);
            assertThat(img.getHeight()).isEqualTo(60);
            int rgb = img.getRGB(60, 30);
            assertThat((rgb >> 16) & 0xff).isBetween(0x33 - 6, 0x33 + 6);
            assertThat(rgb & 0xff).isBetween(0xff - 6, 0xff);
        } else {
            assertThat(new String(res.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
            assertThat(new String(res.body(), 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WEBP");
        }
    }

    /** The README's first curl: examples/card.json renders as a 1200×630 PNG. */
    @Test
    void rendersTheReadmeSampleCard() throws IOException {
        java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath();
        while (!java.nio.file.Files.exists(dir.resolve("examples/card.json"))) {
            dir = dir.getParent();
        }
        String card = java.nio.file.Files.readString(dir.resolve("examples/card.json"));
        HttpResponse<byte[]> res = server.post("/v1/renders", card);
        assertThat(res.statusCode())
                .as(new String(res.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        BufferedImage img = decode(res.body());
        assertThat(img.getWidth()).isEqualTo(1200);
        assertThat(img.getHeight()).isEqualTo(630);
    }

    @Test
    void sameRequestGivesIdenticalBytes() {
        byte[] a = server.post("/v1/renders", Docs.blue("png")).body();
        byte[] b = server.post("/v1/renders", Docs.blue("png")).body();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void echoesASafeRequestIdAndReplacesAnUnsafeOne() {
        var ok = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Request-Id", "abc-123"));
        assertThat(ok.headers().firstValue("X-Request-Id")).hasValue("abc-123");
        var bad = server.post("/v1/renders", Docs.blue("png"), Map.of("X-Request-Id", "x".repeat(300)));
        assertThat(bad.headers().firstValue("X-Request-Id"))
                .hasValueSatisfying(id -> assertThat(id).hasSize(16));
    }

    @Test
    void missingOrWrongKeyIs401Problem() {
        HttpResponse<byte[]> none = server.send(HttpRequest.newBuilder(server.base.resolve("/v1/renders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Docs.blue("png")))
                .build());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(Problem.of(none).type()).endsWith("unauthorized");

        HttpResponse<byte[]> wrong = server.send(HttpRequest.newBuilder(server.base.resolve("/v1/renders"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer kiln_AAAAAAAAAAAA_not-a-real-secret")
                .POST(HttpRequest.BodyPublishers.ofString(Docs.blue("png")))
                .build());
        assertThat(wrong.statusCode()).isEqualTo(401);
        Problem.of(wrong);

        HttpResponse<byte[]> basic = server.send(HttpRequest.newBuilder(server.base.resolve("/v1/renders"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic dXNlcjpwYXNz")
                .POST(HttpRequest.BodyPublishers.ofString(Docs.blue("png")))
                .build());
        assertThat(basic.statusCode()).isEqualTo(401);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        HttpResponse<byte[]> nf = server.get("/v1/nope");
        assertThat(nf.statusCode()).isEqualTo(404);
        assertThat(Problem.of(nf).type()).endsWith("not-found");

        HttpResponse<byte[]> wm = server.get("/v1/renders");
        assertThat(wm.statusCode()).isEqualTo(405);
        assertThat(wm.headers().firstValue("Allow")).hasValue("POST");
        Problem.of(wm);
    }

    @Test
    void wrongContentTypeIs415() {
        HttpResponse<byte[]> res = server.send(HttpRequest.newBuilder(server.base.resolve("/v1/renders"))
                .header("Authorization", "Bearer " + server.key)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(Docs.blue("png")))
                .build());
        assertThat(res.statusCode()).isEqualTo(415);
        Problem.of(res);
    }

    @Test
    void opsEndpointsAnswer() {
        assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> schema = server.send(HttpRequest.newBuilder(server.base.resolve("/v1/schema/scene.json"))
                .GET()
                .build());
        assertThat(schema.statusCode())
                .as("the schema is documentation and needs no key")
                .isEqualTo(200);
        assertThat(new String(schema.body(), StandardCharsets.UTF_8)).contains("\"$schema\"");
        HttpResponse<byte[]> openapi = server.get("/openapi.json");
        assertThat(new String(openapi.body(), StandardCharsets.UTF_8)).contains("/v1/renders");
    }

    @Test
    void metricsExposeRouteHistogramsAndRenderFigures() {
        server.post("/v1/renders", Docs.blue("png"));
        String text = new String(server.get("/metrics").body(), StandardCharsets.UTF_8);
        assertThat(text).contains("kiln_http_server_requests_seconds_bucket");
        assertThat(text).contains("route=\"/v1/renders\"");
        assertThat(text).contains("kiln_render_duration_seconds");
    }

    @Test
    void gzipsJsonWhenAccepted() {
        HttpResponse<byte[]> res = server.send(HttpRequest.newBuilder(server.base.resolve("/openapi.json"))
                .header("Accept-Encoding", "gzip")
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
        assertThat(res.headers().firstValue("Content-Encoding")).hasValue("gzip");
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            assertThat(img).as("decodable image").isNotNull();
            return img;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
