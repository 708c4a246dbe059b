package dev.kiln.platform.projects;

import dev.kiln.platform.Changes;
import dev.kiln.platform.ConflictException;
import dev.kiln.platform.NotFoundException;
import dev.kiln.platform.Page;
import dev.kiln.platform.PageRequest;
import dev.kiln.platform.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The scenes of a user's projects. Documents arrive already validated by the render engine (the HTTP layer calls
 * {@code Renderer.prepare}); this class stores them as given. Every statement names the user.
 */
public final class Scenes {

    /** Longest scene name, in characters. */
    public static final int MAX_NAME_LENGTH = Names.MAX_LENGTH;

    private static final String COLUMNS =
            "id, project_id, user_id, name, position, document::text AS document, created_at, updated_at";
    private static final String LOCK_PROJECT = "SELECT id FROM projects WHERE id = ? AND user_id = ? FOR UPDATE";
    // Runs under the project's row lock, so concurrent creates in one project take distinct positions.
    private static final String INSERT = """
            INSERT INTO scenes (project_id, user_id, name, position, document)
            SELECT ?, ?, ?, COALESCE(MAX(position) + 1, 0), ?::jsonb FROM scenes WHERE project_id = ?
            RETURNING""" + " " + COLUMNS;
    private static final String GET = "SELECT " + COLUMNS + " FROM scenes WHERE id = ? AND user_id = ?";
    private static final String PROJECT_EXISTS = "SELECT EXISTS (SELECT 1 FROM projects WHERE id = ? AND user_id = ?)";
    static final String LIST = "SELECT " + COLUMNS + """
             FROM scenes
            WHERE project_id = ? AND user_id = ? AND position > ?
            ORDER BY position
            LIMIT ?
            """;
    private static final String REPLACE = "UPDATE scenes SET name = ?, document = ?::jsonb, updated_at = now()"
            + " WHERE id = ? AND user_id = ? RETURNING " + COLUMNS;
    private static final String LOCK = "SELECT id FROM scenes WHERE id = ? AND user_id = ? FOR UPDATE";
    private static final String IN_FLIGHT = """
            SELECT EXISTS (SELECT 1 FROM generations WHERE scene_id = ? AND status IN ('queued', 'processing'))
            """;
    private static final String DELETE = "DELETE FROM scenes WHERE id = ?";
    // The generations the delete unlinks (ON DELETE SET NULL changes their sceneId), so their cached copies go too.
    static final String UNLINKED = "SELECT id FROM generations WHERE scene_id = ?";

    private final DataSource dataSource;
    private final Changes changes;

    /** Scenes stored in {@code dataSource}. */
    public Scenes(DataSource dataSource) {
        this(dataSource, Changes.NONE);
    }

    /** Scenes stored in {@code dataSource}; every committed change is told to {@code changes}. */
    public Scenes(DataSource dataSource, Changes changes) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    /**
     * Appends a scene to the user's project {@code projectId}.
     *
     * @param documentJson a document the render engine has validated, as JSON text
     * @throws NotFoundException when the project does not exist or is another user's
     * @throws IllegalArgumentException when the name is blank or too long
     */
    public Scene create(long userId, long projectId, String name, String documentJson) {
        Names.check(name);
        Objects.requireNonNull(documentJson, "documentJson");
        Scene created = Sql.transaction(dataSource, "creating a scene", c -> {
            Projects.lock(c, LOCK_PROJECT, projectId, userId, Projects.notFound(projectId));
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setLong(1, projectId);
                ps.setLong(2, userId);
                ps.setString(3, name);
                ps.setString(4, documentJson);
                ps.setLong(5, projectId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return map(rs);
                }
            }
        });
        changes.projectsChanged(userId);
        return created;
    }

    /**
     * The user's scene {@code id}.
     *
     * @throws NotFoundException when it does not exist or is another user's
     */
    public Scene get(long userId, long id) {
        return Sql.once(dataSource, "reading a scene", c -> get(c, userId, id, ""));
    }

    /**
     * The user's scene {@code id}, read in {@code tx} with a share lock so it cannot be deleted before {@code tx}
     * commits (a generation's submit holds it).
     *
     * @throws NotFoundException when it does not exist or is another user's
     */
    public static Scene lockForShare(Connection tx, long userId, long id) throws SQLException {
        return get(tx, userId, id, " FOR SHARE");
    }

    /**
     * The scenes of the user's project, in position order.
     *
     * @throws NotFoundException when the project does not exist or is another user's
     */
    public Page<Scene> list(long userId, long projectId, PageRequest page) {
        return Sql.once(dataSource, "listing scenes", c -> {
            List<Scene> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(LIST)) {
                ps.setLong(1, projectId);
                ps.setLong(2, userId);
                ps.setLong(3, page.after().orElse(-1L));
                ps.setInt(4, page.limit() + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(map(rs));
                    }
                }
            }
            // An empty first page is ambiguous: only then ask whether the project exists at all.
            if (rows.isEmpty() && page.after().isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(PROJECT_EXISTS)) {
                    ps.setLong(1, projectId);
                    ps.setLong(2, userId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            throw Projects.notFound(projectId);
                        }
                    }
                }
            }
            return page.page(rows, Scene::position);
        });
    }

    /**
     * Replaces the name and document of the user's scene {@code id}; its position stays. Queued generations keep
     * the document they were submitted with.
     *
     * @throws NotFoundException when it does not exist or is another user's
     */
    public Scene replace(long userId, long id, String name, String documentJson) {
        Names.check(name);
        Objects.requireNonNull(documentJson, "documentJson");
        Scene replaced = Sql.once(dataSource, "replacing a scene", c -> {
            try (PreparedStatement ps = c.prepareStatement(REPLACE)) {
                ps.setString(1, name);
                ps.setString(2, documentJson);
                ps.setLong(3, id);
                ps.setLong(4, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw notFound(id);
                    }
                    return map(rs);
                }
            }
        });
        changes.projectsChanged(userId);
        return replaced;
    }

    /**
     * Deletes the user's scene {@code id}; its finished generations stay, unlinked.
     *
     * @throws NotFoundException when it does not exist or is another user's
     * @throws ConflictException while a generation of the scene is queued or processing
     */
    public void delete(long userId, long id) {
        long[] unlinked = Sql.transaction(dataSource, "deleting a scene", c -> {
            // Waits for a concurrent submit's share lock, so the check below sees its generation.
            Projects.lock(c, LOCK, id, userId, notFound(id));
            if (Projects.exists(c, IN_FLIGHT, id)) {
                throw new ConflictException("scene " + id
                        + " has generations queued or processing; cancel them or wait for them to finish");
            }
            long[] ids = Projects.ids(c, UNLINKED, id);
            try (PreparedStatement ps = c.prepareStatement(DELETE)) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return ids;
        });
        changes.projectsChanged(userId);
        if (unlinked.length > 0) {
            changes.generationsChanged(userId, unlinked);
        }
    }

    private static Scene get(Connection c, long userId, long id, String lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GET + lock)) {
            ps.setLong(1, id);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw notFound(id);
                }
                return map(rs);
            }
        }
    }

    static NotFoundException notFound(long id) {
        return new NotFoundException("scene " + id);
    }

    private static Scene map(ResultSet rs) throws SQLException {
        return new Scene(
                rs.getLong("id"),
                rs.getLong("project_id"),
                rs.getLong("user_id"),
                rs.getString("name"),
                rs.getInt("position"),
                rs.getString("document"),
                Sql.instant(rs.getTimestamp("created_at")),
                Sql.instant(rs.getTimestamp("updated_at")));
    }
}
