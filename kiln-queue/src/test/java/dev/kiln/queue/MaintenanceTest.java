package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retention, vacuum/analyze and the rescuer doing real work, on demand and on their schedules. */
class MaintenanceTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    private final ManualClock clock = new ManualClock();

    @BeforeEach
    void empty() throws SQLException {
        // Each test counts what retention deletes; rows left by another test would be counted too.
        db.update("TRUNCATE kiln_queue_jobs, kiln_queue_tenants, kiln_queue_tenant_finished");
    }

    /** Inserts {@code n} jobs of {@code tenant} already finished in {@code state} at {@code finishedAt}. */
    private static void finished(String tenant, String state, int n, Instant finishedAt) throws SQLException {
        db.update("""
                INSERT INTO kiln_queue_jobs (kind, tenant, priority, state, payload, attempt, max_attempts, run_at,
                                             timeout_ms, token, created_at, finished_at)
                SELECT 'old', ?, 1, ?, '{}', 1, 5, ?, 1000, nextval('kiln_queue_token_seq'), ?, ?
                  FROM generate_series(1, ?)
                """, tenant, state, Jdbc.ts(finishedAt), Jdbc.ts(finishedAt), Jdbc.ts(finishedAt), n);
    }

    private static long count(String tenant, String state) throws SQLException {
        return db.queryLong("SELECT count(*) FROM kiln_queue_jobs WHERE tenant = ? AND state = ?", tenant, state);
    }

    @Test
    void retentionDeletesFinishedJobsPastTheirRetentionInBoundedBatches() throws SQLException {
        Map<String, Integer> ran = new ConcurrentHashMap<>();
        JobQueue queue = JobQueue.builder(db.dataSource())
                .config(QueueConfig.defaults()
                        .withRetention(Duration.ofHours(24), Duration.ofDays(7), Duration.ofMinutes(1), 1_000))
                .clock(clock)
                .listener(new QueueListener() {
                    @Override
                    public void maintenanceRan(String service, int rows, Duration took) {
                        ran.merge(service, rows, Integer::sum);
                    }
                })
                .build();
        Instant now = clock.instant();
        finished("ret", "completed", 2_300, now.minus(Duration.ofDays(2)));
        finished("ret", "cancelled", 200, now.minus(Duration.ofDays(2)));
        finished("ret", "completed", 10, now.minus(Duration.ofHours(1)));
        finished("ret", "discarded", 5, now.minus(Duration.ofDays(2)));
        finished("ret", "discarded", 7, now.minus(Duration.ofDays(8)));
        long waiting = db.enqueue(queue, JobRequest.of("old", "ret-live", "{}"));
        db.update("INSERT INTO kiln_queue_tenants (tenant, enqueued, quota) VALUES ('idle', 3, 10)");
        db.update("INSERT INTO kiln_queue_tenant_finished (tenant, finished) VALUES ('idle', 3)");

        assertThat(queue.maintenance().prune()).isEqualTo(2_507);
        assertThat(ran).containsEntry(Maintenance.RETENTION, 2_507);
        assertThat(count("ret", "completed")).isEqualTo(10);
        assertThat(count("ret", "cancelled")).isZero();
        assertThat(count("ret", "discarded")).as("dead letters are kept longer").isEqualTo(5);
        assertThat(queue.find(waiting)).isPresent();
        assertThat(db.queryLong("SELECT count(*) FROM kiln_queue_tenants WHERE tenant = 'idle'"))
                .isZero();
        assertThat(db.queryLong("SELECT count(*) FROM kiln_queue_tenants WHERE tenant = 'ret-live'"))
                .isOne();
        assertThat(queue.maintenance().prune()).isZero();
    }

    @Test
    void vacuumAnalyzesAndClearsTheDeadTuplesThatUpdatesLeave() throws SQLException {
        JobQueue queue = JobQueue.create(db.dataSource());
        finished("vac", "completed", 3_000, Instant.now());
        // Every claim, heartbeat and completion is an UPDATE: each leaves a dead tuple behind.
        try (Connection c = db.dataSource().getConnection();
                var s = c.createStatement()) {
            s.executeUpdate("UPDATE kiln_queue_jobs SET progress = 1 WHERE tenant = 'vac'");
            s.executeUpdate("UPDATE kiln_queue_jobs SET progress = 2 WHERE tenant = 'vac'");
            // Statistics are flushed lazily; without this the count could land after the VACUUM and look new.
            s.execute("SELECT pg_stat_force_next_flush()");
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        db.queryLong("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'kiln_queue_jobs'")
                                >= 3_000);
        long vacuumsBefore =
                db.queryLong("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'kiln_queue_jobs'");

        assertThat(queue.maintenance().vacuum()).isTrue();

        assertThat(db.queryLong("SELECT reltuples::bigint FROM pg_class WHERE relname = 'kiln_queue_jobs'"))
                .as("ANALYZE refreshed the planner's row estimate")
                .isGreaterThanOrEqualTo(3_000);
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        db.queryLong("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'kiln_queue_jobs'")
                                > vacuumsBefore);
        assertThat(db.queryLong("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'kiln_queue_jobs'"))
                .isZero();
        assertThat(db.queryLong("SELECT count(*) FROM pg_stat_user_tables"
                        + " WHERE relname = 'kiln_queue_tenants' AND last_analyze IS NOT NULL"))
                .isOne();
    }

    @Test
    void aSecondInstanceSkipsTheVacuumWhileAnotherRunsIt() throws SQLException {
        JobQueue queue = JobQueue.create(db.dataSource());
        try (Connection holder = db.dataSource().getConnection();
                var s = holder.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + Sql.VACUUM_LOCK_KEY + ")");
            try {
                assertThat(queue.maintenance().vacuum()).isFalse();
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + Sql.VACUUM_LOCK_KEY + ")");
            }
        }
        assertThat(queue.maintenance().vacuum()).isTrue();
    }

    @Test
    void theScheduledServicesRescuePruneAndVacuumOnTheirOwn() throws Exception {
        AtomicInteger rescued = new AtomicInteger();
        Map<String, Integer> runs = new ConcurrentHashMap<>();
        QueueConfig config = QueueConfig.defaults()
                .withLeases(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(50))
                .withRetention(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMillis(50), 100)
                .withVacuumInterval(Duration.ofMillis(100));
        try (JobQueue queue = JobQueue.builder(db.dataSource())
                        .config(config)
                        .clock(clock)
                        .listener(new QueueListener() {
                            @Override
                            public void rescued(int returned, int discarded) {
                                rescued.addAndGet(returned);
                            }

                            @Override
                            public void maintenanceRan(String service, int rows, Duration took) {
                                runs.merge(service, 1, Integer::sum);
                            }
                        })
                        .build();
                Maintenance m = queue.maintenance().start()) {
            long id = db.enqueue(queue, JobRequest.of("sched", "sched-tenant", "{}"));
            try (Connection c = db.dataSource().getConnection()) {
                List<Claimed> got = Worker.claim(c, clock.instant(), new String[] {"sched"}, 1, config.lease(), "gone");
                assertThat(got).hasSize(1);
            }
            finished("sched-old", "completed", 250, clock.instant().minus(Duration.ofHours(2)));
            // The worker that claimed it never heartbeats; once the lease is over the rescuer takes it back.
            clock.advance(config.lease().plusSeconds(1));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> queue.find(id).orElseThrow().state() == JobState.AVAILABLE);
            // The listener hears of the rescue after its commit, which the state above can show first.
            await().atMost(Duration.ofSeconds(10)).until(() -> rescued.get() >= 1);
            assertThat(rescued).hasValue(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> count("sched-old", "completed") == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.getOrDefault(Maintenance.VACUUM, 0) >= 2);
            assertThat(runs).containsKeys(Maintenance.RESCUER, Maintenance.RETENTION, Maintenance.VACUUM);
        }
    }
}
