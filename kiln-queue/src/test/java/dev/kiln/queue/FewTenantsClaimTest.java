package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The claim with at most two tenants pending, where it skips the ready probes (Sql.CLAIM, "pending"): in a database
 * of its own, so no other test's tenants are pending. FairnessTest covers three tenants and more.
 */
class FewTenantsClaimTest {

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
    void withTwoTenantsPendingTheClaimSkipsTheProbesAndKeepsPriorityAndTurns() throws SQLException {
        // At most two tenants pending: the claim takes the path without the ready probes (Sql.CLAIM, "pending").
        JobQueue queue = track(JobQueue.create(db.dataSource()));
        String[] kinds = {"two"};
        try (Connection c = db.dataSource().getConnection()) {
            db.enqueue(queue, JobRequest.of("two", "two-busy", "{}"));
            assertThat(Worker.claim(c, Instant.now(), kinds, 5, Duration.ofSeconds(5), "w"))
                    .extracting(Claimed::tenant)
                    .containsExactly("two-busy");
            // two-busy is pending with its only job running: the other tenant's claim is still full.
            db.enqueue(queue, TestJobs.jobs("two", "two-a", 40, Priority.BATCH));
            assertThat(Worker.claim(c, Instant.now(), kinds, 20, Duration.ofSeconds(5), "w"))
                    .hasSize(20)
                    .extracting(Claimed::tenant)
                    .containsOnly("two-a");
            // A second tenant's interactive jobs go before the first one's batch jobs, then both take batch jobs.
            List<Long> interactive = db.enqueue(queue, TestJobs.jobs("two", "two-busy", 2, Priority.INTERACTIVE));
            db.enqueue(queue, TestJobs.jobs("two", "two-busy", 10, Priority.BATCH));
            List<Claimed> got = Worker.claim(c, Instant.now(), kinds, 6, Duration.ofSeconds(5), "w");
            // (A claim returns its jobs in no particular order.)
            assertThat(got).hasSize(6).extracting(Claimed::id).containsAll(interactive);
            assertThat(got.stream().filter(x -> x.priority() == Priority.BATCH).map(Claimed::tenant))
                    .containsOnly("two-a", "two-busy")
                    .contains("two-a", "two-busy");
            assertThat(got).extracting(Claimed::attempt).containsOnly(1);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM kiln_queue_pending WHERE pending > 0")) {
                rs.next();
                assertThat(rs.getInt(1))
                        .as("tenants pending: the path without probes")
                        .isEqualTo(2);
            }
        }
    }
}
