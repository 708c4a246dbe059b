package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.testing.CountingDataSource;
import dev.kiln.platform.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/dashboard} costs the same number of SQL statements for one project as for 40 projects with 200
 * scenes, counted for real by a JDBC proxy under the platform, and its figures match the database.
 */
class DashboardTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static CountingDataSource counter;
    static TestServer server;

    @BeforeAll
    static void start() {
        counter = CountingDataSource.over(db.dataSource());
        server = TestServer.start(db.database(), counter.dataSource());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void statementCountDoesNotGrowWithProjectsAndScenes() throws Exception {
        String small = server.newUserKey("one-project");
        long p = createProject(small, "only");
        long s = createScene(small, p);
        server.call(small, "POST", "/v1/scenes/" + s + "/generations", "{}", Map.of());
        long oneProject = statementsOf(small, "/v1/dashboard");
        JsonNode one = json(server.call(small, "GET", "/v1/dashboard", null, Map.of()));
        assertThat(one.get("items")).hasSize(1);
        assertThat(one.at("/items/0/scenes/0/latestGeneration/status").asText()).isEqualTo("queued");

        String big = server.newUserKey("forty-projects");
        long bigUser = userOf(big);
        seed(bigUser, 40, 5);
        long fortyProjects = statementsOf(big, "/v1/dashboard?limit=100");
        JsonNode forty = json(server.call(big, "GET", "/v1/dashboard?limit=100", null, Map.of()));

        assertThat(forty.get("items")).hasSize(40);
        int scenes = 0;
        for (JsonNode project : forty.get("items")) {
            scenes += project.get("scenes").size();
        }
        assertThat(scenes).isEqualTo(200);
        assertThat(oneProject).as(counter.statements().toString()).isLessThanOrEqualTo(4);
        assertThat(fortyProjects).as(counter.statements().toString()).isEqualTo(oneProject);
        assertMatchesDatabase(bigUser, forty);
    }

    @Test
    void pagesAreBoundedAndChainByCursor() throws Exception {
        String key = server.newUserKey("paging");
        seed(userOf(key), 25, 1);
        JsonNode first = json(server.call(key, "GET", "/v1/dashboard?limit=10", null, Map.of()));
        assertThat(first.get("items")).hasSize(10);
        String cursor = first.get("nextCursor").asText();
        JsonNode second = json(server.call(key, "GET", "/v1/dashboard?limit=10&cursor=" + cursor, null, Map.of()));
        assertThat(second.get("items")).hasSize(10);
        assertThat(second.at("/items/0/id").asLong())
                .isLessThan(first.at("/items/9/id").asLong());
        JsonNode all = json(server.call(key, "GET", "/v1/dashboard?limit=1000", null, Map.of()));
        assertThat(all.get("items")).hasSize(25);
        assertThat(all.get("nextCursor").isNull()).isTrue();

        HttpResponse<byte[]> bad = server.call(key, "GET", "/v1/dashboard?cursor=nonsense", null, Map.of());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void aProjectShowsItsFirstScenesAndPointsAtTheRest() throws Exception {
        String key = server.newUserKey("many-scenes");
        seed(userOf(key), 1, 25);
        JsonNode page = json(server.call(key, "GET", "/v1/dashboard", null, Map.of()));
        JsonNode project = page.at("/items/0");
        assertThat(project.get("sceneCount").asLong()).isEqualTo(25);
        assertThat(project.get("scenes")).hasSize(20);
        String cursor = project.get("scenesNextCursor").asText();
        JsonNode rest = json(server.call(
                key, "GET", "/v1/projects/" + project.get("id").asLong() + "/scenes?cursor=" + cursor, null, Map.of()));
        assertThat(rest.get("items")).hasSize(5);
        assertThat(rest.at("/items/0/position").asInt()).isEqualTo(20);
    }

    @Test
    void theStreamedPageIsTheTreePageByteForByte() throws Exception {
        String key = server.newUserKey("streamed");
        long user = userOf(key);
        long p = createProject(key, "ünïcode & <tags>");
        long queued = createScene(key, p);
        long completed = createScene(key, p);
        long failed = createScene(key, p);
        createScene(key, p); // no generation at all
        for (long scene : new long[] {queued, completed, failed}) {
            server.call(key, "POST", "/v1/scenes/" + scene + "/generations", "{}", Map.of());
        }
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement done = c.prepareStatement("""
                        UPDATE generations SET status = 'completed', progress = 100, stage = 'completed',
                               output = '{"url":"/v1/files/a.png","bytes":3,"width":1,"height":1,"ratio":1.905,
                                         "frames":[0,1.5,{"t":"ü \\"q\\""}],"big":12345678901234,"none":null}',
                               thumbnail_url = '/v1/files/a.png', started_at = now(), finished_at = now()
                         WHERE scene_id = ?""");
                PreparedStatement broke = c.prepareStatement("""
                        UPDATE generations SET status = 'failed', error = '{"code":"render-failed","message":"x"}',
                               started_at = now(), finished_at = now()
                         WHERE scene_id = ?""")) {
            done.setLong(1, completed);
            assertThat(done.executeUpdate()).isEqualTo(1);
            broke.setLong(1, failed);
            assertThat(broke.executeUpdate()).isEqualTo(1);
        }
        var view = new dev.kiln.platform.dashboard.Dashboard(db.dataSource())
                .page(user, dev.kiln.platform.PageRequest.first());
        assertThat(view.projects().getFirst().scenes()).hasSize(4);
        assertThat(new String(DashboardHandler.bytes(view), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(Api.bytes(DashboardHandler.json(view)), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static long statementsOf(String key, String path) {
        counter.reset();
        HttpResponse<byte[]> r = server.call(key, "GET", path, null, Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        return counter.count();
    }

    /** Every project's scene count and completed cost, and every scene's latest generation, as SQL computes them. */
    private static void assertMatchesDatabase(long userId, JsonNode page) throws SQLException {
        Map<Long, Long> completedCost = new HashMap<>();
        Map<Long, Long> latest = new HashMap<>();
        try (Connection c = db.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT p.id, coalesce(sum(g.cost) FILTER (WHERE g.status = 'completed'), 0)
                      FROM projects p LEFT JOIN generations g ON g.project_id = p.id
                     WHERE p.user_id = ? GROUP BY p.id""")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        completedCost.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT scene_id, max(id) FROM generations WHERE user_id = ? GROUP BY 1")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        latest.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
        }
        for (JsonNode project : page.get("items")) {
            assertThat(project.get("completedCost").asLong())
                    .isEqualTo(completedCost.get(project.get("id").asLong()));
            assertThat(project.get("sceneCount").asLong()).isEqualTo(5);
            for (JsonNode scene : project.get("scenes")) {
                assertThat(scene.at("/latestGeneration/id").asLong())
                        .isEqualTo(latest.get(scene.get("id").asLong()));
            }
        }
        assertThat(completedCost.values().stream().mapToLong(Long::longValue).sum())
                .isPositive();
    }

    /** {@code projects} projects of {@code scenesEach} scenes, each scene with three generations (one completed). */
    static void seed(long userId, int projects, int scenesEach) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        WITH p AS (
                            INSERT INTO projects (user_id, name) SELECT ?, 'p' || n FROM generate_series(1, ?) n
                            RETURNING id),
                        s AS (
                            INSERT INTO scenes (project_id, user_id, name, position, document)
                            SELECT p.id, ?, 's' || k, k, '{"type":"svg"}'::jsonb
                              FROM p, generate_series(0, ? - 1) k
                            RETURNING id, project_id)
                        INSERT INTO generations (user_id, project_id, scene_id, status, cost, render_request,
                                                 finished_at)
                        SELECT ?, s.project_id, s.id, st, 1 + (s.id % 3), '{}'::jsonb,
                               CASE WHEN st = 'queued' THEN NULL ELSE now() END
                          FROM s, unnest(ARRAY['completed', 'failed', 'queued']) st""")) {
            ps.setLong(1, userId);
            ps.setInt(2, projects);
            ps.setLong(3, userId);
            ps.setInt(4, scenesEach);
            ps.setLong(5, userId);
            ps.executeUpdate();
        }
    }

    static long userOf(String key) {
        return userOfKey(db, key);
    }

    /** The user whose API key is {@code key}. */
    static long userOfKey(TestDatabase db, String key) {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT user_id FROM api_keys WHERE key_id = ?")) {
            ps.setString(1, key.split("_")[1]);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long createProject(String key, String name) throws Exception {
        return json(server.call(key, "POST", "/v1/projects", "{\"name\":\"" + name + "\"}", Map.of()))
                .get("id")
                .asLong();
    }

    private static long createScene(String key, long project) throws Exception {
        String body = "{\"name\":\"s\",\"document\":" + PlatformApiTest.SCENE_DOC + "}";
        return json(server.call(key, "POST", "/v1/projects/" + project + "/scenes", body, Map.of()))
                .get("id")
                .asLong();
    }

    static JsonNode json(HttpResponse<byte[]> r) throws java.io.IOException {
        return Api.MAPPER.readTree(r.body());
    }
}
