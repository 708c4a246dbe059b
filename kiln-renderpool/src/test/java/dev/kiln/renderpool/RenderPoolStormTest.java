package dev.kiln.renderpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.RepeatedTest;

/** Many submitters at once, all released by one gate; the first failure on any thread fails the test. */
class RenderPoolStormTest {

    private static final int THREADS = 16;
    private static final int TASKS = 1_000;

    @RepeatedTest(3) // each repetition interleaves differently
    void everyAdmittedTaskGetsExactlyOneOutcomeAndNoSlotLeaks() throws Exception {
        RecordingListener listener = new RecordingListener();
        RenderPool pool = RenderPool.start(
                new PoolConfig(4, 4, Duration.ofMillis(1), Duration.ofSeconds(5), Duration.ofSeconds(5)),
                Ticker.SYSTEM,
                listener);
        AtomicIntegerArray runs = new AtomicIntegerArray(TASKS);
        AtomicInteger next = new AtomicInteger();
        LongAdder accepted = new LongAdder();
        LongAdder rejected = new LongAdder();
        LongAdder waiterCompleted = new LongAdder();
        LongAdder waiterFailed = new LongAdder();
        LongAdder waiterTimedOut = new LongAdder();
        LongAdder waiterCancelled = new LongAdder();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(THREADS);

        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            submitters.add(Thread.ofPlatform().name("storm-" + t).start(() -> {
                try {
                    gate.await();
                    for (int i = next.getAndIncrement(); i < TASKS; i = next.getAndIncrement()) {
                        int id = i;
                        int kind = id % 5;
                        long budget = kind == 2 ? TimeUnit.MILLISECONDS.toNanos(2) : TimeUnit.SECONDS.toNanos(10);
                        Admission<Integer> admission = pool.submit(
                                ctx -> {
                                    runs.incrementAndGet(id);
                                    if (kind == 0) {
                                        throw new IllegalStateException("task " + id);
                                    }
                                    if (kind == 2 || kind == 3) {
                                        // Cooperative: runs until its deadline passes or its client leaves.
                                        while (!ctx.isCancelled()) {
                                            Thread.onSpinWait();
                                        }
                                        return id;
                                    }
                                    for (int spin = ThreadLocalRandom.current().nextInt(2_000); spin > 0; spin--) {
                                        Thread.onSpinWait();
                                    }
                                    return id;
                                },
                                1 + id % 3,
                                Ticker.SYSTEM.nanos() + budget);
                        switch (admission) {
                            case Admission.Rejected<Integer> _ -> rejected.increment();
                            case Admission.Accepted<Integer> a -> {
                                accepted.increment();
                                if (kind == 3) {
                                    a.ticket().cancel(); // client gone: queued or running, either way
                                }
                                switch (a.ticket().await()) {
                                    case Outcome.Completed<Integer> c -> {
                                        assertThat(c.value()).isEqualTo(id);
                                        waiterCompleted.increment();
                                    }
                                    case Outcome.Failed<Integer> _ -> waiterFailed.increment();
                                    case Outcome.TimedOut<Integer> _ -> waiterTimedOut.increment();
                                    case Outcome.Cancelled<Integer> _ -> waiterCancelled.increment();
                                }
                            }
                        }
                    }
                } catch (Throwable e) {
                    firstFailure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }));
        }

        gate.countDown();
        assertThat(done.await(Gate.HANG_GUARD_SECONDS * 2, TimeUnit.SECONDS))
                .as("storm finished")
                .isTrue();
        assertThat(firstFailure.get()).isNull();
        assertThat(pool.awaitDrained(Duration.ofSeconds(Gate.HANG_GUARD_SECONDS)))
                .isTrue();

        PoolSnapshot snapshot = pool.snapshot();
        assertThat(accepted.sum() + rejected.sum()).isEqualTo(TASKS);
        assertThat(listener.admitted.get()).isEqualTo(accepted.sum());
        assertThat(listener.finished.get())
                .as("exactly one outcome per admitted task")
                .isEqualTo(accepted.sum());
        assertThat(snapshot.completed()).isEqualTo(accepted.sum());
        assertThat(snapshot.rejected()).isEqualTo(rejected.sum());
        assertThat(snapshot.running()).as("no slot leak").isZero();
        assertThat(snapshot.queued()).isZero();
        assertThat(pool.isReady()).isTrue();

        int ran = 0;
        for (int i = 0; i < TASKS; i++) {
            assertThat(runs.get(i)).as("task %d ran at most once", i).isLessThanOrEqualTo(1);
            ran += runs.get(i);
        }
        assertThat(listener.started.get()).isEqualTo(ran);
        assertThat(listener.finished.get() - listener.outcome(PoolListener.OUTCOME_DROPPED))
                .as("dropped tasks never ran")
                .isEqualTo(ran);
        assertThat(listener.outcome(PoolListener.OUTCOME_COMPLETED)).isEqualTo(waiterCompleted.sum());
        assertThat(listener.outcome(PoolListener.OUTCOME_FAILED)).isEqualTo(waiterFailed.sum());
        assertThat(listener.outcome(PoolListener.OUTCOME_TIMED_OUT)
                        + listener.outcome(PoolListener.OUTCOME_CANCELLED)
                        + listener.outcome(PoolListener.OUTCOME_DROPPED))
                .isEqualTo(waiterTimedOut.sum() + waiterCancelled.sum());
        assertThat(waiterCancelled.sum()).as("the cancel path was exercised").isPositive();
        assertThat(waiterFailed.sum()).as("the failure path was exercised").isPositive();

        pool.close();
        for (Thread t : submitters) {
            t.join();
        }
    }
}
