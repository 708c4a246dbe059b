package dev.kiln.platform.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@value #NAME} service: deletes the events of generations that finished (completed, failed or canceled) more
 * than {@link EventRetentionConfig#retention()} ago, every {@link EventRetentionConfig#interval()}. Events of a
 * generation still queued or processing are never deleted, so a live stream's {@code Last-Event-ID} always resumes;
 * a stream of a generation whose events are gone sends its final state from the generation itself. Safe to run on
 * several instances at once (each batch is one DELETE; a row deleted twice is deleted once).
 *
 * <p>A run walks the log from its oldest id in windows of {@link EventRetentionConfig#batchSize()} ids (the
 * primary key, so each window is one index range whatever the log holds), deletes the window's prunable rows, and
 * stops at the first window that holds an event younger than the cutoff: everything after it is younger too, up to
 * the few ids that committed out of order, which the next run finds.
 */
public final class EventRetention implements AutoCloseable {
    /** The service's name, in logs. */
    public static final String NAME = "event-retention";

    /** Most windows one run deletes, so one run cannot monopolise the database (100,000 events by default). */
    static final int MAX_BATCHES = 100;

    private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);

    private static final String OLDEST = "SELECT min(id) FROM generation_events WHERE id >= ?";
    // An event is created no later than its generation finishes, so a finished-before-cutoff generation's events
    // are all older than the cutoff, and a window holding a younger event is where the prunable part ends.
    private static final String PRUNE = """
            DELETE FROM generation_events e
             USING generations g
             WHERE e.id >= ? AND e.id < ?
               AND g.id = e.generation_id
               AND g.status IN ('completed', 'failed', 'canceled')
               AND g.finished_at < ?""";
    private static final String YOUNGER = """
            SELECT EXISTS (SELECT 1 FROM generation_events WHERE id >= ? AND id < ? AND created_at >= ?)""";

    private final DataSource dataSource;
    private final EventRetentionConfig config;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    /** The service over {@code dataSource}; the cutoff is {@code clock}'s now minus the retention. */
    public EventRetention(DataSource dataSource, EventRetentionConfig config, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Schedules the service every {@link EventRetentionConfig#interval()}; a second call does nothing. */
    public synchronized EventRetention start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("kiln-" + NAME).daemon(true).factory());
            long nanos = config.interval().toNanos();
            scheduler.scheduleWithFixedDelay(this::safeRun, nanos, nanos, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    private void safeRun() {
        try {
            prune();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("{} failed: {}", NAME, e.toString());
        }
    }

    /**
     * One run: deletes the events of generations finished before now minus the retention, at most {@link
     * #MAX_BATCHES} windows.
     *
     * @return the events deleted
     */
    public int prune() throws SQLException {
        long started = System.nanoTime();
        Timestamp cutoff = Timestamp.from(clock.instant().minus(config.retention()));
        int deleted = 0;
        try (Connection c = dataSource.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true); // each window commits alone, so its row locks are short
            }
            long start = oldest(c, Long.MIN_VALUE);
            for (int batch = 0; batch < MAX_BATCHES && start != Long.MAX_VALUE; batch++) {
                long end = start + config.batchSize();
                try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
                    ps.setLong(1, start);
                    ps.setLong(2, end);
                    ps.setTimestamp(3, cutoff);
                    deleted += ps.executeUpdate();
                }
                if (younger(c, start, end, cutoff)) {
                    break;
                }
                start = oldest(c, end);
            }
        }
        if (deleted > 0) {
            LOG.info(
                    "{} deleted {} events of generations finished before {} in {} ms",
                    NAME,
                    deleted,
                    cutoff.toInstant(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
        return deleted;
    }

    /** The smallest event id at or above {@code from}, or {@link Long#MAX_VALUE} when there is none. */
    private static long oldest(Connection c, long from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OLDEST)) {
            ps.setLong(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                return rs.wasNull() ? Long.MAX_VALUE : id;
            }
        }
    }

    private static boolean younger(Connection c, long start, long end, Timestamp cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(YOUNGER)) {
            ps.setLong(1, start);
            ps.setLong(2, end);
            ps.setTimestamp(3, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Stops the schedule; a run in progress finishes first. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                    scheduler.shutdownNow();
                }
            } catch (InterruptedException e) {
                scheduler.shutdownNow();
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }
}
