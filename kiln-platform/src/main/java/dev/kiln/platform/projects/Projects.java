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

/** A user's projects. Every statement names the user, so another user's project is simply not found. */
public final class Projects {

    /** Longest project name, in characters. */
    public static final int MAX_NAME_LENGTH = Names.MAX_LENGTH;

    private static final String COLUMNS = "id, user_id, name, created_at, updated_at";
    private static final String INSERT = "INSERT INTO projects (user_id, name) VALUES (?, ?) RETURNING " + COLUMNS;
    private static final String GET = "SELECT " + COLUMNS + " FROM projects WHERE id = ? AND user_id = ?";
    static final String LIST = "SELECT " + COLUMNS + """
             FROM projects
            WHERE user_id = ? AND id < ?
            ORDER BY id DESC
            LIMIT ?
            """;
    private static final String RENAME =
            "UPDATE projects SET name = ?, updated_at = now() WHERE id = ? AND user_id = ?" + " RETURNING " + COLUMNS;
    private static final String LOCK = "SELECT id FROM projects WHERE id = ? AND user_id = ? FOR UPDATE";
    private static final String IN_FLIGHT = """
            SELECT EXISTS (SELECT 1 FROM generations WHERE project_id = ? AND status IN ('queued', 'processing'))
            """;
    private static final String DELETE = "DELETE FROM projects WHERE id = ?";
    // The generations the delete unlinks (ON DELETE SET NULL changes their projectId), so their cached copies go too.
    static final String UNLINKED = "SELECT id FROM generations WHERE project_id = ?";

    private final DataSource dataSource;
    private final Changes changes;

    /** Projects stored in {@code dataSource}. */
    public Projects(DataSource dataSource) {
        this(dataSource, Changes.NONE);
    }

    /** Projects stored in {@code dataSource}; every committed change is told to {@code changes}. */
    public Projects(DataSource dataSource, Changes changes) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    /**
     * Creates a project.
     *
     * @throws IllegalArgumentException when the name is blank or too long
     */
    public Project create(long userId, String name) {
        Names.check(name);
        Project created = Sql.once(dataSource, "creating a project", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setLong(1, userId);
                ps.setString(2, name);
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
     * The user's project {@code id}.
     *
     * @throws NotFoundException when it does not exist or is another user's
     */
    public Project get(long userId, long id) {
        return Sql.once(dataSource, "reading a project", c -> {
            try (PreparedStatement ps = c.prepareStatement(GET)) {
                ps.setLong(1, id);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw notFound(id);
                    }
                    return map(rs);
                }
            }
        });
    }

    /** The user's projects, newest first. */
    public Page<Project> list(long userId, PageRequest page) {
        return Sql.once(dataSource, "listing projects", c -> {
            List<Project> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(LIST)) {
                ps.setLong(1, userId);
                ps.setLong(2, page.after().orElse(Long.MAX_VALUE));
                ps.setInt(3, page.limit() + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(map(rs));
                    }
                }
            }
            return page.page(rows, Project::id);
        });
    }

    /**
     * Renames the user's project {@code id}.
     *
     * @throws NotFoundException when it does not exist or is another user's
     */
    public Project rename(long userId, long id, String name) {
        Names.check(name);
        Project renamed = Sql.once(dataSource, "renaming a project", c -> {
            try (PreparedStatement ps = c.prepareStatement(RENAME)) {
                ps.setString(1, name);
                ps.setLong(2, id);
                ps.setLong(3, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw notFound(id);
                    }
                    return map(rs);
                }
            }
        });
        changes.projectsChanged(userId);
        return renamed;
    }

    /**
     * Deletes the user's project {@code id} with its scenes; its finished generations stay, unlinked.
     *
     * @throws NotFoundException when it does not exist or is another user's
     * @throws ConflictException while a generation of the project is queued or processing
     */
    public void delete(long userId, long id) {
        long[] unlinked = Sql.transaction(dataSource, "deleting a project", c -> {
            // The row lock waits for a concurrent submit (its insert holds a key-share lock on the project), so the
            // in-flight check below sees that submit's generation.
            lock(c, LOCK, id, userId, notFound(id));
            if (exists(c, IN_FLIGHT, id)) {
                throw new ConflictException("project " + id
                        + " has generations queued or processing; cancel them or wait for them to finish");
            }
            long[] ids = ids(c, UNLINKED, id);
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

    /** The ids {@code sql} selects for parameter {@code id}. */
    static long[] ids(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                java.util.stream.LongStream.Builder b = java.util.stream.LongStream.builder();
                while (rs.next()) {
                    b.add(rs.getLong(1));
                }
                return b.build().toArray();
            }
        }
    }

    static void lock(Connection c, String sql, long id, long userId, NotFoundException missing) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw missing;
                }
            }
        }
    }

    static boolean exists(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    static NotFoundException notFound(long id) {
        return new NotFoundException("project " + id);
    }

    private static Project map(ResultSet rs) throws SQLException {
        return new Project(
                rs.getLong("id"),
                rs.getLong("user_id"),
                rs.getString("name"),
                Sql.instant(rs.getTimestamp("created_at")),
                Sql.instant(rs.getTimestamp("updated_at")));
    }
}
