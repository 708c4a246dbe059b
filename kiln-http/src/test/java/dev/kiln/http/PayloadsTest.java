package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every list endpoint is bounded (at most 100 items, whatever {@code limit} asks, with a cursor to the rest), and every
 * JSON answer is gzip-compressed when, and only when, the client accepts gzip.
 */
class PayloadsTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static TestServer server;
    static String key;
    static long project;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(db.database());
        key = server.newUserKey("big");
        long user = DashboardTest.userOfKey(db, key);
        // 150 of everything a list can return, written straight to the database.
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        WITH p AS (
                            INSERT INTO projects (user_id, name) SELECT ?, 'p' || n FROM generate_series(1, 150) n
                            RETURNING id),
                        s AS (
                            INSERT INTO scenes (project_id, user_id, name, position, document)
                            SELECT (SELECT min(id) FROM p), ?, 's' || k, k, '{"type":"svg"}'::jsonb
                              FROM generate_series(0, 149) k
                            RETURNING id, project_id),
                        g AS (
                            INSERT INTO generations (user_id, project_id, scene_id, cost, render_request)
                            SELECT ?, project_id, id, 1, '{}'::jsonb FROM s
                            RETURNING id)
                        INSERT INTO credit_ledger (user_id, delta, balance_after, reason)
                        SELECT ?, 1, 1000 + n, 'grant' FROM generate_series(1, 150) n""")) {
            for (int i = 1; i <= 4; i++) {
                ps.setLong(i, user);
            }
            ps.executeUpdate();
        }
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT min(id) FROM projects WHERE user_id = ?")) {
            ps.setLong(1, user);
            try (var rs = ps.executeQuery()) {
                rs.next();
                project = rs.getLong(1);
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<String> lists() {
        return List.of(
                "/v1/projects",
                "/v1/projects/" + project + "/scenes",
                "/v1/generations",
                "/v1/generations?status=queued",
                "/v1/credits",
                "/v1/dashboard");
    }

    /** The array a list answers with. */
    static JsonNode items(String path, JsonNode body) {
        return path.startsWith("/v1/credits") ? body.get("ledger") : body.get("items");
    }

    @Test
    void noListAnswersMoreThanAHundredItems() throws Exception {
        for (String path : lists()) {
            String sep = path.contains("?") ? "&" : "?";
            JsonNode big = json(get(path + sep + "limit=100000", Optional.empty()));
            assertThat(items(path, big)).as(path).hasSize(100);
            assertThat(big.get("nextCursor").isTextual())
                    .as(path + " points at the rest")
                    .isTrue();
            JsonNode dflt = json(get(path, Optional.empty()));
            assertThat(items(path, dflt)).as(path + " default page").hasSize(20);
        }
        JsonNode dashboard = json(get("/v1/dashboard?limit=100", Optional.empty()));
        for (JsonNode p : dashboard.get("items")) {
            assertThat(p.get("scenes").size()).isLessThanOrEqualTo(20);
        }
    }

    @Test
    void jsonIsGzippedWhenAcceptedAndOnlyThen() throws Exception {
        for (String path : lists()) {
            HttpResponse<byte[]> plain = get(path, Optional.empty());
            assertThat(plain.headers().firstValue("Content-Encoding")).as(path).isEmpty();
            HttpResponse<byte[]> zipped = get(path, Optional.of("br;q=1, gzip;q=0.8"));
            assertThat(zipped.headers().firstValue("Content-Encoding")).as(path).hasValue("gzip");
            assertThat(zipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
            byte[] inflated = new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes();
            assertThat(zipped.body().length).as(path + " is smaller").isLessThan(inflated.length);
            assertThat(Api.MAPPER.readTree(inflated)).as(path).isEqualTo(Api.MAPPER.readTree(plain.body()));
        }
        for (String refuses : List.of("gzip;q=0", "gzip; q=0.0", "identity", "*, gzip;q=0")) {
            assertThat(get("/v1/projects", Optional.of(refuses)).headers().firstValue("Content-Encoding"))
                    .as(refuses)
                    .isEmpty();
        }
        assertThat(get("/v1/projects", Optional.of("*")).headers().firstValue("Content-Encoding"))
                .hasValue("gzip");
    }

    static HttpResponse<byte[]> get(String path, Optional<String> acceptEncoding) {
        HttpResponse<byte[]> r = server.call(
                key,
                "GET",
                path,
                null,
                acceptEncoding.map(a -> Map.of("Accept-Encoding", a)).orElse(Map.of()));
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r;
    }

    static JsonNode json(HttpResponse<byte[]> r) throws java.io.IOException {
        return Api.MAPPER.readTree(r.body());
    }
}
