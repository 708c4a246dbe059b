package dev.kiln.platform.assets;

import dev.kiln.platform.NotFoundException;
import dev.kiln.platform.Page;
import dev.kiln.platform.PageRequest;
import dev.kiln.platform.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Uploaded assets: create (the row, the owner's file grant and the thumbnail job in one transaction), read, look up
 * many at once for {@code asset:<id>} sources, and the worker's two outcomes. Every client-facing statement names the
 * user. Thread-safe.
 */
public final class Assets {
    /** Longest error message kept on a failed asset, in characters. */
    public static final int MAX_ERROR_LENGTH = 2000;

    private static final String COLUMNS = """
            id, user_id, content_type, bytes, width, height, file_key, status, thumbnail_key, thumbnail_width,
            thumbnail_height, error, job_id, created_at, updated_at""";
    private static final String INSERT = """
            INSERT INTO assets (user_id, content_type, bytes, width, height, file_key)
            VALUES (?, ?, ?, ?, ?, ?)
            RETURNING id""";
    private static final String SET_JOB = "UPDATE assets SET job_id = ? WHERE id = ? RETURNING " + COLUMNS;
    private static final String RECORD_FILE = """
            INSERT INTO stored_files (user_id, key, content_type, bytes) VALUES (?, ?, ?, ?)
            ON CONFLICT (user_id, key) DO NOTHING""";
    private static final String GET = "SELECT " + COLUMNS + " FROM assets WHERE id = ? AND user_id = ?";
    private static final String OWNED = "SELECT " + COLUMNS + " FROM assets WHERE user_id = ? AND id = ANY(?)";
    // One range of assets_user_id_id_idx, newest first.
    private static final String LIST = "SELECT " + COLUMNS + """
             FROM assets
            WHERE user_id = ? AND id < ?
            ORDER BY id DESC
            LIMIT ?""";
    private static final String DELETE = "DELETE FROM assets WHERE id = ? AND user_id = ?";
    private static final String FOR_JOB = "SELECT " + COLUMNS + " FROM assets WHERE id = ?";
    // Status-guarded, so a late or repeated outcome changes nothing.
    private static final String READY = """
            UPDATE assets SET status = 'ready', thumbnail_key = ?, thumbnail_width = ?, thumbnail_height = ?,
                   updated_at = now()
             WHERE id = ? AND status = 'processing'
            RETURNING user_id""";
    private static final String FAILED = """
            UPDATE assets SET status = 'failed', error = ?, updated_at = now()
             WHERE id = ? AND status = 'processing'""";

    private final DataSource dataSource;
    private final AssetJobs jobs;

    /** Assets stored in {@code dataSource}, their thumbnail jobs enqueued through {@code jobs}. */
    public Assets(DataSource dataSource, AssetJobs jobs) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
    }

    /**
     * An upload to record; its bytes are already stored under {@code fileKey}.
     *
     * @param userId owner
     * @param contentType the media type its magic bytes name
     * @param bytes its size
     * @param width width from its header
     * @param height height from its header
     * @param fileKey storage key of the bytes
     */
    public record NewAsset(long userId, String contentType, long bytes, int width, int height, String fileKey) {
        public NewAsset {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(fileKey, "fileKey");
            if (bytes < 1 || width < 1 || height < 1) {
                throw new IllegalArgumentException("an asset has bytes and pixels");
            }
        }
    }

    /**
     * Records the asset (status {@code processing}), lets its owner read the original at {@code /v1/files/{key}}, and
     * enqueues its thumbnail job, in one transaction.
     *
     * @throws dev.kiln.platform.generations.QueuedJobsQuotaException when the user has too many unfinished jobs
     */
    public Asset create(NewAsset a) {
        return Sql.transaction(dataSource, "recording an upload", c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setLong(1, a.userId());
                ps.setString(2, a.contentType());
                ps.setLong(3, a.bytes());
                ps.setInt(4, a.width());
                ps.setInt(5, a.height());
                ps.setString(6, a.fileKey());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            recordFile(c, a.userId(), a.fileKey(), a.contentType(), a.bytes());
            long jobId = jobs.enqueueThumbnail(c, id, a.userId());
            try (PreparedStatement ps = c.prepareStatement(SET_JOB)) {
                ps.setLong(1, jobId);
                ps.setLong(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return map(rs);
                }
            }
        });
    }

    /**
     * The user's asset {@code id}.
     *
     * @throws NotFoundException when it does not exist or is another user's
     */
    public Asset get(long userId, long id) {
        return Sql.once(dataSource, "reading an asset", c -> {
            try (PreparedStatement ps = c.prepareStatement(GET)) {
                ps.setLong(1, id);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("asset " + id);
                    }
                    return map(rs);
                }
            }
        });
    }

    /** Those of {@code ids} that are the user's assets, in one statement whatever their number. */
    public List<Asset> owned(long userId, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return Sql.once(dataSource, "looking up assets", c -> {
            try (PreparedStatement ps = c.prepareStatement(OWNED)) {
                ps.setLong(1, userId);
                Array array = c.createArrayOf("bigint", ids.toArray());
                ps.setArray(2, array);
                List<Asset> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    /** The user's assets, newest first. */
    public Page<Asset> list(long userId, PageRequest page) {
        return Sql.once(dataSource, "listing assets", c -> {
            List<Asset> rows = new ArrayList<>();
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
            return page.page(rows, Asset::id);
        });
    }

    /**
     * Deletes the user's asset {@code id}. Scenes that name it keep their {@code asset:<id>} source, which then
     * resolves to nothing (a 422 when such a scene is stored or generated; a generation already queued fails and is
     * refunded); a thumbnail job still queued finds it gone and does nothing. The stored bytes stay, because storage
     * is content-addressed and other files may share them.
     *
     * @throws NotFoundException when it does not exist or is another user's
     */
    public void delete(long userId, long id) {
        Sql.once(dataSource, "deleting an asset", c -> {
            try (PreparedStatement ps = c.prepareStatement(DELETE)) {
                ps.setLong(1, id);
                ps.setLong(2, userId);
                if (ps.executeUpdate() == 0) {
                    throw new NotFoundException("asset " + id);
                }
                return null;
            }
        });
    }

    /** Asset {@code id} whoever owns it, for its thumbnail job; empty when it is gone. */
    public Optional<Asset> forJob(long id) {
        return Sql.once(dataSource, "reading an asset for its job", c -> {
            try (PreparedStatement ps = c.prepareStatement(FOR_JOB)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Records asset {@code id}'s thumbnail in the caller's transaction {@code tx} (which also completes its job) and
     * lets the owner read it; false when the asset was no longer processing.
     */
    public boolean thumbnailReady(
            Connection tx, long id, String key, String contentType, long bytes, int width, int height)
            throws SQLException {
        long userId;
        try (PreparedStatement ps = tx.prepareStatement(READY)) {
            ps.setString(1, key);
            ps.setInt(2, width);
            ps.setInt(3, height);
            ps.setLong(4, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                userId = rs.getLong(1);
            }
        }
        recordFile(tx, userId, key, contentType, bytes);
        return true;
    }

    /** Marks asset {@code id} failed with {@code error} (truncated to {@link #MAX_ERROR_LENGTH}); false when it was not processing. */
    public boolean thumbnailFailed(long id, String error) {
        String message = error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
        return Sql.once(dataSource, "failing an asset's thumbnail", c -> {
            try (PreparedStatement ps = c.prepareStatement(FAILED)) {
                ps.setString(1, message);
                ps.setLong(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static void recordFile(Connection c, long userId, String key, String contentType, long bytes)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RECORD_FILE)) {
            ps.setLong(1, userId);
            ps.setString(2, key);
            ps.setString(3, contentType);
            ps.setLong(4, bytes);
            ps.executeUpdate();
        }
    }

    private static Asset map(ResultSet rs) throws SQLException {
        int tw = rs.getInt("thumbnail_width");
        Optional<Integer> thumbnailWidth = rs.wasNull() ? Optional.empty() : Optional.of(tw);
        int th = rs.getInt("thumbnail_height");
        Optional<Integer> thumbnailHeight = rs.wasNull() ? Optional.empty() : Optional.of(th);
        long job = rs.getLong("job_id");
        Optional<Long> jobId = rs.wasNull() ? Optional.empty() : Optional.of(job);
        return new Asset(
                rs.getLong("id"),
                rs.getLong("user_id"),
                rs.getString("content_type"),
                rs.getLong("bytes"),
                rs.getInt("width"),
                rs.getInt("height"),
                rs.getString("file_key"),
                AssetStatus.parse(rs.getString("status")).orElseThrow(),
                Optional.ofNullable(rs.getString("thumbnail_key")),
                thumbnailWidth,
                thumbnailHeight,
                Optional.ofNullable(rs.getString("error")),
                jobId,
                Sql.instant(rs.getTimestamp("created_at")),
                Sql.instant(rs.getTimestamp("updated_at")));
    }
}
