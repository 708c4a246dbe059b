package dev.kiln.platform.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code projects.completed_cost} (kept by the triggers of {@code V8__project_completed_cost.sql}) equals the sum of
 * the cost of the project's completed generations after every kind of change to its inputs: inserts, completions,
 * other statuses, a cost change, a move to another project, a scene delete, a generation delete, a project delete.
 */
class ProjectCompletedCostTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void theColumnEqualsTheSumAfterEveryChange() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            long user = id(s, "INSERT INTO users (name, credits) VALUES ('u', 100) RETURNING id");
            long p1 = id(s, "INSERT INTO projects (user_id, name) VALUES (" + user + ", 'p1') RETURNING id");
            long p2 = id(s, "INSERT INTO projects (user_id, name) VALUES (" + user + ", 'p2') RETURNING id");
            long scene = id(
                    s,
                    "INSERT INTO scenes (project_id, user_id, name, position, document) VALUES (" + p1 + ", " + user
                            + ", 's', 0, '{}') RETURNING id");
            String values = "(user_id, project_id, scene_id, status, cost, render_request, finished_at) VALUES (" + user
                    + ", " + p1 + ", " + scene + ", ";

            long queued = id(s, "INSERT INTO generations " + values + "'queued', 3, '{}', NULL) RETURNING id");
            assertCosts(s, Map.of(p1, 0L, p2, 0L));

            s.executeUpdate("UPDATE generations SET status = 'processing' WHERE id = " + queued);
            s.executeUpdate("UPDATE generations SET progress = 50 WHERE id = " + queued);
            assertCosts(s, Map.of(p1, 0L, p2, 0L));

            s.executeUpdate("UPDATE generations SET status = 'completed', finished_at = now() WHERE id = " + queued);
            assertCosts(s, Map.of(p1, 3L, p2, 0L));

            long done = id(s, "INSERT INTO generations " + values + "'completed', 2, '{}', now()) RETURNING id");
            id(s, "INSERT INTO generations " + values + "'failed', 7, '{}', now()) RETURNING id");
            id(s, "INSERT INTO generations " + values + "'canceled', 11, '{}', now()) RETURNING id");
            assertCosts(s, Map.of(p1, 5L, p2, 0L));

            s.executeUpdate("UPDATE generations SET cost = 4 WHERE id = " + done);
            assertCosts(s, Map.of(p1, 7L, p2, 0L));

            s.executeUpdate("UPDATE generations SET project_id = " + p2 + " WHERE id = " + done);
            assertCosts(s, Map.of(p1, 3L, p2, 4L));

            // A scene delete only unlinks the scene; the cost stays with the project, as the sum does.
            s.executeUpdate("DELETE FROM scenes WHERE id = " + scene);
            assertCosts(s, Map.of(p1, 3L, p2, 4L));

            s.executeUpdate("DELETE FROM generations WHERE id = " + queued);
            assertCosts(s, Map.of(p1, 0L, p2, 4L));

            // Many rows in one statement, over both projects and all statuses (the statement triggers group them).
            s.executeUpdate("INSERT INTO generations (user_id, project_id, status, cost, render_request, finished_at)"
                    + " SELECT " + user + ", CASE WHEN n % 2 = 0 THEN " + p1 + " ELSE " + p2 + " END,"
                    + " CASE WHEN n % 3 = 0 THEN 'failed' ELSE 'completed' END, n, '{}', now()"
                    + " FROM generate_series(1, 12) n");
            // completed: n = 1, 2, 4, 5, 7, 8, 10, 11; even ones in p1 (2 + 4 + 8 + 10), odd ones in p2 (1 + 5 + 7 +
            // 11)
            assertCosts(s, Map.of(p1, 24L, p2, 28L));
            s.executeUpdate("DELETE FROM generations WHERE cost BETWEEN 1 AND 5 AND id <> " + done);
            assertCosts(s, Map.of(p1, 18L, p2, 22L));

            // ON DELETE SET NULL unlinks p2's generation; its trigger finds p2 already gone.
            s.executeUpdate("DELETE FROM projects WHERE id = " + p2);
            assertCosts(s, Map.of(p1, 18L));
            try (ResultSet rs = s.executeQuery("SELECT project_id FROM generations WHERE id = " + done)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject(1)).isNull();
            }
        }
    }

    private static long id(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    /** Each project's column, and the sum it stands for, equal {@code expected}. */
    private static void assertCosts(Statement s, Map<Long, Long> expected) throws SQLException {
        Map<Long, Long> column = new HashMap<>();
        Map<Long, Long> sum = new HashMap<>();
        try (ResultSet rs = s.executeQuery("""
                SELECT p.id, p.completed_cost,
                       (SELECT coalesce(sum(g.cost), 0) FROM generations g
                         WHERE g.project_id = p.id AND g.status = 'completed')
                  FROM projects p""")) {
            while (rs.next()) {
                column.put(rs.getLong(1), rs.getLong(2));
                sum.put(rs.getLong(1), rs.getLong(3));
            }
        }
        assertThat(column).isEqualTo(expected);
        assertThat(sum).isEqualTo(expected);
    }
}
