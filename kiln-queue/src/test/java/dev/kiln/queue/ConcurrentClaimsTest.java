package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Four workers on one queue: SKIP LOCKED hands each job to one holder at a time, and each completes once. */
class ConcurrentClaimsTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase(12);

    private static final int JOBS = 5_000;
    private static final int WORKERS = 4;

    @Test
    void noJobIsHeldByTwoWorkersAndEveryJobCompletesExactlyOnce() throws Exception {
        Map<Long, AtomicInteger> holding = new ConcurrentHashMap<>();
        Map<Long, Set<String>> holders = new ConcurrentHashMap<>();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        AtomicInteger completedByListener = new AtomicInteger();
        QueueListener counting = new QueueListener() {
            @Override
            public void completed(int jobs) {
                completedByListener.addAndGet(jobs);
            }
        };
        try (JobQueue queue = JobQueue.builder(db.dataSource())
                .config(QueueConfig.defaults().withPollInterval(Duration.ofMillis(100)))
                .listener(counting)
                .build()) {
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                String name = "w" + i;
                workers.add(queue.startWorker(WorkerConfig.named(name).withConcurrency(8), Map.of("count", ctx -> {
                    try {
                        int now = holding.computeIfAbsent(ctx.id(), k -> new AtomicInteger())
                                .incrementAndGet();
                        if (now != 1) {
                            throw new AssertionError("job " + ctx.id() + " held by " + now + " at once");
                        }
                        holders.computeIfAbsent(ctx.id(), k -> ConcurrentHashMap.newKeySet())
                                .add(name);
                        holding.get(ctx.id()).decrementAndGet();
                    } catch (Throwable t) {
                        firstFailure.compareAndSet(null, t);
                        throw t;
                    }
                })));
            }
            // The gate: all four workers are idle and listening; one commit of 5,000 jobs wakes them together.
            List<JobRequest> requests = new ArrayList<>(JOBS);
            for (int i = 0; i < JOBS; i++) {
                requests.add(JobRequest.of("count", "tenant-" + (i % 3), "{}"));
            }
            db.enqueue(queue, requests);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> firstFailure.get() != null
                            || db.queryLong("SELECT count(*) FROM kiln_queue_jobs WHERE state = 'completed'") == JOBS);
            for (Worker w : workers) {
                w.close();
            }
        }
        assertThat(firstFailure.get()).isNull();
        assertThat(holders).hasSize(JOBS);
        assertThat(holders.values()).allSatisfy(s -> assertThat(s).hasSize(1));
        assertThat(db.queryLong("SELECT count(*) FROM kiln_queue_jobs WHERE attempt <> 1"))
                .isZero();
        assertThat(completedByListener).hasValue(JOBS);
        assertThat(holders.values().stream().flatMap(Set::stream).distinct().count())
                .as("all four workers took part")
                .isEqualTo(WORKERS);
        assertThat(db.queryLong("SELECT sum(pending) FROM kiln_queue_pending")).isZero();
    }
}
