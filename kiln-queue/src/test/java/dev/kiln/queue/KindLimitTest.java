package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker runs at most its limit of jobs of a limited kind at once, whatever its free slots, and still fills those
 * slots with other kinds (issue 8: one worker with 2 slots claimed both chunks of a video and a second stayed idle).
 */
class KindLimitTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    /** How long a handler waits for the other side of a rendezvous before the test fails. */
    private static final long WAIT_SECONDS = 30;

    private final List<JobQueue> queues = new ArrayList<>();

    private JobQueue queue() {
        JobQueue q = JobQueue.builder(db.dataSource())
                .config(QueueConfig.defaults().withPollInterval(Duration.ofMillis(20)))
                .build();
        queues.add(q);
        return q;
    }

    @AfterEach
    void closeQueues() {
        queues.forEach(JobQueue::close);
    }

    private static List<JobRequest> jobs(String kind, String tenant, int n) {
        List<JobRequest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(JobRequest.of(kind, tenant, "{\"i\":" + i + "}"));
        }
        return out;
    }

    private static void awaitCompleted(JobQueue queue, List<Long> ids) {
        await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> {
            for (long id : ids) {
                if (queue.find(id).orElseThrow().state() != JobState.COMPLETED) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void claimTakesNoJobOfALimitedKindPastItsLimitAndFillsTheRestWithOtherKinds() throws Exception {
        JobQueue queue = queue();
        List<Long> others = db.enqueue(queue, jobs("sql-other", "sql-tenant", 3));
        List<Long> limited = db.enqueue(queue, jobs("sql-limited", "sql-tenant", 3));
        Worker.ClaimKinds kinds = new Worker.ClaimKinds(
                new String[] {"sql-limited", "sql-other"}, new String[] {"sql-limited"}, new int[] {1});
        try (Connection c = db.dataSource().getConnection()) {
            List<Claimed> got = Worker.claim(c, Instant.now(), kinds, 4, Duration.ofSeconds(30), "sql-w");
            assertThat(got)
                    .extracting(Claimed::id)
                    .containsExactlyInAnyOrder(others.get(0), others.get(1), others.get(2), limited.get(0));
            // The same limit again: one more, never two.
            got = Worker.claim(c, Instant.now(), kinds, 4, Duration.ofSeconds(30), "sql-w");
            assertThat(got).extracting(Claimed::id).containsExactly(limited.get(1));
        }
    }

    @Test
    void twoWorkersWithTwoSlotsEachRunOneChunkEach() throws Exception {
        JobQueue queue = queue();
        List<Long> ids = db.enqueue(queue, jobs("chunk", "two-workers", 2));
        Map<String, AtomicInteger> ran = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();
        CountDownLatch bothStarted = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<String> timeouts = new CopyOnWriteArrayList<>();
        java.util.function.Function<String, JobHandler> handler = name -> ctx -> {
            ran.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            int now = running.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            peak.computeIfAbsent(name, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            bothStarted.countDown();
            if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                timeouts.add(name);
            }
            running.get(name).decrementAndGet();
        };
        WorkerConfig config = WorkerConfig.named("chunks-1").withConcurrency(2).withKindLimit("chunk", 1);
        try (Worker first = queue.startWorker(config, Map.of("chunk", handler.apply("chunks-1")))) {
            // The first worker alone, with two free slots and both chunks waiting: it must take only one.
            await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> first.running("chunk") == 1);
            try (Worker second = queue.startWorker(
                    new WorkerConfig(
                            "chunks-2", 2, config.drainTimeout(), config.completionBatchSize(), Map.of("chunk", 1)),
                    Map.of("chunk", handler.apply("chunks-2")))) {
                assertThat(bothStarted.await(WAIT_SECONDS, TimeUnit.SECONDS))
                        .as("both chunks running at once")
                        .isTrue();
                assertThat(first.running()).isEqualTo(1);
                assertThat(second.running()).isEqualTo(1);
                release.countDown();
                awaitCompleted(queue, ids);
            }
        }
        assertThat(timeouts).isEmpty();
        assertThat(ran.get("chunks-1")).hasValue(1);
        assertThat(ran.get("chunks-2")).hasValue(1);
        assertThat(peak.get("chunks-1")).hasValue(1);
        assertThat(peak.get("chunks-2")).hasValue(1);
    }

    @Test
    void aLoneWorkerRunsTheChunksOneAfterAnotherAndOtherKindsBesideThem() throws Exception {
        JobQueue queue = queue();
        // The chunks are older, so the first claim sees both before the other job.
        List<Long> chunks = db.enqueue(queue, jobs("lone-chunk", "lone", 2));
        List<Long> other = db.enqueue(queue, jobs("lone-other", "lone", 1));
        AtomicInteger chunksRunning = new AtomicInteger();
        AtomicInteger chunkPeak = new AtomicInteger();
        List<Long> chunkOrder = new CopyOnWriteArrayList<>();
        CountDownLatch otherStarted = new CountDownLatch(1);
        List<Long> otherMissing = new CopyOnWriteArrayList<>();
        JobHandler chunk = ctx -> {
            chunkPeak.accumulateAndGet(chunksRunning.incrementAndGet(), Math::max);
            chunkOrder.add(ctx.id());
            // The first chunk holds its kind's only slot until the other kind has taken the worker's second slot.
            if (!otherStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                otherMissing.add(ctx.id());
            }
            chunksRunning.decrementAndGet();
        };
        JobHandler others = ctx -> otherStarted.countDown();
        try (Worker ignored = queue.startWorker(
                WorkerConfig.named("lone-w").withConcurrency(2).withKindLimit("lone-chunk", 1),
                Map.of("lone-chunk", chunk, "lone-other", others))) {
            awaitCompleted(queue, chunks);
            awaitCompleted(queue, other);
        }
        assertThat(otherMissing).isEmpty();
        assertThat(chunkPeak).hasValue(1);
        assertThat(chunkOrder).containsExactlyElementsOf(chunks);
    }

    @Test
    void aLimitMustBePositiveAndNameAKindTheWorkerHandles() {
        assertThatThrownBy(() -> WorkerConfig.named("w").withKindLimit("chunk", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kindLimits of 'chunk' must be at least 1");
        assertThatThrownBy(() -> WorkerConfig.named("w").withKindLimit(" ", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank job kind");
        JobQueue queue = queue();
        assertThatThrownBy(() -> queue.startWorker(
                        WorkerConfig.named("w").withKindLimit("chunk", 1), Map.of("still", ctx -> {})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit for job kind 'chunk' but no handler");
        assertThat(WorkerConfig.named("w")
                        .withConcurrency(4)
                        .withKindLimit("chunk", 9)
                        .limitOf("chunk"))
                .isEqualTo(4);
        assertThat(WorkerConfig.named("w").withConcurrency(4).limitOf("still")).isEqualTo(4);
    }
}
