package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Shutdown stops claiming, lets running jobs finish, releases the rest uncounted: nothing lost, nothing run twice. */
class GracefulShutdownTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    private static final Duration WAIT = Duration.ofSeconds(15);

    @BeforeAll
    static void resultsTable() throws SQLException {
        db.update("CREATE TABLE results (job_id bigint NOT NULL, token bigint NOT NULL, worker text NOT NULL)");
    }

    private static JobQueue queue() {
        return JobQueue.builder(db.dataSource())
                .config(QueueConfig.defaults()
                        .withPollInterval(Duration.ofMillis(50))
                        .withLeases(Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(1)))
                .build();
    }

    /** Records (job, token, worker) in the same transaction as the completion, so effects happen exactly once. */
    static boolean completeWithResult(DataSource ds, JobContext ctx, String worker) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO results VALUES (?, ?, ?)")) {
                ps.setLong(1, ctx.id());
                ps.setLong(2, ctx.token());
                ps.setString(3, worker);
                ps.executeUpdate();
            }
            if (ctx.complete(c)) {
                c.commit();
                return true;
            }
            c.rollback();
            return false;
        } finally {
            // Leave pooled connections as the pool expects them.
        }
    }

    @Test
    void runningJobsFinishWithinTheDrainAndNothingNewIsClaimed() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        try (JobQueue queue = queue()) {
            List<JobRequest> first = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                first.add(JobRequest.of("drain", "drain-tenant", "{}"));
            }
            List<Long> running = db.enqueue(queue, first);
            Worker w = queue.startWorker(
                    WorkerConfig.named("drain-w").withConcurrency(6).withDrainTimeout(WAIT), Map.of("drain", ctx -> {
                        started.incrementAndGet();
                        assertThat(gate.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                                .isTrue();
                        completeWithResult(db.dataSource(), ctx, "drain-w");
                    }));
            await().atMost(WAIT).until(() -> started.get() == 6);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(w::close);
            await().atMost(WAIT).until(w::stoppedClaiming);
            long late = db.enqueue(queue, JobRequest.of("drain", "drain-tenant", "{}"));
            assertThat(closing).isNotDone();
            gate.countDown();
            closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            for (long id : running) {
                assertThat(queue.find(id).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
            }
            JobSnapshot untouched = queue.find(late).orElseThrow();
            assertThat(untouched.state()).isEqualTo(JobState.AVAILABLE);
            assertThat(untouched.attempt()).isZero();
            assertThat(started).hasValue(6);
        }
    }

    @Test
    void jobsStillRunningAtTheDrainDeadlineAreReleasedUncountedAndRunOnceElsewhere() throws Exception {
        CountDownLatch stuckStarted = new CountDownLatch(1);
        try (JobQueue queue = queue()) {
            long id = db.enqueue(queue, JobRequest.of("stuck", "stuck-tenant", "{}"));
            Worker first = queue.startWorker(
                    WorkerConfig.named("stuck-w1").withDrainTimeout(Duration.ofMillis(200)), Map.of("stuck", ctx -> {
                        stuckStarted.countDown();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            // Told to stop by the shutdown; its late completion must be refused.
                            assertThat(ctx.cancelReason()).isEqualTo(JobContext.CancelReason.SHUTDOWN);
                            assertThat(completeWithResult(db.dataSource(), ctx, "stuck-w1"))
                                    .isFalse();
                        }
                    }));
            assertThat(stuckStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            first.close();

            JobSnapshot released = queue.find(id).orElseThrow();
            assertThat(released.state()).isEqualTo(JobState.AVAILABLE);
            assertThat(released.attempt())
                    .as("a released attempt is not counted")
                    .isZero();
            await().atMost(WAIT).until(() -> first.running() == 0);

            try (Worker second = queue.startWorker(
                    WorkerConfig.named("stuck-w2"),
                    Map.of("stuck", ctx -> completeWithResult(db.dataSource(), ctx, "stuck-w2")))) {
                await().atMost(WAIT).until(() -> queue.find(id).orElseThrow().state() == JobState.COMPLETED);
            }
            assertThat(queue.find(id).orElseThrow().attempt()).isEqualTo(1);
            assertThat(db.queryLong("SELECT count(*) FROM results WHERE job_id = ?", id))
                    .isEqualTo(1);
            assertThat(db.queryLong("SELECT count(*) FROM results WHERE job_id = ? AND worker = 'stuck-w2'", id))
                    .isEqualTo(1);
        }
    }
}
