package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tenants share workers fairly; interactive jobs go before batch jobs. */
class FairnessTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    private final List<JobQueue> queues = new ArrayList<>();

    private JobQueue track(JobQueue q) {
        queues.add(q);
        return q;
    }

    @AfterEach
    void closeQueues() {
        queues.forEach(JobQueue::close);
    }

    @Test
    void oneTenantsBacklogDoesNotDelayAnotherTenantsSingleJob() throws Exception {
        JobQueue queue = track(JobQueue.create(db.dataSource()));
        AtomicInteger started = new AtomicInteger();
        Map<Long, Integer> startOrder = new ConcurrentHashMap<>();
        int concurrency = 4;
        db.enqueue(queue, TestJobs.jobs("fair", "tenant-a", 2_000, Priority.BATCH));
        try (Worker w =
                queue.startWorker(WorkerConfig.named("fair-w").withConcurrency(concurrency), Map.of("fair", ctx -> {
                    startOrder.put(ctx.id(), started.incrementAndGet());
                    // About one job's service time, so the backlog is still deep when B arrives.
                    Thread.sleep(2);
                }))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> started.get() >= 100);
            long b = db.enqueue(queue, JobRequest.of("fair", "tenant-b", "{}"));
            int atEnqueue = started.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> startOrder.containsKey(b));
            int aheadOfB = startOrder.get(b) - atEnqueue - 1;
            // Only A's jobs already claimed may start first: those held when B committed, those of a claim whose
            // snapshot predates the commit, and those launched beside B's in its own claim: under 3 batches.
            assertThat(aheadOfB).isLessThan(3 * concurrency);
            assertThat(2_000 - startOrder.get(b)).isGreaterThan(1_000);
        }
    }

    @Test
    void interactiveJobsAreClaimedBeforeBatchJobs() throws Exception {
        JobQueue queue = track(JobQueue.create(db.dataSource()));
        db.enqueue(queue, TestJobs.jobs("prio", "tenant-p", 50, Priority.BATCH));
        List<Long> interactive = db.enqueue(queue, TestJobs.jobs("prio", "tenant-p", 3, Priority.INTERACTIVE));
        List<Long> order = Collections.synchronizedList(new ArrayList<>());
        try (Worker w = queue.startWorker(
                WorkerConfig.named("prio-w").withConcurrency(1), Map.of("prio", ctx -> order.add(ctx.id())))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> order.size() == 53);
        }
        assertThat(order.subList(0, 3)).containsExactlyElementsOf(interactive);
    }

    @Test
    void roundRobinAcrossTenantsWithinOneClaim() throws SQLException {
        JobQueue queue = track(JobQueue.create(db.dataSource()));
        db.enqueue(queue, TestJobs.jobs("rr", "rr-a", 30, Priority.BATCH));
        db.enqueue(queue, TestJobs.jobs("rr", "rr-b", 30, Priority.BATCH));
        db.enqueue(queue, TestJobs.jobs("rr", "rr-c", 2, Priority.BATCH));
        try (Connection c = db.dataSource().getConnection()) {
            List<Claimed> got = Worker.claim(c, Instant.now(), new String[] {"rr"}, 6, Duration.ofSeconds(5), "w");
            assertThat(got).extracting(Claimed::tenant).containsOnly("rr-a", "rr-b", "rr-c");
            assertThat(got.stream().filter(x -> x.tenant().equals("rr-c"))).hasSize(2);
            // With capacity for one job at a time, tenants take turns: the least recently served goes next.
            List<String> turns = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                turns.add(Worker.claim(c, Instant.now(), new String[] {"rr"}, 1, Duration.ofSeconds(5), "w")
                        .getFirst()
                        .tenant());
            }
            assertThat(turns).containsExactly("rr-a", "rr-b", "rr-a", "rr-b");
        }
    }

    @Test
    void tenantsWhoseJobsAreAllRunningDoNotShrinkAClaim() throws SQLException {
        JobQueue queue = track(JobQueue.create(db.dataSource()));
        String[] kinds = {"shrink"};
        try (Connection c = db.dataSource().getConnection()) {
            for (int t = 0; t < 10; t++) {
                db.enqueue(queue, JobRequest.of("shrink", "busy-" + t, "{}"));
            }
            // Ten tenants now have one running job each: unfinished, but nothing left to claim.
            assertThat(Worker.claim(c, Instant.now(), kinds, 10, Duration.ofSeconds(5), "w"))
                    .hasSize(10);
            db.enqueue(queue, TestJobs.jobs("shrink", "backlog", 100, Priority.BATCH));
            assertThat(Worker.claim(c, Instant.now(), kinds, 20, Duration.ofSeconds(5), "w"))
                    .hasSize(20)
                    .extracting(Claimed::tenant)
                    .containsOnly("backlog");
        }
    }

    @Test
    void theClaimStaysIndexDrivenWithTenThousandWaitingJobs() throws SQLException {
        JobQueue queue = track(JobQueue.create(db.dataSource()));
        for (int i = 0; i < 5; i++) {
            db.enqueue(queue, TestJobs.jobs("big", "big-a", 2_000, Priority.BATCH));
        }
        db.enqueue(queue, TestJobs.jobs("big", "big-b", 5, Priority.INTERACTIVE));
        StringBuilder plan = new StringBuilder();
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("ANALYZE kiln_queue_jobs");
            s.execute("ANALYZE kiln_queue_tenants");
            c.setAutoCommit(false);
            String explain = "EXPLAIN (ANALYZE, FORMAT TEXT) "
                    + Sql.CLAIM
                            .replaceFirst("\\?::timestamptz", "now()")
                            .replaceFirst("\\?::text\\[\\]", "'{big}'::text[]")
                            .replaceFirst("\\?::int", "50")
                            // A kind limit that binds: the plan stays index-driven with one.
                            .replaceFirst(
                                    "unnest\\(\\?::text\\[\\], \\?::int\\[\\]\\)",
                                    "unnest('{big}'::text[], '{10}'::int[])")
                            .replaceFirst("lease_until = \\?", "lease_until = now()")
                            .replaceFirst("worker = \\?", "worker = 'explain'");
            try (ResultSet rs = s.executeQuery(explain)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            c.rollback();
            c.setAutoCommit(true);
        }
        assertThat(plan.toString())
                .contains("kiln_queue_jobs_waiting_idx")
                .doesNotContain("Seq Scan on kiln_queue_jobs");
    }
}
