package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A worker claims only what its capacity supplier lets it start, and can run handlers on the caller's executor. */
class WorkerCapacityTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    @Test
    void neverRunsMoreThanTheCapacitySupplierAllowsOnTheCallersExecutor() throws Exception {
        int slots = 2;
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        // More threads than slots: only the capacity supplier can keep a third job from starting.
        ExecutorService pool = Executors.newFixedThreadPool(
                4, Thread.ofPlatform().name("render-", 0).factory());
        AtomicReference<Worker> self = new AtomicReference<>();
        AtomicInteger poolThreads = new AtomicInteger();
        try (JobQueue queue = JobQueue.builder(db.dataSource())
                        .config(QueueConfig.defaults().withPollInterval(Duration.ofMillis(20)))
                        .build();
                Worker w = queue.startWorker(
                        WorkerConfig.named("cap-w").withConcurrency(16),
                        Map.of("render", ctx -> {
                            int now = inUse.incrementAndGet();
                            peak.accumulateAndGet(now, Math::max);
                            if (Thread.currentThread().getName().startsWith("render-")) {
                                poolThreads.incrementAndGet();
                            }
                            // Work long enough that a third concurrent job would show.
                            Thread.sleep(5);
                            inUse.decrementAndGet();
                            done.incrementAndGet();
                        }),
                        // Like a render pool's free slots: what this worker does not hold now.
                        () -> self.get() == null ? 0 : slots - self.get().running(),
                        pool)) {
            self.set(w);
            List<JobRequest> jobs = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                jobs.add(JobRequest.of("render", "cap-tenant", "{}"));
            }
            db.enqueue(queue, jobs);
            await().atMost(Duration.ofSeconds(20)).until(() -> done.get() == 30);
        } finally {
            pool.shutdown();
        }
        assertThat(peak.get()).isLessThanOrEqualTo(slots);
        assertThat(poolThreads).hasValue(30);
    }
}
