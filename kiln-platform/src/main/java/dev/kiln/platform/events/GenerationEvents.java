package dev.kiln.platform.events;

import dev.kiln.platform.Sql;
import dev.kiln.platform.generations.GenerationStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the event log that the {@code generations_record_*} triggers (migration V4) write in the transaction of every
 * status or progress change. Reads never name the user: callers check ownership of the generation first.
 */
public final class GenerationEvents {
    /** The NOTIFY channel the triggers announce {@code <first event id>:<last event id>} of each statement on. */
    public static final String CHANNEL = "kiln_generation_events";

    /** Most events one read returns; a stream that is further behind reads again. */
    public static final int MAX_BATCH = 500;

    private static final String COLUMNS = """
            id, generation_id, kind, status, progress, stage, attempt, output::text AS output, error::text AS error,
            created_at""";
    private static final String AFTER = "SELECT " + COLUMNS + """

             FROM generation_events
            WHERE generation_id = ? AND id > ?
            ORDER BY id
            LIMIT ?""";
    private static final String IN_RANGE = "SELECT " + COLUMNS + """

             FROM generation_events
            WHERE id BETWEEN ? AND ?
            ORDER BY id""";

    private final DataSource dataSource;

    /** The event log in {@code dataSource}. */
    public GenerationEvents(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Events of generation {@code generationId} with ids above {@code afterId}, oldest first, at most {@code limit}. */
    public List<GenerationEvent> after(long generationId, long afterId, int limit) {
        return Sql.once(dataSource, "reading generation events", c -> {
            try (PreparedStatement ps = c.prepareStatement(AFTER)) {
                ps.setLong(1, generationId);
                ps.setLong(2, afterId);
                ps.setInt(3, Math.clamp(limit, 1, MAX_BATCH));
                return read(ps);
            }
        });
    }

    /**
     * The events with ids from {@code firstId} to {@code lastId}, oldest first, of every generation: a primary-key range
     * scan whose cost follows the number of events written, not the number of generations watched.
     */
    public List<GenerationEvent> inRange(long firstId, long lastId) {
        if (lastId < firstId) {
            return List.of();
        }
        return Sql.once(dataSource, "reading announced generation events", c -> {
            try (PreparedStatement ps = c.prepareStatement(IN_RANGE)) {
                ps.setLong(1, firstId);
                ps.setLong(2, lastId);
                return read(ps);
            }
        });
    }

    private static List<GenerationEvent> read(PreparedStatement ps) throws SQLException {
        List<GenerationEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new GenerationEvent(
                        rs.getLong("id"),
                        rs.getLong("generation_id"),
                        rs.getString("kind"),
                        GenerationStatus.parse(rs.getString("status")).orElseThrow(),
                        rs.getInt("progress"),
                        Optional.ofNullable(rs.getString("stage")),
                        rs.getInt("attempt"),
                        Optional.ofNullable(rs.getString("output")),
                        Optional.ofNullable(rs.getString("error")),
                        Sql.instant(rs.getTimestamp("created_at"))));
            }
        }
        return out;
    }
}
