package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker claims on a connection of its own with session settings (a generic plan, asynchronous commit); when it
 * stops, the connection goes back to the pool with those settings undone, so no other user of the pool commits
 * asynchronously.
 */
class ClaimConnectionTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase(4);

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theClaimConnectionGoesBackToThePoolWithItsSettingsUndone() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        try (JobQueue queue = JobQueue.create(db.dataSource())) {
            Worker w = queue.startWorker(
                    WorkerConfig.named("claim-conn").withConcurrency(4), Map.of("cc", ctx -> ran.incrementAndGet()));
            for (int i = 0; i < 20; i++) {
                db.enqueue(queue, JobRequest.of("cc", "cc-tenant", "{}"));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> ran.get() == 20);
            // While the worker runs, the claim connection is held with its settings, so at most 3 are left to us.
            w.close();
        }
        List<Connection> all = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                all.add(db.dataSource().getConnection());
            }
            for (Connection c : all) {
                assertThat(show(c, "synchronous_commit")).isEqualTo("on");
                assertThat(show(c, "plan_cache_mode")).isEqualTo("auto");
            }
        } finally {
            for (Connection c : all) {
                c.close();
            }
        }
        assertThat(db.queryLong("SELECT count(*) FROM kiln_queue_jobs WHERE state = 'completed'"))
                .isEqualTo(20);
    }
}
