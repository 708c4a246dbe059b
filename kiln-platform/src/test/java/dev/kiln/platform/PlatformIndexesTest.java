package dev.kiln.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.credits.Credits;
import dev.kiln.platform.dashboard.Dashboard;
import dev.kiln.platform.generations.Generations;
import dev.kiln.platform.projects.Projects;
import dev.kiln.platform.projects.Scenes;
import dev.kiln.platform.testing.TestDatabase;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hot query the API runs is served by an index: the tables get realistic volumes (200 users, thousands of rows
 * each), ANALYZE runs, and the plan of each query, with its real SQL and parameters, must name the index.
 */
class PlatformIndexesTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** A user in the middle of the id range, so its rows are a small share of each table. */
    static final long USER = 77;

    @BeforeAll
    static void seed() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (id, name, credits) SELECT g, 'u' || g, 1000 FROM generate_series(1, 200) g");
            s.execute("SELECT setval('users_id_seq', 200)");
            s.execute(
                    "INSERT INTO projects (user_id, name) SELECT 1 + g % 200, 'p' || g FROM generate_series(1, 4000) g");
            s.execute("""
                    INSERT INTO scenes (project_id, user_id, name, position, document)
                    SELECT p.id, p.user_id, 's', n, '{"type":"svg"}'::jsonb
                      FROM projects p, generate_series(0, 4) n""");
            // Mostly completed, as a live system's history is; the in-flight statuses are the rare ones.
            s.execute("""
                    INSERT INTO generations (user_id, project_id, scene_id, status, cost, render_request,
                                             idempotency_key, request_hash, finished_at)
                    SELECT sc.user_id, sc.project_id, sc.id, st.status, 1, '{}'::jsonb,
                           CASE WHEN sc.id % 2 = 0 THEN 'k' || sc.id END,
                           CASE WHEN sc.id % 2 = 0 THEN sha256(sc.id::text::bytea) END,
                           CASE WHEN st.status IN ('completed', 'failed', 'canceled') THEN now() END
                      FROM scenes sc
                      CROSS JOIN LATERAL (SELECT CASE
                           WHEN sc.id % 50 = 0 THEN 'queued'
                           WHEN sc.id % 50 = 1 THEN 'processing'
                           WHEN sc.id % 50 < 6 THEN 'failed'
                           WHEN sc.id % 50 < 9 THEN 'canceled'
                           ELSE 'completed' END AS status) st""");
            s.execute("""
                    INSERT INTO credit_ledger (user_id, delta, balance_after, reason, generation_id)
                    SELECT user_id, -1, 10, 'generation', id FROM generations""");
            s.execute("""
                    INSERT INTO assets (user_id, content_type, bytes, width, height, file_key)
                    SELECT 1 + g % 200, 'image/png', 100, 10, 10, md5(g::text) || md5(g::text) || '.png'
                      FROM generate_series(1, 4000) g""");
            // VACUUM as well: the visibility map is what lets the planner cost an index-only scan as one.
            s.execute("VACUUM ANALYZE");
        }
    }

    static Stream<Arguments> hotQueries() throws ReflectiveOperationException {
        return Stream.of(
                Arguments.of(
                        "projects list",
                        sql(Projects.class, "LIST"),
                        new Object[] {USER, Long.MAX_VALUE, 21},
                        "projects_user_id_id_idx"),
                Arguments.of(
                        "project by id",
                        sql(Projects.class, "GET"),
                        new Object[] {1000L, USER},
                        "projects_pkey|projects_user_id_id_idx"),
                Arguments.of(
                        "scenes of a project",
                        sql(Scenes.class, "LIST"),
                        new Object[] {1000L, USER, -1L, 21},
                        "scenes_project_position_key"),
                Arguments.of("scene by id", sql(Scenes.class, "GET"), new Object[] {1000L, USER}, "scenes_pkey"),
                Arguments.of(
                        "generations list",
                        sql(Generations.class, "LIST"),
                        new Object[] {USER, Long.MAX_VALUE, 21},
                        "generations_user_id_id_idx"),
                Arguments.of(
                        "generations by status",
                        sql(Generations.class, "LIST_BY_STATUS"),
                        new Object[] {USER, "queued", Long.MAX_VALUE, 21},
                        "generations_user_status_id_idx"),
                Arguments.of(
                        "generation by id",
                        sql(Generations.class, "GET"),
                        new Object[] {1000L, USER},
                        "generations_pkey|generations_user_id_id_idx"),
                Arguments.of(
                        "idempotency key",
                        sql(Generations.class, "BY_KEY"),
                        new Object[] {USER, "k1000"},
                        "generations_user_idempotency_key_idx"),
                Arguments.of(
                        "in flight of a scene",
                        sql(Scenes.class, "IN_FLIGHT"),
                        new Object[] {1000L},
                        "generations_scene_id_id_idx"),
                Arguments.of(
                        "generations a scene delete unlinks",
                        sql(Scenes.class, "UNLINKED"),
                        new Object[] {1000L},
                        "generations_scene_id_id_idx"),
                Arguments.of(
                        "generations a project delete unlinks",
                        sql(Projects.class, "UNLINKED"),
                        new Object[] {1000L},
                        "generations_project_id_idx"),
                Arguments.of(
                        "in flight of a project",
                        sql(Projects.class, "IN_FLIGHT"),
                        new Object[] {1000L},
                        "generations_project_id_idx"),
                Arguments.of(
                        "next scene position (scene create)",
                        sql(Scenes.class, "INSERT"),
                        new Object[] {1000L, USER, "s", "{}", 1000L},
                        "scenes_project_position_key"),
                Arguments.of(
                        "credit ledger",
                        sql(Credits.class, "LEDGER"),
                        new Object[] {USER, Long.MAX_VALUE, 21},
                        "credit_ledger_user_id_id_idx"),
                Arguments.of(
                        "dashboard page (projects, counts, scenes, latest generations) in one statement",
                        sql(Dashboard.class, "PAGE"),
                        new Object[] {USER, Long.MAX_VALUE, 21, 20, 20, 21},
                        // The scenes range is index-only in position order (V9's covering constraint): no heap
                        // page per scene and no sort of each project's scenes.
                        "projects_user_id_id_idx&Index Only Scan using scenes_project_position_key on scenes sc "
                                + "&generations_scene_id_id_idx"),
                Arguments.of(
                        "a generation's events after Last-Event-ID",
                        sql(dev.kiln.platform.events.GenerationEvents.class, "AFTER"),
                        new Object[] {1000L, 0L, 500},
                        "generation_events_generation_id_id_idx"),
                Arguments.of(
                        "announced events (the listener's range)",
                        sql(dev.kiln.platform.events.GenerationEvents.class, "IN_RANGE"),
                        new Object[] {5000L, 5010L},
                        "generation_events_pkey"),
                Arguments.of(
                        "asset by id",
                        sql(dev.kiln.platform.assets.Assets.class, "GET"),
                        new Object[] {1000L, USER},
                        "assets_pkey|assets_user_id_id_idx"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hotQueries")
    void usesItsIndex(String name, String sql, Object[] params, String indexes) throws SQLException {
        String plan = plan(sql, params);
        // A lookup by (id, user_id) is served as well by the primary key as by (user_id, id): either will do.
        // "a&b": the plan uses both; "a|b": either.
        for (String all : indexes.split("&")) {
            assertThat(plan).as(name + ":\n" + plan).containsAnyOf(all.split("\\|"));
        }
        assertThat(plan).as(name + ":\n" + plan).doesNotContain("Seq Scan");
    }

    private static String plan(String sql, Object[] params) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof Long[] ids) {
                    ps.setArray(i + 1, c.createArrayOf("bigint", ids));
                } else {
                    ps.setObject(i + 1, params[i]);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                StringBuilder lines = new StringBuilder();
                while (rs.next()) {
                    lines.append(rs.getString(1)).append('\n');
                }
                return lines.toString();
            }
        }
    }

    /** The SQL a repository really runs, read from its private constant so that this test cannot drift from it. */
    private static String sql(Class<?> owner, String field) throws ReflectiveOperationException {
        Field f = owner.getDeclaredField(field);
        f.setAccessible(true);
        return (String) f.get(null);
    }
}
