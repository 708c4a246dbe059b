package dev.kiln.platform.generations;

import dev.kiln.platform.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The chunks of a long video: its plan (frame ranges), each chunk's progress and rendered segment, and the one
 * moment the last chunk finishes. Every write is guarded by the generation being {@code processing}, so a cancelled
 * or failed video stops its chunks at their next report. The generation's {@code progress} is the frame-weighted sum
 * of its chunks', scaled to 0–90 (the join takes the rest).
 */
public final class VideoChunks {
    /** The share of a chunked video's progress that its chunks report; the join reports the rest. */
    public static final int CHUNKS_SHARE = 90;

    private static final String PLAN = "INSERT INTO video_plans (generation_id, chunks, frames) VALUES (?, ?, ?)"
            + " ON CONFLICT (generation_id) DO NOTHING";
    private static final String CHUNK = """
            INSERT INTO video_chunks (generation_id, index, start_frame, frames) VALUES (?, ?, ?, ?)
            ON CONFLICT (generation_id, index) DO NOTHING""";
    private static final String REQUEST = """
            SELECT g.render_request::text, c.start_frame, c.frames
              FROM generations g JOIN video_chunks c ON c.generation_id = g.id
             WHERE g.id = ? AND c.index = ? AND g.status = 'processing'""";
    private static final String BEGIN_CHUNK = """
            UPDATE video_chunks SET attempts = attempts + 1, progress = 0
             WHERE generation_id = ? AND index = ? AND segment_key IS NULL""";
    private static final String CHUNK_PROGRESS = """
            WITH c AS (
                UPDATE video_chunks SET progress = ? WHERE generation_id = ? AND index = ? RETURNING generation_id)
            UPDATE generations g
               SET progress = (SELECT div(sum(CASE WHEN vc.index = ? THEN ? ELSE vc.progress END::bigint * vc.frames)
                                          * ?, 100 * sum(vc.frames))::int
                                 FROM video_chunks vc WHERE vc.generation_id = g.id),
                   stage = 'rendering', updated_at = now()
             WHERE g.id = ? AND g.status = 'processing' AND EXISTS (SELECT 1 FROM c)""";
    private static final String LOCK_PLAN = """
            SELECT p.join_job_id, g.user_id FROM video_plans p JOIN generations g ON g.id = p.generation_id
             WHERE p.generation_id = ? AND g.status = 'processing'
               FOR UPDATE OF p""";
    private static final String DONE = """
            UPDATE video_chunks SET segment_key = ?, segment_bytes = ?, progress = 100
             WHERE generation_id = ? AND index = ?""";
    private static final String REMAINING =
            "SELECT count(*) FROM video_chunks WHERE generation_id = ? AND segment_key IS NULL";
    private static final String SET_JOIN = "UPDATE video_plans SET join_job_id = ? WHERE generation_id = ?";
    private static final String SEGMENTS = """
            SELECT segment_key FROM video_chunks WHERE generation_id = ? ORDER BY index""";
    private static final String JOIN_REQUEST =
            "SELECT render_request::text FROM generations WHERE id = ? AND status = 'processing'";
    private static final String LIST = """
            SELECT index, start_frame, frames, progress, attempts, segment_key FROM video_chunks
             WHERE generation_id = ? ORDER BY index""";

    private final DataSource dataSource;

    /** The chunks stored in {@code dataSource}. */
    public VideoChunks(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** One frame range of a video: frames {@code [startFrame, startFrame + frames)}. */
    public record Range(int index, int startFrame, int frames) {}

    /** A chunk as stored: its range, progress, attempts and segment (once done). */
    public record Chunk(
            int index, int startFrame, int frames, int progress, int attempts, Optional<String> segmentKey) {}

    /** What a chunk renders: the generation's request and its range. */
    public record Work(String renderRequestJson, int startFrame, int frames) {}

    /**
     * Splits a video of {@code totalFrames} into ranges of at most {@code chunkFrames} frames of equal size (give or
     * take one), so no chunk is a tiny tail.
     */
    public static List<Range> split(int totalFrames, int chunkFrames) {
        int n = (totalFrames + chunkFrames - 1) / chunkFrames;
        List<Range> ranges = new ArrayList<>(n);
        int start = 0;
        for (int i = 0; i < n; i++) {
            int frames = (totalFrames - start) / (n - i);
            ranges.add(new Range(i, start, frames));
            start += frames;
        }
        return ranges;
    }

    /** Stores the plan of generation {@code id} in {@code tx} (the transaction that enqueues its chunks' jobs). */
    public void plan(Connection tx, long id, List<Range> ranges) throws SQLException {
        int frames = ranges.stream().mapToInt(Range::frames).sum();
        try (PreparedStatement ps = tx.prepareStatement(PLAN)) {
            ps.setLong(1, id);
            ps.setInt(2, ranges.size());
            ps.setInt(3, frames);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.prepareStatement(CHUNK)) {
            for (Range r : ranges) {
                ps.setLong(1, id);
                ps.setInt(2, r.index());
                ps.setInt(3, r.startFrame());
                ps.setInt(4, r.frames());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** What chunk {@code index} renders, counting an attempt; empty when the video is no longer processing. */
    public Optional<Work> begin(long id, int index) {
        return Sql.once(dataSource, "starting a video chunk", c -> {
            Optional<Work> work;
            try (PreparedStatement ps = c.prepareStatement(REQUEST)) {
                ps.setLong(1, id);
                ps.setInt(2, index);
                try (ResultSet rs = ps.executeQuery()) {
                    work = rs.next()
                            ? Optional.of(new Work(rs.getString(1), rs.getInt(2), rs.getInt(3)))
                            : Optional.empty();
                }
            }
            if (work.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement(BEGIN_CHUNK)) {
                    ps.setLong(1, id);
                    ps.setInt(2, index);
                    ps.executeUpdate();
                }
            }
            return work;
        });
    }

    /**
     * Records chunk {@code index}'s progress (0–100) and the video's, the frame-weighted sum of its chunks'; false when
     * the video is no longer processing (cancelled, failed): the chunk should stop.
     */
    public boolean progress(long id, int index, int percent) {
        int p = Math.clamp(percent, 0, 100);
        return Sql.once(dataSource, "reporting a chunk's progress", c -> {
            try (PreparedStatement ps = c.prepareStatement(CHUNK_PROGRESS)) {
                ps.setInt(1, p);
                ps.setLong(2, id);
                ps.setInt(3, index);
                ps.setInt(4, index);
                ps.setInt(5, p);
                ps.setInt(6, CHUNKS_SHARE);
                ps.setLong(7, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The outcome of a chunk's completion. */
    public enum Completion {
        /** The video is no longer processing; nothing was written. */
        GONE,
        /** Recorded; other chunks are still rendering. */
        RECORDED,
        /** Recorded, and it was the last: the caller enqueues the join in the same transaction. */
        LAST
    }

    /**
     * Records chunk {@code index}'s segment in {@code tx}, under the plan's row lock so that exactly one completing
     * chunk sees that none remain (a chunk run twice by a rescued job records the same range again).
     */
    public Completion complete(Connection tx, long id, int index, String segmentKey, long segmentBytes)
            throws SQLException {
        boolean joined;
        try (PreparedStatement ps = tx.prepareStatement(LOCK_PLAN)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Completion.GONE;
                }
                rs.getLong(1);
                joined = !rs.wasNull();
            }
        }
        try (PreparedStatement ps = tx.prepareStatement(DONE)) {
            ps.setString(1, segmentKey);
            ps.setLong(2, segmentBytes);
            ps.setLong(3, id);
            ps.setInt(4, index);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.prepareStatement(REMAINING)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 0 && !joined ? Completion.LAST : Completion.RECORDED;
            }
        }
    }

    /** Records the join job of video {@code id} in {@code tx}. */
    public void joinEnqueued(Connection tx, long id, long jobId) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(SET_JOIN)) {
            ps.setLong(1, jobId);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** The segments of video {@code id} in order; empty entries for chunks not done. */
    public List<Optional<String>> segments(long id) {
        return Sql.once(dataSource, "reading a video's segments", c -> {
            List<Optional<String>> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SEGMENTS)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(Optional.ofNullable(rs.getString(1)));
                    }
                }
            }
            return keys;
        });
    }

    /** The render request of video {@code id} while it is processing, for its join; empty otherwise. */
    public Optional<String> joinRequest(long id) {
        return Sql.once(dataSource, "reading a video to join", c -> {
            try (PreparedStatement ps = c.prepareStatement(JOIN_REQUEST)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** The chunks of video {@code id}, in order (for tests and operators). */
    public List<Chunk> list(long id) {
        return Sql.once(dataSource, "listing a video's chunks", c -> {
            List<Chunk> chunks = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(LIST)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        chunks.add(new Chunk(
                                rs.getInt(1),
                                rs.getInt(2),
                                rs.getInt(3),
                                rs.getInt(4),
                                rs.getInt(5),
                                Optional.ofNullable(rs.getString(6))));
                    }
                }
            }
            return chunks;
        });
    }
}
