package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Failed attempts back off exponentially (full jitter) and end in the dead-letter state with the last error. */
class RetryTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final List<Duration> delays = new CopyOnWriteArrayList<>();
    private final List<Integer> discardedAfter = new CopyOnWriteArrayList<>();

    private JobQueue queue() {
        QueueConfig config = QueueConfig.defaults()
                .withPollInterval(Duration.ofMillis(20))
                .withLeases(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofSeconds(1))
                .withRetry(new RetryPolicy(Duration.ofSeconds(1), Duration.ofHours(1)));
        return JobQueue.builder(db.dataSource())
                .config(config)
                .clock(clock)
                .random(new FixedRandom(0.5))
                .listener(new QueueListener() {
                    @Override
                    public void retried(String kind, int attempt, Duration delay) {
                        delays.add(delay);
                    }

                    @Override
                    public void discarded(String kind, int attempt) {
                        discardedAfter.add(attempt);
                    }
                })
                .build();
    }

    @Test
    void aJobThatKeepsFailingBacksOffLongerEachTimeThenIsDiscardedWithItsLastError() throws Exception {
        try (JobQueue queue = queue();
                Worker w = queue.startWorker(WorkerConfig.named("retry-w"), Map.of("flaky", ctx -> {
                    throw new IllegalStateException("boom " + ctx.attempt());
                }))) {
            long id = db.enqueue(
                    queue, JobRequest.of("flaky", "retry-tenant", "{}").withMaxAttempts(4));
            for (int failures = 1; failures <= 3; failures++) {
                int n = failures;
                await().atMost(WAIT).until(() -> delays.size() == n);
                JobSnapshot s = queue.find(id).orElseThrow();
                assertThat(s.state()).isEqualTo(JobState.RETRYABLE);
                assertThat(s.attempt()).isEqualTo(n);
                assertThat(s.runAt()).isEqualTo(clock.instant().plus(delays.get(n - 1)));
                assertThat(s.error()).contains("boom " + n);
                // Not due yet: nothing is claimed until the clock passes the backoff.
                clock.advance(delays.get(n - 1));
            }
            await().atMost(WAIT).until(() -> queue.find(id).orElseThrow().state() == JobState.DISCARDED);
            JobSnapshot dead = queue.find(id).orElseThrow();
            assertThat(dead.attempt()).isEqualTo(4);
            assertThat(dead.error())
                    .contains("\"message\": \"boom 4\"")
                    .contains("\"kind\": \"retryable\"")
                    .contains("\"attempt\": 4")
                    .contains("java.lang.IllegalStateException");
            assertThat(dead.finishedAt()).isEqualTo(clock.instant());
            assertThat(discardedAfter).containsExactly(4);
        }
        // Full jitter at a fixed draw of 0.5: half of 1 s, 2 s, 4 s.
        assertThat(delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void aPermanentFailureIsDiscardedAtOnce() throws Exception {
        try (JobQueue queue = queue();
                Worker w = queue.startWorker(WorkerConfig.named("perm-w"), Map.of("invalid", ctx -> {
                    throw new RuntimeException("wrapped", new PermanentJobFailure("payload has no scene"));
                }))) {
            long id = db.enqueue(queue, JobRequest.of("invalid", "perm-tenant", "{}"));
            await().atMost(WAIT).until(() -> queue.find(id).orElseThrow().state() == JobState.DISCARDED);
            JobSnapshot s = queue.find(id).orElseThrow();
            assertThat(s.attempt()).isEqualTo(1);
            assertThat(s.error()).contains("permanent").contains("wrapped");
        }
    }

    @Test
    void anAttemptPastItsTimeoutIsInterruptedAndFailsAsARetryableTimeout() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean sawTimeout = new AtomicBoolean();
        CountDownLatch never = new CountDownLatch(1);
        try (JobQueue queue = queue();
                Worker w = queue.startWorker(WorkerConfig.named("timeout-w"), Map.of("slow", ctx -> {
                    started.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                        sawTimeout.set(ctx.cancelReason() == JobContext.CancelReason.TIMEOUT);
                        throw e;
                    }
                }))) {
            long id = db.enqueue(
                    queue, JobRequest.of("slow", "timeout-tenant", "{}").withTimeout(Duration.ofSeconds(30)));
            assertThat(started.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            clock.advance(Duration.ofSeconds(31));
            await().atMost(WAIT).until(() -> queue.find(id).orElseThrow().state() == JobState.RETRYABLE);
            await().atMost(WAIT).until(interrupted::get);
            assertThat(sawTimeout).isTrue();
            assertThat(queue.find(id).orElseThrow().error()).contains("\"kind\": \"timeout\"");
            await().atMost(WAIT).until(() -> w.running() == 0);
        }
    }
}
