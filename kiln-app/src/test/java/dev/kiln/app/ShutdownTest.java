package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kiln up} as a real process: first-start key, then SIGTERM drains in-flight work and exits 0. */
class ShutdownTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final Pattern UP = Pattern.compile("Kiln is up on (http://127\\.0\\.0\\.1:\\d+)");

    @Test
    void sigtermFinishesInFlightRendersRefusesNewOnesAndExitsZero() throws Exception {
        Path home = Files.createTempDirectory("kiln-home");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.kiln.app.Main",
                        "up")
                .redirectErrorStream(true);
        pb.environment().put("KILN_PORT", "0");
        pb.environment().put("KILN_DB_NAME", db.config().database());
        pb.environment().put("KILN_HOME", home.toString());
        pb.environment().put("KILN_RENDER_WORKERS", "1");
        pb.environment().put("KILN_RENDER_QUEUE", "8");
        // Budgets far beyond the work, so that a loaded machine (four heavy renders on one worker can take 30 s at a
        // load average of 20) cannot turn a drain that works into a 504 or a cut-off: this test is about semantics.
        pb.environment().put("KILN_MAX_REQUEST_TIMEOUT", "180s");
        pb.environment().put("KILN_DRAIN_TIMEOUT", "180s");
        Process p = pb.start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        try {
            String base = null;
            String key = null;
            List<String> seen = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((base == null || key == null) && System.nanoTime() < until) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                seen.add(line);
                Matcher m = UP.matcher(line);
                if (m.find()) {
                    base = m.group(1);
                }
                if (line.strip().startsWith("kiln_")) {
                    key = line.strip();
                }
            }
            assertThat(base).as("startup banner; output so far: %s", seen).isNotNull();
            assertThat(key).as("the first start prints a key").isNotNull();
            assertThat(Files.readString(home.resolve("api-key")).strip()).isEqualTo(key);

            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<byte[]>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                inFlight.add(client.sendAsync(
                        HttpRequest.newBuilder(URI.create(base + "/v1/renders"))
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/json")
                                .header("X-Timeout-Ms", "180000")
                                .POST(HttpRequest.BodyPublishers.ofString(heavyRender()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
            }
            final String readyz = base + "/readyz";
            org.awaitility.Awaitility.await()
                    .pollInterval(Duration.ofMillis(10))
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> {
                        String body = client.send(
                                        HttpRequest.newBuilder(URI.create(readyz))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                        // All four admitted (one rendering, three queued) before the signal: requests that arrive
                        // after the drain starts are refused 503 by design, and this test is about admitted work.
                        return body.contains("\"running\":1") && body.contains("\"queued\":3");
                    });

            p.destroy(); // SIGTERM

            for (CompletableFuture<HttpResponse<byte[]>> f : inFlight) {
                HttpResponse<byte[]> res = f.get(180, TimeUnit.SECONDS);
                assertThat(res.statusCode())
                        .as("admitted work finishes during the drain")
                        .isEqualTo(200);
                assertThat(res.headers().firstValue("Content-Type")).hasValue("image/png");
            }
            assertThat(p.waitFor(180, TimeUnit.SECONDS))
                    .as("exits within the drain timeout")
                    .isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    /** A render that takes a while: a 1200×630 card drawn at 3600 px wide. */
    static String heavyRender() {
        StringBuilder svg = new StringBuilder("<svg xmlns='http://www.w3.org/2000/svg' width='1200' height='630'>"
                + "<defs><linearGradient id='g' x1='0' y1='0' x2='1' y2='1'>"
                + "<stop offset='0' stop-color='#1d2b64'/><stop offset='1' stop-color='#f8cdda'/></linearGradient></defs>"
                + "<rect width='1200' height='630' fill='url(#g)'/>");
        for (int i = 0; i < 60; i++) {
            svg.append("<circle cx='")
                    .append(20 * i)
                    .append("' cy='")
                    .append(10 * i)
                    .append("' r='160' fill='#ffffff' fill-opacity='0.15'/>");
        }
        svg.append("</svg>");
        return "{\"document\":{\"type\":\"svg\",\"svg\":\"" + svg
                + "\"},\"output\":{\"format\":\"png\",\"width\":3600}}";
    }
}
