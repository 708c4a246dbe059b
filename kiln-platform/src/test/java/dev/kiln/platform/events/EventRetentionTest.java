package dev.kiln.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.Platform;
import dev.kiln.platform.generations.Generation;
import dev.kiln.platform.generations.Generations;
import dev.kiln.platform.generations.PlaceholderGenerationJobs;
import dev.kiln.platform.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The event-retention service on the real database: it deletes the events of generations finished before the cutoff
 * and nothing else (not a live generation's, however old, nor a recently finished one's), in windows of the batch
 * size, and a second run finds nothing.
 */
class EventRetentionTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String REQUEST = "{\"document\":{\"type\":\"svg\",\"svg\":\"<svg/>\"}}";
    private static final Duration RETENTION = Duration.ofHours(24);

    private final Platform platform = Platform.create(db.dataSource(), new PlaceholderGenerationJobs());
    private final GenerationEvents log = new GenerationEvents(db.dataSource());

    @Test
    void finishedGenerationsPastTheRetentionLoseTheirEventsAndNothingElseDoes() throws SQLException {
        long user = new ApiKeys(db.dataSource(), Clock.systemUTC(), 1_000)
                .create("u")
                .userId();
        long project = platform.projects().create(user, "p").id();
        long scene = platform.scenes().create(user, project, "s", REQUEST).id();
        // Old and finished (canceled, failed), interleaved in the log with old live ones; then a recent finished one.
        List<Long> oldFinished = new ArrayList<>();
        List<Long> oldLive = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Generation g = submit(user, scene);
            switch (i % 3) {
                case 0 -> {
                    platform.generations().cancel(user, g.id());
                    oldFinished.add(g.id());
                }
                case 1 -> {
                    platform.generations().failPermanently(g.id(), "render-failed", "test");
                    oldFinished.add(g.id());
                }
                default -> oldLive.add(g.id());
            }
        }
        long recentFinished = submit(user, scene).id();
        platform.generations().cancel(user, recentFinished);
        long recentLive = submit(user, scene).id();
        long[] aged = oldFinished.stream().mapToLong(Long::longValue).toArray();
        // Two days back: when they finished, and when their events (and the live one's) were written.
        Instant now = Instant.now();
        age("UPDATE generations SET finished_at = finished_at - interval '2 days' WHERE id = ANY(?)", aged);
        List<Long> old = new ArrayList<>(oldFinished);
        old.addAll(oldLive);
        age(
                "UPDATE generation_events SET created_at = created_at - interval '2 days' WHERE generation_id = ANY(?)",
                old.stream().mapToLong(Long::longValue).toArray());
        int before = events(oldFinished);
        assertThat(before).as("a submit and a finish each").isEqualTo(2 * oldFinished.size());
        int liveEvents = events(oldLive);
        int recentEvents = log.after(recentFinished, 0, 100).size();

        // A batch of 3 ids: the old part of the log spans several windows.
        EventRetention retention = new EventRetention(
                db.dataSource(),
                new EventRetentionConfig(RETENTION, Duration.ofMinutes(1), 3),
                Clock.fixed(now, ZoneOffset.UTC));
        assertThat(retention.prune()).isEqualTo(before);
        assertThat(events(oldFinished)).isZero();
        assertThat(events(oldLive)).as("a live generation keeps its whole log").isEqualTo(liveEvents);
        assertThat(log.after(recentFinished, 0, 100))
                .as("finished within the retention")
                .hasSize(recentEvents);
        assertThat(retention.prune()).as("nothing left to prune").isZero();

        // The recent one too, once the clock has moved past its retention; the live one still not.
        EventRetention later = new EventRetention(
                db.dataSource(),
                new EventRetentionConfig(RETENTION, Duration.ofMinutes(1), 3),
                Clock.fixed(now.plus(RETENTION).plus(Duration.ofHours(1)), ZoneOffset.UTC));
        assertThat(later.prune()).isEqualTo(recentEvents);
        assertThat(log.after(recentFinished, 0, 100)).isEmpty();
        assertThat(events(oldLive)).isEqualTo(liveEvents);
        assertThat(log.after(recentLive, 0, 100)).hasSize(1);
    }

    @Test
    void itsSettingsAreChecked() {
        assertThatThrownBy(() -> new EventRetentionConfig(Duration.ofSeconds(-1), Duration.ofMinutes(1), 10))
                .hasMessageContaining("KILN_EVENT_RETENTION must be at least 0");
        assertThatThrownBy(() -> new EventRetentionConfig(RETENTION, Duration.ofMillis(1), 10))
                .hasMessageContaining("KILN_EVENT_RETENTION_INTERVAL must be at least 100 ms");
        assertThatThrownBy(() -> new EventRetentionConfig(RETENTION, Duration.ofMinutes(1), 0))
                .hasMessageContaining("batch size must be at least 1");
        assertThat(EventRetentionConfig.defaults().retention()).isEqualTo(Duration.ofHours(24));
    }

    private Generation submit(long user, long scene) {
        return platform.generations()
                .submit(new Generations.Submit(user, scene, REQUEST, 1, Optional.empty()))
                .generation();
    }

    private long cancel(long user, long id) {
        platform.generations().cancel(user, id);
        return id;
    }

    private static void age(String sql, long[] ids) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(
                    1,
                    c.createArrayOf(
                            "bigint", java.util.Arrays.stream(ids).boxed().toArray()));
            assertThat(ps.executeUpdate()).isPositive();
        }
    }

    private static int events(List<Long> generations) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM generation_events WHERE generation_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("bigint", generations.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
