package dev.kiln.platform.dashboard;

import dev.kiln.platform.PageRequest;
import dev.kiln.platform.Sql;
import dev.kiln.platform.generations.Generation;
import dev.kiln.platform.generations.Generations;
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
 * generations and its first scenes, each scene with its latest generation. One SQL statement per page whatever the
 * number of projects and scenes, an index range per row (see {@code V6__read_path_indexes.sql}). Thread-safe.
 */
public final class Dashboard {

    /** Scenes shown per project, in position order; the rest are at {@code scenesNextCursor}. */
    public static final int SCENES_PER_PROJECT = 20;

    // One statement, so a page costs one round trip to PostgreSQL. The page's projects (one range of
    // projects_user_id_id_idx, one row more than shown, to know whether there is a next page) with their completed
    // cost (a column kept by triggers, V8__project_completed_cost.sql); for each shown project its scene count as a
    // correlated index lookup (its cost follows the page, not the user's history), its first scenes
    // (one index-only range of scenes_project_position_key, in position order: V9 put the
    // shown columns in it) and each scene's latest generation (the first entry of
    // generations_scene_id_id_idx for that scene). The extra project only says that there is more: the lateral
    // subqueries' "page.n <= ?" is a one-time filter, so nothing is looked up for it.
    static final String PAGE = """
            WITH page AS (
                SELECT p.id, p.name, p.created_at, p.updated_at, p.completed_cost,
                       row_number() OVER (ORDER BY p.id DESC) AS n
                  FROM projects p
                 WHERE p.user_id = ? AND p.id < ?
                 ORDER BY p.id DESC
                 LIMIT ?)
            SELECT page.id AS p_id, page.n AS p_n, page.name AS p_name, page.created_at AS p_created_at,
                   page.updated_at AS p_updated_at, c.scene_count, page.completed_cost,
                   s.id, s.name, s.position, s.created_at, s.updated_at,""" + " " + Generations.columns("g", "g_") + """

              FROM page
              LEFT JOIN LATERAL (
                    SELECT (SELECT count(*) FROM scenes sc WHERE sc.project_id = page.id) AS scene_count
                     WHERE page.n <= ?) c ON true
              LEFT JOIN LATERAL (
                    SELECT sc.id, sc.name, sc.position, sc.created_at, sc.updated_at
                      FROM scenes sc
                     WHERE sc.project_id = page.id AND page.n <= ?
                     ORDER BY sc.position
                     LIMIT ?) s ON true
              LEFT JOIN LATERAL (
                    SELECT * FROM generations gg
                     WHERE gg.scene_id = s.id
                     ORDER BY gg.id DESC
                     LIMIT 1) g ON true
             ORDER BY page.id DESC, s.position""";

    // PAGE's columns by position.
    private static final int P_ID = 1;
    private static final int P_N = 2;
    private static final int P_NAME = 3;
    private static final int P_CREATED_AT = 4;
    private static final int P_UPDATED_AT = 5;
    private static final int SCENE_COUNT = 6;
    private static final int COMPLETED_COST = 7;
    private static final int S_ID = 8;
    private static final int S_NAME = 9;
    private static final int S_POSITION = 10;
    private static final int S_CREATED_AT = 11;
    private static final int S_UPDATED_AT = 12;
    /** The first of {@link Generations#columns(String, String)}. */
    private static final int G_FIRST = 13;

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

    /** The user's dashboard page {@code page} (projects newest first), in one statement. */
    public View page(long userId, PageRequest page) {
        return Sql.once(dataSource, "reading the dashboard", c -> {
            Map<Long, ProjectRow> rows = new LinkedHashMap<>();
            boolean more = false;
            try (PreparedStatement ps = c.prepareStatement(PAGE)) {
                ps.setLong(1, userId);
                ps.setLong(2, page.after().orElse(Long.MAX_VALUE));
                ps.setInt(3, page.limit() + 1);
                ps.setInt(4, page.limit());
                ps.setInt(5, page.limit());
                ps.setInt(6, SCENES_PER_PROJECT + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    // Columns by position (see PAGE's select list), not by label: a label is a hash lookup of a
                    // prefixed name in pgjdbc, 30 of them per row.
                    while (rs.next()) {
                        if (rs.getLong(P_N) > page.limit()) {
                            more = true;
                            continue;
                        }
                        long projectId = rs.getLong(P_ID);
                        ProjectRow row = rows.get(projectId);
                        if (row == null) {
                            row = new ProjectRow(
                                    projectId,
                                    rs.getString(P_NAME),
                                    instant(rs, P_CREATED_AT),
                                    instant(rs, P_UPDATED_AT),
                                    rs.getLong(SCENE_COUNT),
                                    rs.getLong(COMPLETED_COST),
                                    new ArrayList<>());
                            rows.put(projectId, row);
                        }
                        long sceneId = rs.getLong(S_ID);
                        if (rs.wasNull()) {
                            continue; // a project without scenes
                        }
                        rs.getLong(G_FIRST);
                        Optional<Generation> latest =
                                rs.wasNull() ? Optional.empty() : Optional.of(Generations.map(rs, G_FIRST));
                        row.scenes()
                                .add(new SceneSummary(
                                        sceneId,
                                        rs.getString(S_NAME),
                                        rs.getInt(S_POSITION),
                                        instant(rs, S_CREATED_AT),
                                        instant(rs, S_UPDATED_AT),
                                        latest));
                    }
                }
            }
            List<ProjectSummary> projects = new ArrayList<>(rows.size());
            for (ProjectRow r : rows.values()) {
                List<SceneSummary> s = r.scenes();
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
            Optional<String> next = more && !projects.isEmpty()
                    ? Optional.of(PageRequest.encode(projects.getLast().id()))
                    : Optional.empty();
            return new View(projects, next);
        });
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return Sql.instant(rs, column);
    }

    private record ProjectRow(
            long id,
            String name,
            Instant createdAt,
            Instant updatedAt,
            long sceneCount,
            long completedCost,
            List<SceneSummary> scenes) {}
}
