package dev.kiln.platform.generations;

import dev.kiln.platform.Changes;
import dev.kiln.platform.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The worker's side of a generation: start an attempt, report progress, record the output. Every write is guarded by
 * the generation's status, so a generation cancelled meanwhile is never moved back to processing or completed, and a
 * late report changes nothing. {@link Generations#failPermanently} is the other end.
 */
public final class GenerationRuns {
    private static final String BEGIN = """
            UPDATE generations
               SET status = 'processing', attempt = ?, stage = 'rendering', progress = 0,
                   started_at = coalesce(started_at, now()), updated_at = now()
             WHERE id = ? AND status IN ('queued', 'processing')
            RETURNING user_id, render_request::text""";
    private static final String PROGRESS = """
            UPDATE generations SET progress = ?, stage = ?, updated_at = now()
             WHERE id = ? AND status = 'processing'
            RETURNING user_id""";
    private static final String COMPLETE = """
            UPDATE generations
               SET status = 'completed', progress = 100, stage = 'completed',
                   output = jsonb_build_object('url', ?::text, 'contentType', ?::text, 'bytes', ?::bigint,
                                               'width', ?::int, 'height', ?::int, 'durationMs', ?::bigint),
                   thumbnail_url = ?, finished_at = now(), updated_at = now()
             WHERE id = ? AND status = 'processing'
            RETURNING user_id""";
    private static final String COMPLETE_VIDEO = """
            UPDATE generations
               SET status = 'completed', progress = 100, stage = 'completed',
                   output = jsonb_build_object('url', ?::text, 'contentType', ?::text, 'bytes', ?::bigint,
                                               'width', ?::int, 'height', ?::int, 'durationMs', ?::bigint,
                                               'fps', ?::float8, 'frames', ?::int, 'posterUrl', ?::text),
                   thumbnail_url = ?, finished_at = now(), updated_at = now()
             WHERE id = ? AND status = 'processing'
            RETURNING user_id""";
    private static final String RECORD_FILE = """
            INSERT INTO stored_files (user_id, key, content_type, bytes) VALUES (?, ?, ?, ?)
            ON CONFLICT (user_id, key) DO NOTHING""";
    private static final String OWNS_FILE = "SELECT content_type FROM stored_files WHERE user_id = ? AND key = ?";

    private final DataSource dataSource;
    private final Changes changes;

    /** The worker-side operations on the generations in {@code dataSource}. */
    public GenerationRuns(DataSource dataSource) {
        this(dataSource, Changes.NONE);
    }

    /** The worker-side operations; every committed change is told to {@code changes}. */
    public GenerationRuns(DataSource dataSource, Changes changes) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    /** A started attempt: whose it is and what to render. */
    public record Run(long generationId, long userId, String renderRequestJson) {}

    /** What a completed generation produced. */
    public record Output(String fileKey, String contentType, long bytes, int width, int height, long durationMs) {}

    /** A stored file: its key, media type and size. */
    public record StoredFile(String key, String contentType, long bytes) {}

    /**
     * What a completed video produced: the video, its poster (a still at full size) and its thumbnail.
     *
     * @param fps frames per second
     * @param frames frame count
     */
    public record VideoOutput(
            StoredFile video,
            StoredFile poster,
            StoredFile thumbnail,
            int width,
            int height,
            long durationMs,
            double fps,
            int frames) {}

    /**
     * Starts attempt {@code attempt} of generation {@code id}: it becomes {@code processing}. Empty when it is already
     * terminal (cancelled, say): then there is nothing to render.
     */
    public Optional<Run> begin(long id, int attempt) {
        Optional<Run> run = Sql.once(dataSource, "starting a generation", c -> {
            try (PreparedStatement ps = c.prepareStatement(BEGIN)) {
                ps.setInt(1, attempt);
                ps.setLong(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Run(id, rs.getLong(1), rs.getString(2))) : Optional.empty();
                }
            }
        });
        run.ifPresent(r -> changes.generationsChanged(r.userId(), id));
        return run;
    }

    /** Records progress (0–100) and stage while processing; false when the generation is no longer processing. */
    public boolean progress(long id, int percent, String stage) {
        int p = Math.clamp(percent, 0, 100);
        long owner = Sql.once(dataSource, "reporting progress", c -> {
            try (PreparedStatement ps = c.prepareStatement(PROGRESS)) {
                ps.setInt(1, p);
                ps.setString(2, stage);
                ps.setLong(3, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : -1L;
                }
            }
        });
        if (owner < 0) {
            return false;
        }
        changes.generationsChanged(owner, id);
        return true;
    }

    /**
     * Tells the listeners that generation {@code id} of {@code userId} changed in a transaction the caller has just
     * committed (its {@link #complete}): call it after the commit, never before.
     */
    public void committed(long id, long userId) {
        changes.generationsChanged(userId, id);
    }

    /**
     * Completes generation {@code id} with {@code output} in the caller's transaction {@code tx} (which also completes
     * its job, so both or neither commit), and grants its owner read access to the file. False when it was no longer
     * processing (cancelled meanwhile): then nothing is written.
     */
    public boolean complete(Connection tx, long id, Output output) throws SQLException {
        long userId;
        try (PreparedStatement ps = tx.prepareStatement(COMPLETE)) {
            ps.setString(1, "/v1/files/" + output.fileKey());
            ps.setString(2, output.contentType());
            ps.setLong(3, output.bytes());
            ps.setInt(4, output.width());
            ps.setInt(5, output.height());
            ps.setLong(6, output.durationMs());
            ps.setString(7, "/v1/files/" + output.fileKey());
            ps.setLong(8, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                userId = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = tx.prepareStatement(RECORD_FILE)) {
            ps.setLong(1, userId);
            ps.setString(2, output.fileKey());
            ps.setString(3, output.contentType());
            ps.setLong(4, output.bytes());
            ps.executeUpdate();
        }
        return true;
    }

    /**
     * Completes video generation {@code id} in {@code tx} (which also completes its job): {@code output} gets the
     * video's url, contentType, bytes, width, height, durationMs, fps, frames and posterUrl; {@code thumbnailUrl} the
     * thumbnail. Grants its owner read access to all three files. False when it was no longer processing.
     */
    public boolean completeVideo(Connection tx, long id, VideoOutput v) throws SQLException {
        long userId;
        try (PreparedStatement ps = tx.prepareStatement(COMPLETE_VIDEO)) {
            ps.setString(1, "/v1/files/" + v.video().key());
            ps.setString(2, v.video().contentType());
            ps.setLong(3, v.video().bytes());
            ps.setInt(4, v.width());
            ps.setInt(5, v.height());
            ps.setLong(6, v.durationMs());
            ps.setDouble(7, v.fps());
            ps.setInt(8, v.frames());
            ps.setString(9, "/v1/files/" + v.poster().key());
            ps.setString(10, "/v1/files/" + v.thumbnail().key());
            ps.setLong(11, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                userId = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = tx.prepareStatement(RECORD_FILE)) {
            for (StoredFile f : java.util.List.of(v.video(), v.poster(), v.thumbnail())) {
                ps.setLong(1, userId);
                ps.setString(2, f.key());
                ps.setString(3, f.contentType());
                ps.setLong(4, f.bytes());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return true;
    }

    /** The content type of file {@code key} when {@code userId} may read it; empty otherwise (answered 404). */
    public Optional<String> fileOf(long userId, String key) {
        return Sql.once(dataSource, "checking a file's owner", c -> {
            try (PreparedStatement ps = c.prepareStatement(OWNS_FILE)) {
                ps.setLong(1, userId);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }
}
