package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link JobQueue#submit}: concurrent single adds share a transaction, and the quota still refuses per job. */
class GroupEnqueueTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    private static final int QUOTA = 50;

    /**
     * Holds the tenant's counter row locked, so every batch that reaches the INSERT waits: submits pile up, and the
     * test then sees how many transactions stored them.
     */
    private static Connection lockTenant(String tenant) throws SQLException {
        Connection c = db.dataSource().getConnection();
        c.setAutoCommit(false);
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM kiln_queue_tenants WHERE tenant = ? FOR UPDATE")) {
            ps.setString(1, tenant);
            ps.executeQuery().close();
        }
        return c;
    }

    @Test
    void concurrentSubmitsShareCommits() throws Exception {
        int n = 100;
        try (JobQueue queue = JobQueue.builder(db.dataSource())
                        .config(QueueConfig.defaults().withTenantQuota(1_000))
                        .build();
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            long first = queue.submit(JobRequest.of("noop", "grouped", "{}"));
            List<Future<Long>> ids = new ArrayList<>();
            try (Connection lock = lockTenant("grouped")) {
                for (int i = 0; i < n; i++) {
                    int k = i;
                    ids.add(callers.submit(() -> queue.submit(JobRequest.of("noop", "grouped", "{\"k\":" + k + "}"))));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> queue.unansweredSubmits() == n);
                assertThat(ids).noneMatch(Future::isDone);
                lock.rollback();
            }
            List<Long> stored = new ArrayList<>();
            for (Future<Long> f : ids) {
                stored.add(f.get());
            }
            assertThat(stored).doesNotHaveDuplicates().doesNotContain(first);
            for (long id : stored) {
                JobSnapshot s = queue.find(id).orElseThrow();
                assertThat(s.state()).isEqualTo(JobState.AVAILABLE);
                assertThat(s.tenant()).isEqualTo("grouped");
            }
            // At most the two batches that were waiting on the lock, plus one for everything that piled up behind.
            long transactions = db.queryLong(
                    "SELECT count(DISTINCT xmin::text) FROM kiln_queue_jobs WHERE tenant = 'grouped' AND id <> ?",
                    first);
            assertThat(transactions).isBetween(1L, 3L);
        }
    }

    @Test
    void theQuotaRefusesOnlyTheJobsPastItWhenABatchWouldCrossIt() throws Exception {
        try (JobQueue queue = JobQueue.builder(db.dataSource())
                        .config(QueueConfig.defaults().withTenantQuota(QUOTA))
                        .build();
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<JobRequest> most = new ArrayList<>();
            for (int i = 0; i < QUOTA - 3; i++) {
                most.add(JobRequest.of("noop", "near-quota", "{}"));
            }
            db.enqueue(queue, most);
            queue.submit(JobRequest.of("noop", "bystander", "{}"));
            List<Future<Long>> greedy = new ArrayList<>();
            List<Future<Long>> others = new ArrayList<>();
            try (Connection lock = lockTenant("near-quota")) {
                for (int i = 0; i < 10; i++) {
                    greedy.add(callers.submit(() -> queue.submit(JobRequest.of("noop", "near-quota", "{}"))));
                    others.add(callers.submit(() -> queue.submit(JobRequest.of("noop", "bystander", "{}"))));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> queue.unansweredSubmits() >= 10);
                lock.rollback();
            }
            int accepted = 0;
            int refused = 0;
            for (Future<Long> f : greedy) {
                try {
                    f.get();
                    accepted++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(QueueQuotaExceededException.class);
                    refused++;
                }
            }
            assertThat(accepted).isEqualTo(3);
            assertThat(refused).isEqualTo(7);
            for (Future<Long> f : others) {
                assertThat(queue.find(f.get())).isPresent();
            }
            assertThat(db.queryLong("SELECT count(*) FROM kiln_queue_jobs WHERE tenant = 'near-quota'"))
                    .isEqualTo(QUOTA);
            assertThat(db.queryLong("SELECT count(*) FROM kiln_queue_jobs WHERE tenant = 'bystander'"))
                    .isEqualTo(11);
        }
    }

    @Test
    void aClosedQueueRefusesSubmitsAndStoredJobsStay() throws Exception {
        JobQueue queue = JobQueue.create(db.dataSource());
        long id = queue.submit(JobRequest.of("noop", "closing", "{}"));
        queue.close();
        assertThatThrownBy(() -> queue.submit(JobRequest.of("noop", "closing", "{}")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(queue.find(id)).isPresent();
    }
}
