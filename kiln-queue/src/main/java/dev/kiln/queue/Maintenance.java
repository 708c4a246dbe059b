package dev.kiln.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's maintenance, as named services on named intervals: the {@value #RESCUER} (every {@link
 * QueueConfig#rescuerInterval()}), {@value #RETENTION} ({@link QueueConfig#retentionInterval()}) and {@value #VACUUM}
 * ({@link QueueConfig#vacuumInterval()}). Every instance may run them: each is safe to run concurrently.
 */
public final class Maintenance implements AutoCloseable {

    /** Returns the jobs of dead workers (expired leases) to the queue. */
    public static final String RESCUER = "rescuer";
    /** Deletes finished jobs past their retention, in bounded batches. */
    public static final String RETENTION = "retention";
    /** Runs {@code VACUUM (ANALYZE)} on the queue's tables, because autovacuum is off on Kiln's server. */
    public static final String VACUUM = "vacuum";

    /** Most jobs the rescuer moves per statement. */
    static final int RESCUE_BATCH = 1_000;
    /** Most DELETE batches one retention run issues, so one run cannot monopolise the database. */
    static final int MAX_PRUNE_BATCHES = 100;

    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

    private final JobQueue queue;
    private final QueueConfig config;
    private ScheduledExecutorService scheduler;

    Maintenance(JobQueue queue) {
        this.queue = queue;
        this.config = queue.config();
    }

    /** Schedules the three services; the rescuer on its own thread, so a long VACUUM never delays a rescue. */
    public synchronized Maintenance start() {
        if (scheduler != null) {
            return this;
        }
        scheduler = Executors.newScheduledThreadPool(
                2,
                Thread.ofPlatform()
                        .name("kiln-queue-maintenance-", 0)
                        .daemon(true)
                        .factory());
        schedule(RESCUER, config.rescuerInterval(), this::rescue);
        schedule(RETENTION, config.retentionInterval(), this::prune);
        schedule(VACUUM, config.vacuumInterval(), () -> vacuum() ? 1 : 0);
        queue.remember(this);
        return this;
    }

    private interface Task {
        int run() throws SQLException;
    }

    private void schedule(String name, Duration interval, Task task) {
        long nanos = interval.toNanos();
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                    } catch (SQLException | RuntimeException e) {
                        log.warn("Queue maintenance {} failed: {}", name, e.toString());
                    }
                },
                nanos,
                nanos,
                TimeUnit.NANOSECONDS);
    }

    /**
     * The {@value #RESCUER}, once: returns running jobs whose lease expired to {@link JobState#AVAILABLE} at once
     * (or {@link JobState#DISCARDED} when it was their last attempt, {@link JobState#CANCELLED} when cancellation
     * was requested) and wakes idle workers.
     *
     * @return the jobs rescued
     */
    public int rescue() throws SQLException {
        long start = System.nanoTime();
        Instant now = queue.clock().instant();
        int returned = 0;
        int finished = 0;
        try (Connection c = connection()) {
            while (true) {
                int r;
                int f;
                try (PreparedStatement ps = c.prepareStatement(Sql.RESCUE)) {
                    ps.setObject(1, Jdbc.ts(now));
                    ps.setInt(2, RESCUE_BATCH);
                    ps.setObject(3, Jdbc.ts(now));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        r = rs.getInt(1);
                        f = rs.getInt(2);
                    }
                }
                returned += r;
                finished += f;
                if (r + f < RESCUE_BATCH) {
                    break;
                }
            }
            if (returned > 0) {
                try (Statement s = c.createStatement()) {
                    s.execute(Sql.NOTIFY);
                }
            }
        }
        if (returned + finished > 0) {
            log.info("Rescuer returned {} jobs of dead workers to the queue, finished {}", returned, finished);
            queue.listener().rescued(returned, finished);
        }
        ran(RESCUER, returned + finished, start);
        return returned + finished;
    }

    /**
     * {@value #RETENTION}, once: deletes completed and cancelled jobs finished more than {@link
     * QueueConfig#retention()} ago and discarded ones past {@link QueueConfig#discardedRetention()}, in batches of
     * {@link QueueConfig#retentionBatchSize()}, then forgets tenants with nothing unfinished.
     *
     * @return the jobs deleted
     */
    public int prune() throws SQLException {
        long start = System.nanoTime();
        Instant now = queue.clock().instant();
        int deleted = 0;
        try (Connection c = connection()) {
            deleted += prune(c, List.of("completed", "cancelled"), now.minus(config.retention()));
            deleted += prune(c, List.of("discarded"), now.minus(config.discardedRetention()));
            try (Statement s = c.createStatement()) {
                s.executeUpdate(Sql.PRUNE_TENANTS);
            }
        }
        ran(RETENTION, deleted, start);
        return deleted;
    }

    private int prune(Connection c, List<String> states, Instant cutoff) throws SQLException {
        int deleted = 0;
        for (int batch = 0; batch < MAX_PRUNE_BATCHES; batch++) {
            int n;
            try (PreparedStatement ps = c.prepareStatement(Sql.PRUNE)) {
                ps.setArray(1, Jdbc.text(c, states.toArray(String[]::new)));
                ps.setObject(2, Jdbc.ts(cutoff));
                ps.setInt(3, config.retentionBatchSize());
                n = ps.executeUpdate();
            }
            deleted += n;
            if (n < config.retentionBatchSize()) {
                break;
            }
        }
        return deleted;
    }

    /**
     * {@value #VACUUM}, once: {@code VACUUM (ANALYZE)} of the queue's tables, unless another instance is doing it.
     *
     * @return false when skipped because another session holds the vacuum lock
     */
    public boolean vacuum() throws SQLException {
        long start = System.nanoTime();
        try (Connection c = connection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + Sql.VACUUM_LOCK_KEY + ")")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return false;
                }
            }
            try {
                // A pool's statement_timeout is sized for requests; a vacuum of a large table may need longer.
                s.execute("SET statement_timeout = 0");
                s.execute(Sql.VACUUM);
            } finally {
                s.execute("RESET statement_timeout");
                s.execute("SELECT pg_advisory_unlock(" + Sql.VACUUM_LOCK_KEY + ")");
            }
        }
        ran(VACUUM, 0, start);
        return true;
    }

    private Connection connection() throws SQLException {
        Connection c = queue.dataSource().getConnection();
        if (!c.getAutoCommit()) {
            // Each batch commits alone (locks stay short); VACUUM refuses to run inside a transaction.
            c.setAutoCommit(true);
        }
        return c;
    }

    private void ran(String service, int rows, long startNanos) {
        queue.listener().maintenanceRan(service, rows, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** Stops the schedule; a service already running finishes first. */
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
        queue.forget(this);
    }
}
