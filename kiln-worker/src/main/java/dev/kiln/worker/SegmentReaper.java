package dev.kiln.worker;

import dev.kiln.storage.BlobKey;
import dev.kiln.storage.BlobStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the segment blobs of chunked videos that nothing will use: a segment is recorded ({@link #intend}) before
 * its blob is written, and stays while the attempt that wrote it still runs (its job is {@code running} under the
 * same claim token) or while a chunk of a {@code processing} video names it. Everything else is discarded: segments
 * of attempts that died or lost their lease, of chunks superseded by a retry, of cancelled or failed videos, and of
 * joined ones. Segment blobs are content-addressed, so identical bytes of two chunks share a key; a key goes only when
 * no record of it is kept. Reads the platform's and the queue's tables, like {@link GenerationReconciler}, which runs
 * it every pass.
 */
public final class SegmentReaper {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentReaper.class);

    /** At most this many keys are reaped per call, so one pass stays short. */
    static final int BATCH = 100;

    /** Serialises the record of a key with its reaping, so a put of the same bytes never races a delete. */
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";

    private static final String INTEND = """
            INSERT INTO video_segments (generation_id, index, segment_key, job_id, job_token) VALUES (?, ?, ?, ?, ?)""";

    /** A key is kept while any of its records' attempts runs, or a chunk of a processing video names it. */
    private static final String UNUSED = """
            SELECT s.segment_key FROM video_segments s
             WHERE %s
             GROUP BY s.segment_key
            HAVING bool_and(NOT EXISTS (
                       SELECT 1 FROM kiln_queue_jobs j
                        WHERE j.id = s.job_id AND j.state = 'running' AND j.token = s.job_token))
               AND NOT EXISTS (
                       SELECT 1 FROM video_chunks c JOIN generations g ON g.id = c.generation_id
                        WHERE c.segment_key = s.segment_key AND g.status = 'processing')
             LIMIT ?""";

    private static final String ALL = UNUSED.formatted("true");
    private static final String OF_GENERATION =
            UNUSED.formatted("s.segment_key IN (SELECT segment_key FROM video_segments WHERE generation_id = ?)");
    private static final String ONE = UNUSED.formatted("s.segment_key = ?");
    private static final String FORGET = "DELETE FROM video_segments WHERE segment_key = ?";

    private final DataSource dataSource;
    private final BlobStore store;

    /** A reaper of the segments recorded in {@code dataSource}, stored in {@code store}. */
    public SegmentReaper(DataSource dataSource, BlobStore store) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Records, in its own transaction and before the blob is written, that the attempt holding job {@code jobId} under
     * claim {@code token} stores {@code key} as chunk {@code index} of video {@code generationId}.
     */
    public void intend(long generationId, int index, BlobKey key, long jobId, long token) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                lock(c, key.toString());
                try (PreparedStatement ps = c.prepareStatement(INTEND)) {
                    ps.setLong(1, generationId);
                    ps.setInt(2, index);
                    ps.setString(3, key.toString());
                    ps.setLong(4, jobId);
                    ps.setLong(5, token);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Deletes up to {@link #BATCH} unused segments of any video; returns how many blobs went. */
    public int reapOnce() throws SQLException {
        return reap(candidates(ALL, null));
    }

    /** Deletes the unused segments of video {@code generationId} (after its join); returns how many blobs went. */
    public int reap(long generationId) throws SQLException {
        return reap(candidates(OF_GENERATION, generationId));
    }

    private List<String> candidates(String sql, Long generationId) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (generationId != null) {
                ps.setLong(i++, generationId);
            }
            ps.setInt(i, BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }

    private int reap(List<String> keys) throws SQLException {
        int deleted = 0;
        for (String key : keys) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    lock(c, key);
                    if (stillUnused(c, key)) {
                        // The blob first: should the delete fail, the record stays and a later pass tries again.
                        BlobKey blob = BlobKey.parse(key).orElse(null);
                        if (blob != null && store.delete(blob)) {
                            deleted++;
                        }
                        try (PreparedStatement ps = c.prepareStatement(FORGET)) {
                            ps.setString(1, key);
                            ps.executeUpdate();
                        }
                    }
                    c.commit();
                } catch (IOException e) {
                    c.rollback();
                    LOG.warn("could not delete video segment {}; a later pass tries again", key, e);
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        }
        if (deleted > 0) {
            LOG.info("deleted {} video segment(s) that no chunk uses", deleted);
        }
        return deleted;
    }

    private static boolean stillUnused(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ONE)) {
            ps.setString(1, key);
            ps.setInt(2, 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void lock(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            ps.setString(1, key);
            ps.executeQuery().close();
        }
    }
}
