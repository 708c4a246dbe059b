package dev.kiln.platform.dashboard;

import dev.kiln.platform.PageRequest;
import dev.kiln.platform.Sql;
import dev.kiln.platform.generations.Generation;
import dev.kiln.platform.generations.Generations;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The dashboard read model: a page of the user's projects, each with its scene count, the total cost of its completed
 * generations and its first scenes, each scene with its latest generation. Two SQL statements per page whatever the
 * number of projects and scenes (one when the page is empty), each an index range per row (see
 * {@code V6__read_path_indexes.sql}). Thread-safe.
 */
public final class Dashboard {

    /** Scenes shown per project, in position order; the rest are at {@code scenesNextCursor}. */
    public static final int SCENES_PER_PROJECT = 20;

    // Correlated subqueries, not joins with GROUP BY: each is one index range for one project of the page, so the
    // cost follows the page size, not the user's history.
    static final String PROJECTS = """
            SELECT p.id, p.name, p.created_at, p.updated_at,
                   (SELECT count(*) FROM scenes s WHERE s.project_id = p.id) AS scene_count,
                   (SELECT coalesce(sum(g.cost), 0) FROM generations g
                     WHERE g.project_id = p.id AND g.status = 'completed') AS completed_cost
              FROM projects p
             WHERE p.user_id = ? AND p.id < ?
             ORDER BY p.id DESC
             LIMIT ?""";
    // For every project of the page at once: its first scenes (one range of scenes_project_position_key each) and each
    // scene's latest generation (the first entry of generations_scene_id_id_idx for that scene).
    static final String SCENES = "SELECT s.id, s.project_id, s.name, s.position, s.created_at, s.updated_at, "
            + Generations.columns("g", "g_") + """

              FROM unnest(?::bigint[]) AS page(project_id)
              CROSS JOIN LATERAL (
                    SELECT sc.id, sc.project_id, sc.name, sc.position, sc.created_at, sc.updated_at
                      FROM scenes sc
                     WHERE sc.project_id = page.project_id
                     ORDER BY sc.position
                     LIMIT ?) s
              LEFT JOIN LATERAL (
                    SELECT * FROM generations gg
                     WHERE gg.scene_id = s.id
                     ORDER BY gg.id DESC
                     LIMIT 1) g ON true
             ORDER BY s.project_id DESC, s.position""";

    private final DataSource dataSource;

    /** The dashboard over {@code dataSource}. */
    public Dashboard(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** A scene as the dashboard shows it: no document, and its latest generation if it has one. */
    public record SceneSummary(
            long id, String name, int position, Instant createdAt, Instant updatedAt, Optional<Generation> latest) {}

    /**
     * A project as the dashboard shows it.
     *
     * @param sceneCount all its scenes, not only those shown
     * @param completedCost credits spent on its completed generations
     * @param scenes its first {@link #SCENES_PER_PROJECT} scenes in position order
     * @param scenesNextCursor the cursor of the rest at {@code GET /v1/projects/{id}/scenes}; empty when all are shown
     */
    public record ProjectSummary(
            long id,
            String name,
            Instant createdAt,
            Instant updatedAt,
            long sceneCount,
            long completedCost,
            List<SceneSummary> scenes,
            Optional<String> scenesNextCursor) {
        public ProjectSummary {
            scenes = List.copyOf(scenes);
        }
    }

    /** One dashboard page: projects newest first, and the cursor of the next page. */
    public record View(List<ProjectSummary> projects, Optional<String> nextCursor) {
        public View {
            projects = List.copyOf(projects);
        }
    }

    /** The user's dashboard page {@code page} (projects newest first). */
    public View page(long userId, PageRequest page) {
        return Sql.once(dataSource, "reading the dashboard", c -> {
            List<ProjectRow> rows = projects(c, userId, page);
            boolean more = rows.size() > page.limit();
            if (more) {
                rows = rows.subList(0, page.limit());
            }
            Map<Long, List<SceneSummary>> scenes = rows.isEmpty() ? Map.of() : scenes(c, rows);
            List<ProjectSummary> projects = new ArrayList<>(rows.size());
            for (ProjectRow r : rows) {
                List<SceneSummary> s = scenes.getOrDefault(r.id(), List.of());
                Optional<String> scenesNext = Optional.empty();
                if (s.size() > SCENES_PER_PROJECT) {
                    s = s.subList(0, SCENES_PER_PROJECT);
                    scenesNext = Optional.of(PageRequest.encode(s.getLast().position()));
                }
                projects.add(new ProjectSummary(
                        r.id(),
                        r.name(),
                        r.createdAt(),
                        r.updatedAt(),
                        r.sceneCount(),
                        r.completedCost(),
                        s,
                        scenesNext));
            }
            Optional<String> next =
                    more ? Optional.of(PageRequest.encode(rows.getLast().id())) : Optional.empty();
            return new View(projects, next);
        });
    }

    private record ProjectRow(
            long id, String name, Instant createdAt, Instant updatedAt, long sceneCount, long completedCost) {}

    private static List<ProjectRow> projects(Connection c, long userId, PageRequest page) throws SQLException {
        List<ProjectRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PROJECTS)) {
            ps.setLong(1, userId);
            ps.setLong(2, page.after().orElse(Long.MAX_VALUE));
            ps.setInt(3, page.limit() + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ProjectRow(
                            rs.getLong("id"),
                            rs.getString("name"),
                            Sql.instant(rs.getTimestamp("created_at")),
                            Sql.instant(rs.getTimestamp("updated_at")),
                            rs.getLong("scene_count"),
                            rs.getLong("completed_cost")));
                }
            }
        }
        return rows;
    }

    /** The first scenes (one more than shown, to know whether there are more) of every project in {@code rows}. */
    private static Map<Long, List<SceneSummary>> scenes(Connection c, List<ProjectRow> rows) throws SQLException {
        Map<Long, List<SceneSummary>> byProject = new LinkedHashMap<>();
        Long[] ids = rows.stream().map(ProjectRow::id).toArray(Long[]::new);
        Array array = c.createArrayOf("bigint", ids);
        try (PreparedStatement ps = c.prepareStatement(SCENES)) {
            ps.setArray(1, array);
            ps.setInt(2, SCENES_PER_PROJECT + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getLong("g_id");
                    Optional<Generation> latest =
                            rs.wasNull() ? Optional.empty() : Optional.of(Generations.map(rs, "g_"));
                    byProject
                            .computeIfAbsent(rs.getLong("project_id"), k -> new ArrayList<>())
                            .add(new SceneSummary(
                                    rs.getLong("id"),
                                    rs.getString("name"),
                                    rs.getInt("position"),
                                    Sql.instant(rs.getTimestamp("created_at")),
                                    Sql.instant(rs.getTimestamp("updated_at")),
                                    latest));
                }
            }
        } finally {
            array.free();
        }
        return byProject;
    }
}
