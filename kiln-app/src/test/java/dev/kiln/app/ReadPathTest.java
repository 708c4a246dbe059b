package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.platform.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Kiln instances sharing PostgreSQL and Redis (the shared server, DB 2, a key prefix of this run): {@code a}
 * serves the API and runs the workers, {@code b} serves the API only. The in-flight TTL is a minute, so only an
 * invalidation (never an expiry) can make {@code b} show a change that {@code a} made.
 */
class ReadPathTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='64' height='32'>"
            + "<rect width='64' height='32' fill='#ff6633'/></svg>";

    static Wiring a;
    static Wiring b;
    static HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        String prefix = "rpt-" + UUID.randomUUID().toString().substring(0, 8);
        a = Wiring.start(KilnConfig.from(new Settings(env(prefix, "all"))));
        b = Wiring.start(KilnConfig.from(new Settings(env(prefix, "api"))));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.redis.available() && b.redis.available());
    }

    static Map<String, String> env(String prefix, String role) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_HOME", Files.createTempDirectory("kiln-home").toString());
        env.put("KILN_RENDER_WORKERS", "2");
        env.put("KILN_ROLE", role);
        env.put("KILN_REDIS_URL", "redis://127.0.0.1:6379/2");
        env.put("KILN_REDIS_PREFIX", prefix);
        env.put("KILN_RATE_LIMIT", "0"); // these tests poll as fast as they can
        env.put("KILN_CACHE_INFLIGHT_TTL", "60s");
        return env;
    }

    @AfterAll
    static void stop() {
        for (Wiring w : new Wiring[] {b, a}) {
            if (w != null) {
                w.drainAndClose();
            }
        }
    }

    @Test
    void aWorkersStatusChangesReachTheOtherInstanceWithinASecondAndNeverGoBack() throws Exception {
        String key = a.apiKeys.create("coherence").token();
        long scene = scene(a, key);
        HttpResponse<byte[]> accepted = call(
                b, key, "POST", "/v1/scenes/" + scene + "/generations", "{\"output\":{\"format\":\"png\"}}", Map.of());
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        long id = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));

        // Poll b (the instance that does not run the job) and the database side by side: b must show each status
        // within a second of the database having it, and never an older status after a newer one.
        List<String> order = List.of("queued", "processing", "completed");
        Map<String, Long> inDatabase = new HashMap<>();
        Map<String, Long> onB = new HashMap<>();
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!onB.containsKey("completed") && System.nanoTime() < deadline) {
            String dbStatus = statusInDatabase(id);
            long now = System.nanoTime();
            inDatabase.putIfAbsent(dbStatus, now);
            String status = json(call(b, key, "GET", location, null, Map.of()), 200)
                    .get("status")
                    .textValue();
            onB.putIfAbsent(status, System.nanoTime());
            if (!seen.isEmpty()) {
                assertThat(order.indexOf(status))
                        .as("no stale read: " + seen + " then " + status)
                        .isGreaterThanOrEqualTo(order.indexOf(seen.getLast()));
            }
            seen.add(status);
        }
        assertThat(onB).containsKey("completed");
        // When the database had not yet committed at this iteration's database read but b already showed the new
        // status, the commit fell between the two reads: b lagged by nothing.
        long committed = inDatabase.getOrDefault("completed", onB.get("completed"));
        assertThat(Duration.ofNanos(onB.get("completed") - committed))
                .as("completed on b after the database had it")
                .isLessThan(Duration.ofSeconds(1));
        for (int i = 0; i < 20; i++) {
            assertThat(json(call(b, key, "GET", location, null, Map.of()), 200)
                            .get("status")
                            .textValue())
                    .isEqualTo("completed");
        }
    }

    @Test
    void anApiWriteOnOneInstanceReachesTheOthersCachedDashboardAndETags() throws Exception {
        String key = a.apiKeys.create("dashboard").token();
        long project = json(call(a, key, "POST", "/v1/projects", "{\"name\":\"before\"}", Map.of()), 201)
                .get("id")
                .longValue();
        HttpResponse<byte[]> first = call(b, key, "GET", "/v1/dashboard", null, Map.of());
        assertThat(json(first, 200).at("/items/0/name").textValue()).isEqualTo("before");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(call(b, key, "GET", "/v1/dashboard", null, Map.of("If-None-Match", etag))
                        .statusCode())
                .isEqualTo(304);

        // The page has no generation in flight, so b keeps it for minutes: only the invalidation can refresh it.
        assertThat(call(a, key, "PATCH", "/v1/projects/" + project, "{\"name\":\"after\"}", Map.of())
                        .statusCode())
                .isEqualTo(200);
        JsonNode fresh = Awaitility.await()
                .atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(10))
                .until(
                        () -> json(call(b, key, "GET", "/v1/dashboard", null, Map.of()), 200),
                        n -> n.at("/items/0/name").textValue().equals("after"));
        assertThat(fresh.at("/items/0/name").textValue()).isEqualTo("after");
        HttpResponse<byte[]> revalidated = call(b, key, "GET", "/v1/dashboard", null, Map.of("If-None-Match", etag));
        assertThat(revalidated.statusCode())
                .as("the old ETag no longer matches")
                .isEqualTo(200);
        assertThat(revalidated.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
    }

    @Test
    void generationStatusHasAnETagAndAnswers304UntilItChanges() throws Exception {
        String key = a.apiKeys.create("etag").token();
        String other = a.apiKeys.create("etag-other").token();
        long scene = scene(a, key);
        String location = call(a, key, "POST", "/v1/scenes/" + scene + "/generations", "{}", Map.of())
                .headers()
                .firstValue("Location")
                .orElseThrow();
        JsonNode done = Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> json(call(b, key, "GET", location, null, Map.of()), 200),
                        n -> n.get("status").textValue().equals("completed"));
        HttpResponse<byte[]> r = call(b, key, "GET", location, null, Map.of());
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
        HttpResponse<byte[]> notModified = call(b, key, "GET", location, null, Map.of("If-None-Match", etag));
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(call(a, key, "GET", location, null, Map.of("If-None-Match", etag))
                        .statusCode())
                .as("the same ETag on every instance")
                .isEqualTo(304);
        assertThat(done.get("status").textValue()).isEqualTo("completed");
        // A cached copy is never another user's: the owner's entry is warm, the other user still gets 404.
        assertThat(call(b, other, "GET", location, null, Map.of()).statusCode()).isEqualTo(404);
        assertThat(call(b, other, "GET", location, null, Map.of("If-None-Match", etag))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void aCachedPageIsCompressedOnceAndInflatesToTheSameBody() throws Exception {
        String key = a.apiKeys.create("gzip").token();
        scene(b, key);
        HttpResponse<byte[]> identity = call(b, key, "GET", "/v1/dashboard", null, Map.of());
        Map<String, String> gzip = Map.of("Accept-Encoding", "gzip");
        HttpResponse<byte[]> first = call(b, key, "GET", "/v1/dashboard", null, gzip);
        HttpResponse<byte[]> second = call(b, key, "GET", "/v1/dashboard", null, gzip);
        assertThat(first.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(second.body()).as("the cached value's one gzip form").isEqualTo(first.body());
        assertThat(second.headers().firstValue("ETag"))
                .isEqualTo(identity.headers().firstValue("ETag"));
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(second.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(identity.body());
        }
    }

    @Test
    void thePoolReportsHowLongRequestsWaitedForAConnection() throws Exception {
        String key = a.apiKeys.create("pool-metrics").token();
        scene(b, key);
        String metrics = new String(
                call(b, key, "GET", "/metrics", null, Map.of()).body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(metrics.lines().filter(l -> l.startsWith("hikaricp_connections_acquire_seconds_count{")))
                .singleElement()
                .satisfies(l -> assertThat(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                        .isPositive());
        assertThat(metrics).contains("hikaricp_connections_timeout_total{pool=\"kiln\"} 0.0");
    }

    static long scene(Wiring w, String key) throws Exception {
        long project = json(call(w, key, "POST", "/v1/projects", "{\"name\":\"p\"}", Map.of()), 201)
                .get("id")
                .longValue();
        String doc = JSON.createObjectNode().put("type", "svg").put("svg", SVG).toString();
        return json(
                        call(
                                w,
                                key,
                                "POST",
                                "/v1/projects/" + project + "/scenes",
                                "{\"name\":\"s\",\"document\":" + doc + "}",
                                Map.of()),
                        201)
                .get("id")
                .longValue();
    }

    static String statusInDatabase(long id) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT status FROM generations WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    static HttpResponse<byte[]> call(
            Wiring w, String key, String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.server.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        headers.forEach(r::header);
        return client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> res, int status) throws Exception {
        assertThat(res.statusCode())
                .as(new String(res.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(status);
        return JSON.readTree(res.body());
    }
}
