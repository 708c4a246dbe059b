package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EnqueueTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    private static final int QUOTA = 5;

    private final JobQueue queue = JobQueue.builder(db.dataSource())
            .config(QueueConfig.defaults().withTenantQuota(QUOTA))
            .build();

    @Test
    void enqueueJoinsTheCallersTransactionAndVanishesOnRollback() throws SQLException {
        long id;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            id = queue.enqueue(c, JobRequest.of("noop", "rollback-tenant", "{\"a\":1}"));
            c.rollback();
        }
        assertThat(queue.find(id)).isEmpty();
        assertThat(db.queryLong(
                        "SELECT coalesce(sum(pending), 0) FROM kiln_queue_pending WHERE tenant = ?", "rollback-tenant"))
                .isZero();

        long kept = db.enqueue(queue, JobRequest.of("noop", "rollback-tenant", "{\"a\":2}"));
        JobSnapshot s = queue.find(kept).orElseThrow();
        assertThat(s.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(s.attempt()).isZero();
        assertThat(s.token()).isZero();
    }

    @Test
    void bulkEnqueueIsOneStatementAndKeepsRequestOrder() throws SQLException {
        List<JobRequest> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            requests.add(JobRequest.of("noop", "bulk-" + i, "{\"i\":" + i + "}"));
        }
        requests.add(JobRequest.of("noop", "bulk-0", "{}")
                .withRunAt(Instant.now().plus(Duration.ofHours(1)))
                .withPriority(Priority.INTERACTIVE));
        List<Long> ids = db.enqueue(queue, requests);
        assertThat(ids).hasSize(5).isSorted().doesNotHaveDuplicates();
        for (int i = 0; i < 4; i++) {
            assertThat(queue.find(ids.get(i)).orElseThrow().tenant()).isEqualTo("bulk-" + i);
        }
        JobSnapshot later = queue.find(ids.get(4)).orElseThrow();
        assertThat(later.state()).isEqualTo(JobState.SCHEDULED);
        assertThat(later.priority()).isEqualTo(Priority.INTERACTIVE);
    }

    @Test
    void quotaRefusesTheEnqueuePastItAtomically() throws SQLException {
        List<JobRequest> five = new ArrayList<>();
        for (int i = 0; i < QUOTA; i++) {
            five.add(JobRequest.of("noop", "greedy", "{}"));
        }
        List<Long> ids = db.enqueue(queue, five);

        assertThatThrownBy(() -> db.enqueue(queue, JobRequest.of("noop", "greedy", "{}")))
                .isInstanceOf(QueueQuotaExceededException.class)
                .hasMessageContaining("greedy")
                .hasMessageContaining(String.valueOf(QUOTA));
        // A bulk enqueue that would pass the quota for one tenant enqueues nothing, not even for the other.
        assertThatThrownBy(() -> db.enqueue(
                        queue, List.of(JobRequest.of("noop", "modest", "{}"), JobRequest.of("noop", "greedy", "{}"))))
                .isInstanceOf(QueueQuotaExceededException.class);
        assertThat(db.queryLong("SELECT count(*) FROM kiln_queue_jobs WHERE tenant = 'modest'"))
                .isZero();
        assertThat(db.queryLong("SELECT pending FROM kiln_queue_pending WHERE tenant = 'greedy'"))
                .isEqualTo(QUOTA);

        // Finishing a job (here: cancelling it) frees a slot.
        assertThat(queue.cancel(ids.getFirst())).isEqualTo(CancelResult.CANCELLED);
        db.enqueue(queue, JobRequest.of("noop", "greedy", "{}"));
        assertThat(db.queryLong("SELECT pending FROM kiln_queue_pending WHERE tenant = 'greedy'"))
                .isEqualTo(QUOTA);
    }

    @Test
    void aTenantWithAQuotaOfItsOwnIsHeldToItAndBackToTheDefaultWhenItIsCleared() throws SQLException {
        queue.setTenantQuota("vip", 8);
        queue.setTenantQuota("trial", 2);
        assertThat(queue.tenantQuota("vip")).isEqualTo(8);
        assertThat(queue.tenantQuota("nobody-special")).isEqualTo(QUOTA);

        List<JobRequest> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(JobRequest.of("noop", "vip", "{}"));
        }
        db.enqueue(queue, eight);
        assertThatThrownBy(() -> db.enqueue(queue, JobRequest.of("noop", "vip", "{}")))
                .isInstanceOf(QueueQuotaExceededException.class)
                .hasMessageContaining("quota of 8 ")
                .satisfies(e ->
                        assertThat(((QueueQuotaExceededException) e).quota()).isEqualTo(8));

        db.enqueue(queue, List.of(JobRequest.of("noop", "trial", "{}"), JobRequest.of("noop", "trial", "{}")));
        assertThatThrownBy(() -> db.enqueue(queue, JobRequest.of("noop", "trial", "{}")))
                .isInstanceOf(QueueQuotaExceededException.class)
                .hasMessageContaining("quota of 2 ");

        // Cleared: the default (5) holds again; the 8 already queued stay, and nothing more gets in.
        queue.setTenantQuota("vip", null);
        assertThat(queue.tenantQuota("vip")).isEqualTo(QUOTA);
        assertThatThrownBy(() -> db.enqueue(queue, JobRequest.of("noop", "vip", "{}")))
                .isInstanceOf(QueueQuotaExceededException.class)
                .hasMessageContaining("quota of " + QUOTA + " ");
        assertThat(db.queryLong("SELECT pending FROM kiln_queue_pending WHERE tenant = 'vip'"))
                .isEqualTo(8);
        assertThatThrownBy(() -> queue.setTenantQuota("vip", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCompletionDoesNotWaitForAnOpenEnqueueOfTheSameTenant() throws Exception {
        long id = db.enqueue(queue, JobRequest.of("open-tx", "open-tenant", "{}"));
        Claimed held;
        try (Connection c = db.dataSource().getConnection()) {
            held = Worker.claim(c, Instant.now(), new String[] {"open-tx"}, 1, Duration.ofSeconds(5), "w")
                    .getFirst();
        }
        try (Connection open = db.dataSource().getConnection()) {
            open.setAutoCommit(false);
            // The caller's transaction holds the tenant's enqueue counter until it commits...
            queue.enqueue(open, JobRequest.of("open-tx", "open-tenant", "{}"));
            // ...and the worker's completion of the same tenant's job goes through regardless.
            CompletableFuture<Integer> completion = CompletableFuture.supplyAsync(() -> {
                try (Connection c = db.dataSource().getConnection()) {
                    return Report.store(c, List.of(Report.completed(held)), Instant.now())
                            .size();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(completion.get(5, TimeUnit.SECONDS)).isOne();
            open.rollback();
        }
        assertThat(queue.find(id).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
        assertThat(db.queryLong("SELECT pending FROM kiln_queue_pending WHERE tenant = 'open-tenant'"))
                .isZero();
    }

    @Test
    void invalidJsonPayloadIsRefusedByTheDatabase() {
        assertThatThrownBy(() -> db.enqueue(queue, JobRequest.of("noop", "json", "{not json")))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void notifyWakesAnIdleWorkerLongBeforeItsPollInterval() throws Exception {
        QueueConfig slowPoll = QueueConfig.defaults().withPollInterval(Duration.ofMinutes(5));
        ConcurrentLinkedQueue<Long> ran = new ConcurrentLinkedQueue<>();
        try (JobQueue q = JobQueue.builder(db.dataSource()).config(slowPoll).build();
                Worker w = q.startWorker(WorkerConfig.named("notify-w"), Map.of("wake", ctx -> ran.add(ctx.id())))) {
            // Let the worker go idle first: it runs one job, then claims again, finds nothing and waits.
            long first = db.enqueue(q, JobRequest.of("wake", "notify-tenant", "{}"));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> q.find(first).orElseThrow().state() == JobState.COMPLETED);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> db.queryLong("SELECT count(*) FROM pg_stat_activity"
                                    + " WHERE datname = current_database() AND query LIKE 'LISTEN%'")
                            > 0);
            long id = db.enqueue(q, JobRequest.of("wake", "notify-tenant", "{}"));
            await().atMost(Duration.ofSeconds(5)).until(() -> ran.contains(id));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> q.find(id).orElseThrow().state() == JobState.COMPLETED);
            assertThat(w.running()).isZero();
        }
    }

    @Test
    void statsCountWaitingRunningAndScheduledJobs() throws SQLException {
        JobQueue q = JobQueue.builder(db.dataSource()).build();
        QueueStats before = q.stats();
        db.enqueue(q, JobRequest.of("stats-kind", "stats", "{}"));
        db.enqueue(
                q,
                JobRequest.of("stats-kind", "stats", "{}")
                        .withRunAt(Instant.now().plusSeconds(3600)));
        QueueStats after = q.stats();
        assertThat(after.available()).isEqualTo(before.available() + 1);
        assertThat(after.scheduled()).isEqualTo(before.scheduled() + 1);
        assertThat(after.oldestAvailableAge()).isGreaterThanOrEqualTo(Duration.ZERO);
    }
}
