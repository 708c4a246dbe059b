package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cancellation of waiting and running jobs, and progress reports. */
class CancellationTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static JobQueue queue() {
        return JobQueue.builder(db.dataSource())
                .config(QueueConfig.defaults()
                        .withPollInterval(Duration.ofMillis(50))
                        .withLeases(Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofSeconds(1)))
                .build();
    }

    @Test
    void aWaitingJobIsCancelledAtOnce() throws Exception {
        try (JobQueue queue = queue()) {
            long id = db.enqueue(
                    queue,
                    JobRequest.of("later", "cancel-tenant", "{}")
                            .withRunAt(Instant.now().plusSeconds(3600)));
            assertThat(queue.cancel(id)).isEqualTo(CancelResult.CANCELLED);
            JobSnapshot s = queue.find(id).orElseThrow();
            assertThat(s.state()).isEqualTo(JobState.CANCELLED);
            assertThat(s.finishedAt()).isNotNull();
            assertThat(db.queryLong("SELECT pending FROM kiln_queue_pending WHERE tenant = 'cancel-tenant'"))
                    .isZero();
            assertThat(queue.cancel(id)).isEqualTo(CancelResult.ALREADY_FINISHED);
            assertThat(queue.cancel(Long.MAX_VALUE)).isEqualTo(CancelResult.NOT_FOUND);
        }
    }

    @Test
    void aRunningJobSeesTheRequestOnHeartbeatAndEndsCancelled() throws Exception {
        try (JobQueue queue = queue();
                Worker w = queue.startWorker(WorkerConfig.named("cancel-w"), Map.of("long", ctx -> {
                    ctx.progress(30, "rendering");
                    while (!ctx.isCancelled()) {
                        // Cooperative: a real handler checks between frames.
                        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                    }
                    ctx.throwIfCancelled();
                }))) {
            long id = db.enqueue(queue, JobRequest.of("long", "running-tenant", "{}"));
            await().atMost(WAIT).until(() -> queue.find(id).orElseThrow().progress() == 30);
            JobSnapshot running = queue.find(id).orElseThrow();
            assertThat(running.state()).isEqualTo(JobState.RUNNING);
            assertThat(running.stage()).isEqualTo("rendering");

            assertThat(queue.cancel(id)).isEqualTo(CancelResult.CANCEL_REQUESTED);
            await().atMost(WAIT).until(() -> queue.find(id).orElseThrow().state() == JobState.CANCELLED);
            JobSnapshot s = queue.find(id).orElseThrow();
            assertThat(s.cancelRequested()).isTrue();
            assertThat(s.finishedAt()).isNotNull();
            assertThat(db.queryLong("SELECT pending FROM kiln_queue_pending WHERE tenant = 'running-tenant'"))
                    .isZero();
            await().atMost(WAIT).until(() -> w.running() == 0);
        }
    }
}
