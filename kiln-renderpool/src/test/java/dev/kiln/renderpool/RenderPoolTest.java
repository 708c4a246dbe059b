package dev.kiln.renderpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RenderPoolTest {

    private static final long REF = PoolConfig.REFERENCE_COST_UNITS;
    private static final Duration FAR = Duration.ofHours(1);
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private final ManualTicker ticker = new ManualTicker();
    private final RecordingListener listener = new RecordingListener();
    private final List<Gate> gates = new ArrayList<>();
    private RenderPool pool;

    @AfterEach
    void tearDown() {
        gates.forEach(Gate::open);
        if (pool != null) {
            pool.close();
        }
    }

    private RenderPool start(int workers, int queueCapacity) {
        pool = RenderPool.start(
                new PoolConfig(workers, queueCapacity, ONE_SECOND, Duration.ofSeconds(5), Duration.ofSeconds(5)),
                ticker,
                listener,
                /* watchdog= */ false);
        return pool;
    }

    private Gate gate(String value) {
        Gate gate = new Gate(value);
        gates.add(gate);
        return gate;
    }

    private static <T> Ticket<T> accepted(Admission<T> admission) {
        assertThat(admission).isInstanceOf(Admission.Accepted.class);
        return ((Admission.Accepted<T>) admission).ticket();
    }

    private static <T> Admission.Rejected<T> rejected(Admission<T> admission) {
        assertThat(admission).isInstanceOf(Admission.Rejected.class);
        return (Admission.Rejected<T>) admission;
    }

    /** Awaits on another thread so the test can drive the ticker meanwhile. */
    private static <T> CompletableFuture<Outcome<T>> awaitAsync(Ticket<T> ticket) {
        CompletableFuture<Outcome<T>> future = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            try {
                future.complete(ticket.await());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        return future;
    }

    private static <T> Outcome<T> get(CompletableFuture<Outcome<T>> future) throws Exception {
        return future.get(Gate.HANG_GUARD_SECONDS, TimeUnit.SECONDS);
    }

    private void awaitDrained() throws InterruptedException {
        assertThat(pool.awaitDrained(FAR)).isTrue();
    }

    @Test
    void rejectEarlyAnswersTheTaskIndependentRejectionsOnly() throws Exception {
        start(1, 1);
        assertThat(pool.rejectEarly()).as("idle pool").isEmpty();
        Gate running = gate("a");
        Ticket<String> a = accepted(pool.submit(running, REF, ticker.plus(FAR)));
        running.awaitStarted();
        assertThat(pool.rejectEarly()).as("a queue slot is free").isEmpty();
        Ticket<String> b = accepted(pool.submit(ctx -> "b", REF, ticker.plus(FAR)));

        var full = pool.rejectEarly().orElseThrow();
        assertThat(full.reason()).isEqualTo(RejectReason.QUEUE_FULL);
        assertThat(full.retryAfter()).as("1 s left running + 1 s queued").isEqualTo(Duration.ofSeconds(2));
        assertThat(pool.snapshot().rejected()).isEqualTo(1);
        assertThat(listener.rejections(RejectReason.QUEUE_FULL)).isEqualTo(1);

        running.open();
        assertThat(a.await()).isEqualTo(new Outcome.Completed<>("a"));
        assertThat(b.await()).isEqualTo(new Outcome.Completed<>("b"));
        pool.beginDrain();
        assertThat(pool.rejectEarly().orElseThrow().reason()).isEqualTo(RejectReason.DRAINING);
    }

    /** Regression: a burst against an idle pool passed the early check all at once and parsed every document. */
    @Test
    void reservationsHoldQueueSlotsSoABurstIsRefusedBeforeItsWork() throws Exception {
        start(1, 1);
        Reservation first = pool.reserve();
        Reservation second = pool.reserve();
        assertThat(first.refusal()).isEmpty();
        assertThat(second.refusal()).isEmpty();

        // The idle worker's slot and the one queue slot are held: the third is refused, early and by a submit.
        Reservation third = pool.reserve();
        assertThat(third.refusal().orElseThrow().reason()).isEqualTo(RejectReason.QUEUE_FULL);
        assertThat(pool.rejectEarly().orElseThrow().reason()).isEqualTo(RejectReason.QUEUE_FULL);
        assertThat(pool.submit(ctx -> "x", REF, ticker.plus(FAR))).isInstanceOf(Admission.Rejected.class);
        assertThat(pool.isReady()).as("held slots count as a full queue").isFalse();
        assertThatThrownBy(() -> third.submit(ctx -> "x", REF, ticker.plus(FAR)))
                .isInstanceOf(IllegalStateException.class);

        // A held slot is never judged against itself.
        Gate running = gate("a");
        Ticket<String> a = accepted(first.submit(running, REF, ticker.plus(FAR)));
        running.awaitStarted();
        assertThatThrownBy(() -> first.submit(ctx -> "again", REF, ticker.plus(FAR)))
                .isInstanceOf(IllegalStateException.class);
        first.close(); // used: closing gives nothing back twice

        // An unused reservation gives its slot back on close.
        assertThat(pool.rejectEarly()).as("second still holds the queue slot").isPresent();
        second.close();
        second.close();
        assertThat(pool.rejectEarly()).isEmpty();
        Ticket<String> b = accepted(pool.submit(ctx -> "b", REF, ticker.plus(FAR)));
        assertThat(pool.rejectEarly()).isPresent();

        running.open();
        assertThat(a.await()).isEqualTo(new Outcome.Completed<>("a"));
        assertThat(b.await()).isEqualTo(new Outcome.Completed<>("b"));
        awaitDrained();
        assertThat(pool.rejectEarly()).as("every slot is free again").isEmpty();
    }

    @Test
    void aReservationWhoseSubmitThrowsStillGivesItsSlotBack() {
        start(1, 0);
        try (Reservation slot = pool.reserve()) {
            assertThatThrownBy(() -> slot.submit(ctx -> "x", 0, ticker.plus(FAR)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(pool.rejectEarly()).as("still held").isPresent();
        }
        assertThat(pool.rejectEarly()).isEmpty();
    }

    @Test
    void rejectsQueueFullAtOnceWithRetryAfterFromQueuedWork() throws Exception {
        start(1, 2);
        Gate running = gate("a");
        Ticket<String> a = accepted(pool.submit(running, REF, ticker.plus(FAR)));
        running.awaitStarted();
        Ticket<String> b = accepted(pool.submit(ctx -> "b", REF, ticker.plus(FAR)));
        Ticket<String> c = accepted(pool.submit(ctx -> "c", REF, ticker.plus(FAR)));

        Admission.Rejected<String> full = rejected(pool.submit(ctx -> "d", REF, ticker.plus(FAR)));

        // 1 s left on the running task + 2 × 1 s queued, on one worker.
        assertThat(full.reason()).isEqualTo(RejectReason.QUEUE_FULL);
        assertThat(full.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(pool.isReady()).isFalse();
        assertThat(pool.snapshot().queued()).isEqualTo(2);
        assertThat(pool.snapshot().rejected()).isEqualTo(1);
        assertThat(listener.rejections(RejectReason.QUEUE_FULL)).isEqualTo(1);

        ticker.advance(Duration.ofMillis(500));
        assertThat(rejected(pool.submit(ctx -> "d", REF, ticker.plus(FAR))).retryAfter())
                .as("2.5 s ahead rounds up")
                .isEqualTo(Duration.ofSeconds(3));
        ticker.advance(Duration.ofSeconds(1));
        assertThat(rejected(pool.submit(ctx -> "d", REF, ticker.plus(FAR))).retryAfter())
                .as("running task already over its estimate counts as zero remaining")
                .isEqualTo(Duration.ofSeconds(2));

        running.open();
        assertThat(a.await()).isEqualTo(new Outcome.Completed<>("a"));
        assertThat(b.await()).isEqualTo(new Outcome.Completed<>("b"));
        assertThat(c.await()).isEqualTo(new Outcome.Completed<>("c"));
        awaitDrained();
        assertThat(pool.isReady()).isTrue();
    }

    @Test
    void rejectsWhenPredictedCompletionOverrunsDeadline() throws Exception {
        start(2, 10);
        Gate first = gate("a");
        accepted(pool.submit(first, REF, ticker.plus(FAR)));
        first.awaitStarted();

        // One worker idle, nothing queued: wait 0, own service 1 s; a 1.9 s budget holds it.
        Gate second = gate("b");
        accepted(pool.submit(second, REF, ticker.plus(Duration.ofMillis(1100))));
        second.awaitStarted();

        // Both busy, 1 s left each: wait (0 + 2 s) / 2 = 1 s, plus 1 s own service.
        assertThat(rejected(pool.submit(ctx -> "x", REF, ticker.plus(Duration.ofMillis(1900))))
                        .reason())
                .isEqualTo(RejectReason.DEADLINE);
        Gate third = gate("c");
        accepted(pool.submit(third, 2 * REF, ticker.plus(Duration.ofMillis(3100))));
        accepted(pool.submit(gate("d"), REF, ticker.plus(FAR)));

        // Queued 3 s + running 2 s on two workers: wait 2.5 s, plus 1 s own service = 3.5 s.
        Admission.Rejected<String> late = rejected(pool.submit(ctx -> "x", REF, ticker.plus(Duration.ofMillis(3400))));
        assertThat(late.reason()).isEqualTo(RejectReason.DEADLINE);
        assertThat(late.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        accepted(pool.submit(ctx -> "e", REF, ticker.plus(Duration.ofMillis(3600))));

        // Half a second later the running tasks have 0.5 s left each; the queue now holds 4 s of work.
        ticker.advance(Duration.ofMillis(500));
        // Wait (4 s + 1 s) / 2 = 2.5 s, plus 1 s own service = 3.5 s.
        Admission.Rejected<String> later = rejected(pool.submit(ctx -> "x", REF, ticker.plus(Duration.ofMillis(3400))));
        assertThat(later.retryAfter()).as("2.5 s rounded up").isEqualTo(Duration.ofSeconds(3));
        accepted(pool.submit(ctx -> "f", REF, ticker.plus(Duration.ofMillis(3600))));

        assertThat(listener.rejections(RejectReason.DEADLINE)).isEqualTo(3);
        assertThat(pool.snapshot().ewmaServiceTime()).isEqualTo(ONE_SECOND);
    }

    /** Issue 10: a 2.9 s document with a 716 ms budget got 429 "retry after 1 s", which no retry could help. */
    @Test
    void aTaskWhoseOwnServiceOverrunsTheBudgetIsRefusedAsBudgetTooSmallNotDeadline() throws Exception {
        start(1, 4);
        // Idle pool, own service 1 s (the seed), budget 900 ms: the queue is not the reason, the budget is.
        Admission.Rejected<String> idle = rejected(pool.submit(ctx -> "x", REF, ticker.plus(Duration.ofMillis(900))));
        assertThat(idle.reason()).isEqualTo(RejectReason.BUDGET_TOO_SMALL);
        assertThat(idle.predictedService()).isEqualTo(ONE_SECOND);

        // Busy pool, queue not full: a task that would fit alone but not behind the queue is DEADLINE (retryable),
        // one that would not fit even alone is still BUDGET_TOO_SMALL.
        Gate running = gate("a");
        accepted(pool.submit(running, REF, ticker.plus(FAR)));
        running.awaitStarted();
        Admission.Rejected<String> behind =
                rejected(pool.submit(ctx -> "x", REF, ticker.plus(Duration.ofMillis(1500))));
        assertThat(behind.reason()).isEqualTo(RejectReason.DEADLINE);
        assertThat(behind.predictedService()).isEqualTo(ONE_SECOND);
        Admission.Rejected<String> huge =
                rejected(pool.submit(ctx -> "x", 3 * REF, ticker.plus(Duration.ofMillis(2500))));
        assertThat(huge.reason()).isEqualTo(RejectReason.BUDGET_TOO_SMALL);
        assertThat(huge.predictedService()).isEqualTo(Duration.ofSeconds(3));

        // Full queue: the budget verdict still wins, since a retry after the queue drains would fail the same way.
        for (int i = 0; i < 4; i++) {
            accepted(pool.submit(gate("q" + i), REF, ticker.plus(FAR)));
        }
        assertThat(rejected(pool.submit(ctx -> "x", REF, ticker.plus(FAR))).reason())
                .isEqualTo(RejectReason.QUEUE_FULL);
        assertThat(rejected(pool.submit(ctx -> "x", REF, ticker.plus(Duration.ofMillis(500))))
                        .reason())
                .isEqualTo(RejectReason.BUDGET_TOO_SMALL);
        assertThat(listener.rejections(RejectReason.BUDGET_TOO_SMALL)).isEqualTo(3);
    }

    @Test
    void cancelledQueuedTaskNeverRuns() throws Exception {
        start(1, 2);
        Gate running = gate("a");
        Ticket<String> a = accepted(pool.submit(running, REF, ticker.plus(FAR)));
        running.awaitStarted();
        AtomicBoolean ran = new AtomicBoolean();
        Ticket<String> b = accepted(pool.submit(
                ctx -> {
                    ran.set(true);
                    return "b";
                },
                REF,
                ticker.plus(FAR)));

        b.cancel();

        assertThat(b.await()).isEqualTo(new Outcome.Cancelled<>());
        assertThat(pool.snapshot().queued()).isZero();
        running.open();
        assertThat(a.await()).isEqualTo(new Outcome.Completed<>("a"));
        awaitDrained();
        assertThat(ran).isFalse();
        assertThat(listener.outcome(PoolListener.OUTCOME_DROPPED)).isEqualTo(1);
        assertThat(listener.outcome(PoolListener.OUTCOME_COMPLETED)).isEqualTo(1);
        assertThat(listener.started.get()).isEqualTo(1);
        a.cancel();
        assertThat(a.await()).as("cancel after completion changes nothing").isEqualTo(new Outcome.Completed<>("a"));
    }

    @Test
    void queuedTaskPastItsDeadlineIsDroppedWithoutRunning() throws Exception {
        start(1, 2);
        Gate running = gate("a");
        accepted(pool.submit(running, REF, ticker.plus(FAR)));
        running.awaitStarted();
        AtomicBoolean ran = new AtomicBoolean();
        Ticket<String> b = accepted(pool.submit(
                ctx -> {
                    ran.set(true);
                    return "b";
                },
                1,
                ticker.plus(Duration.ofSeconds(3))));

        ticker.advance(Duration.ofSeconds(3));

        assertThat(b.await()).isEqualTo(new Outcome.TimedOut<>());
        assertThat(pool.snapshot().queued()).isZero();
        running.open();
        awaitDrained();
        assertThat(ran).isFalse();
        assertThat(listener.outcome(PoolListener.OUTCOME_DROPPED)).isEqualTo(1);
    }

    @Test
    void expiredQueuedTaskFreesItsQueueSlotEvenWhenNobodyAwaits() throws Exception {
        start(1, 1);
        Gate running = gate("a");
        accepted(pool.submit(running, REF, ticker.plus(FAR)));
        running.awaitStarted();
        accepted(pool.submit(ctx -> "b", 1, ticker.plus(Duration.ofSeconds(3))));
        assertThat(rejected(pool.submit(ctx -> "c", 1, ticker.plus(FAR))).reason())
                .isEqualTo(RejectReason.QUEUE_FULL);

        ticker.advance(Duration.ofSeconds(3));

        Ticket<String> c = accepted(pool.submit(ctx -> "c", 1, ticker.plus(FAR)));
        running.open();
        assertThat(c.await()).isEqualTo(new Outcome.Completed<>("c"));
        awaitDrained();
        assertThat(listener.outcome(PoolListener.OUTCOME_DROPPED)).isEqualTo(1);
        assertThat(listener.finished.get()).isEqualTo(listener.admitted.get());
    }

    /** Bug pinned: a waiter timing out released the worker's slot while the render was still running on it. */
    @Test
    void timeoutMustNotFreeTheSlotOfATaskThatIsStillRunning() throws Exception {
        start(1, 1);
        Gate wedged = gate("late");
        Ticket<String> a = accepted(pool.submit(wedged, REF, ticker.plus(Duration.ofSeconds(1))));
        wedged.awaitStarted();
        CompletableFuture<Outcome<String>> waiter = awaitAsync(a);

        ticker.advance(Duration.ofSeconds(1));

        assertThat(get(waiter)).as("waiter returns at the deadline").isEqualTo(new Outcome.TimedOut<>());
        PoolSnapshot afterTimeout = pool.snapshot();
        assertThat(afterTimeout.running()).as("slot still busy").isEqualTo(1);
        assertThat(afterTimeout.overdue()).isZero();
        assertThat(pool.isReady()).isTrue();

        Ticket<String> b = accepted(pool.submit(ctx -> "b", 1, ticker.plus(FAR)));
        assertThat(pool.snapshot().queued())
                .as("the new task waits: no worker is free")
                .isEqualTo(1);
        assertThat(rejected(pool.submit(ctx -> "c", 1, ticker.plus(FAR))).reason())
                .isEqualTo(RejectReason.QUEUE_FULL);
        b.cancel();
        assertThat(pool.isReady()).isTrue();

        ticker.advance(Duration.ofSeconds(5).plusNanos(1)); // past deadline + overdueGrace
        assertThat(pool.snapshot().overdue()).isEqualTo(1);
        assertThat(pool.isReady())
                .as("a wedged render makes the instance not ready")
                .isFalse();

        wedged.open();
        awaitDrained();
        PoolSnapshot recovered = pool.snapshot();
        assertThat(recovered.running()).isZero();
        assertThat(recovered.overdue()).isZero();
        assertThat(pool.isReady()).isTrue();
        assertThat(wedged.sawCancelled)
                .as("the task saw its deadline as cancellation")
                .isTrue();
        assertThat(a.await()).as("the late value is not delivered").isEqualTo(new Outcome.TimedOut<>());
        assertThat(listener.outcome(PoolListener.OUTCOME_TIMED_OUT)).isEqualTo(1);
        assertThat(listener.outcome(PoolListener.OUTCOME_DROPPED)).isEqualTo(1);
        assertThat(listener.finished.get()).isEqualTo(2);
    }

    @Test
    void cancellingARunningTaskReleasesTheWaiterButNotTheSlot() throws Exception {
        start(1, 0);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean sawCancel = new AtomicBoolean();
        Ticket<String> a = accepted(pool.submit(
                ctx -> {
                    started.countDown();
                    while (!ctx.isCancelled()) {
                        Thread.onSpinWait();
                    }
                    sawCancel.set(true);
                    finish.await();
                    return "ignored";
                },
                REF,
                ticker.plus(FAR)));
        assertThat(started.await(Gate.HANG_GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

        a.cancel();

        assertThat(a.await()).isEqualTo(new Outcome.Cancelled<>());
        assertThat(pool.snapshot().running()).isEqualTo(1);
        assertThat(rejected(pool.submit(ctx -> "b", 1, ticker.plus(FAR))).reason())
                .isEqualTo(RejectReason.QUEUE_FULL);
        finish.countDown();
        awaitDrained();
        assertThat(sawCancel).isTrue();
        assertThat(listener.outcome(PoolListener.OUTCOME_CANCELLED)).isEqualTo(1);
    }

    @Test
    void failingTaskReportsFailedWithItsError() throws Exception {
        start(1, 1);
        IllegalStateException boom = new IllegalStateException("boom");

        Ticket<String> a = accepted(pool.submit(
                ctx -> {
                    throw boom;
                },
                REF,
                ticker.plus(FAR)));

        assertThat(a.await()).isEqualTo(new Outcome.Failed<String>(boom));
        assertThat(listener.outcome(PoolListener.OUTCOME_FAILED)).isEqualTo(1);
        assertThat(pool.snapshot().ewmaServiceTime())
                .as("failures do not feed the estimate")
                .isEqualTo(ONE_SECOND);
        assertThat(accepted(pool.submit(ctx -> "next", REF, ticker.plus(FAR))).await())
                .as("the worker survives")
                .isEqualTo(new Outcome.Completed<>("next"));
    }

    @Test
    void completedTasksFeedTheEstimate() throws Exception {
        start(1, 1);

        Ticket<String> a = accepted(pool.submit(
                ctx -> {
                    ticker.advance(Duration.ofSeconds(2));
                    return "slow";
                },
                REF,
                ticker.plus(FAR)));

        assertThat(a.await()).isEqualTo(new Outcome.Completed<>("slow"));
        // 1 s + 0.2 × (2 s − 1 s)
        assertThat(pool.snapshot().ewmaServiceTime()).isEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void workersAreAFixedSetOfNamedDaemonPlatformThreads() throws Exception {
        start(2, 50);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        List<Ticket<String>> tickets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tickets.add(accepted(pool.submit(
                    ctx -> {
                        seen.add(Thread.currentThread());
                        return "ok";
                    },
                    1,
                    ticker.plus(FAR))));
        }
        for (Ticket<String> t : tickets) {
            assertThat(t.await()).isEqualTo(new Outcome.Completed<>("ok"));
        }

        assertThat(seen).hasSizeBetween(1, 2);
        assertThat(seen).allSatisfy(t -> {
            assertThat(t.getName()).matches("kiln-render-[12]");
            assertThat(t.isDaemon()).isTrue();
            assertThat(t.getPriority()).as("workers yield to the request path").isEqualTo(Thread.MIN_PRIORITY);
            assertThat(t.isVirtual()).isFalse();
        });
    }

    @Test
    void drainStopsAdmittingAndFinishesQueuedAndRunningWork() throws Exception {
        start(1, 2);
        Gate running = gate("a");
        Ticket<String> a = accepted(pool.submit(running, REF, ticker.plus(FAR)));
        running.awaitStarted();
        Ticket<String> b = accepted(pool.submit(ctx -> "b", REF, ticker.plus(FAR)));

        pool.beginDrain();

        assertThat(pool.isReady()).isFalse();
        assertThat(pool.snapshot().draining()).isTrue();
        Admission.Rejected<String> refused = rejected(pool.submit(ctx -> "c", REF, ticker.plus(FAR)));
        assertThat(refused.reason()).isEqualTo(RejectReason.DRAINING);
        assertThat(refused.retryAfter()).isGreaterThanOrEqualTo(ONE_SECOND);
        assertThat(listener.rejections(RejectReason.DRAINING)).isEqualTo(1);

        CompletableFuture<Boolean> shortDrain = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            try {
                shortDrain.complete(pool.awaitDrained(Duration.ofSeconds(2)));
            } catch (Throwable t) {
                shortDrain.completeExceptionally(t);
            }
        });
        // Keep time moving until the waiter gives up: its start races with this thread.
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(Gate.HANG_GUARD_SECONDS);
        while (!shortDrain.isDone() && System.nanoTime() - guard < 0) {
            ticker.advance(Duration.ofMillis(500));
            Thread.sleep(5);
        }
        assertThat(shortDrain.get(Gate.HANG_GUARD_SECONDS, TimeUnit.SECONDS))
                .as("times out while work remains")
                .isFalse();

        running.open();
        awaitDrained();
        assertThat(a.await()).isEqualTo(new Outcome.Completed<>("a"));
        assertThat(b.await()).isEqualTo(new Outcome.Completed<>("b"));
        PoolSnapshot snapshot = pool.snapshot();
        assertThat(snapshot.running()).isZero();
        assertThat(snapshot.queued()).isZero();
        assertThat(snapshot.completed()).isEqualTo(2);
        assertThat(pool.awaitDrained(Duration.ofSeconds(Long.MAX_VALUE)))
                .as("a timeout too large for nanoseconds does not overflow")
                .isTrue();
    }

    @Test
    void closeCancelsWhatDidNotDrainAndStopsWorkers() throws Exception {
        pool = RenderPool.start(
                new PoolConfig(1, 2, ONE_SECOND, Duration.ZERO, Duration.ofMillis(50)), Ticker.SYSTEM, listener);
        long far = Ticker.SYSTEM.nanos() + FAR.toNanos();
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> worker = new AtomicReference<>();
        Ticket<String> a = accepted(pool.submit(
                ctx -> {
                    worker.set(Thread.currentThread());
                    started.countDown();
                    new CountDownLatch(1).await(); // blocks until interrupted
                    return "never";
                },
                REF,
                far));
        assertThat(started.await(Gate.HANG_GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean queuedRan = new AtomicBoolean();
        Ticket<String> b = accepted(pool.submit(
                ctx -> {
                    queuedRan.set(true);
                    return "b";
                },
                REF,
                far));

        pool.close();

        assertThat(a.await()).isEqualTo(new Outcome.Cancelled<>());
        assertThat(b.await()).isEqualTo(new Outcome.Cancelled<>());
        assertThat(queuedRan).isFalse();
        worker.get().join(TimeUnit.SECONDS.toMillis(Gate.HANG_GUARD_SECONDS));
        assertThat(worker.get().isAlive()).as("interrupted worker exits").isFalse();
        assertThat(listener.finished.get()).isEqualTo(2);
        assertThat(listener.outcome(PoolListener.OUTCOME_CANCELLED)).isEqualTo(1);
        assertThat(listener.outcome(PoolListener.OUTCOME_DROPPED)).isEqualTo(1);
        assertThat(rejected(pool.submit(ctx -> "c", 1, far)).reason()).isEqualTo(RejectReason.DRAINING);
    }

    @Test
    void closeRestoresTheInterruptFlag() throws Exception {
        start(1, 1);
        Gate running = gate("a");
        accepted(pool.submit(running, REF, ticker.plus(FAR)));
        running.awaitStarted();

        Thread.currentThread().interrupt();
        pool.close();

        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void interruptedAwaitThrowsAndLeavesTheTaskRunning() throws Exception {
        start(1, 1);
        Gate running = gate("a");
        Ticket<String> a = accepted(pool.submit(running, REF, ticker.plus(FAR)));
        running.awaitStarted();

        Thread.currentThread().interrupt();
        assertThatThrownBy(a::await).isInstanceOf(InterruptedException.class);

        running.open();
        assertThat(a.await()).isEqualTo(new Outcome.Completed<>("a"));
        assertThat(running.sawCancelled).isFalse();
    }

    @Test
    void throwingListenerDoesNotBreakAccounting() throws Exception {
        pool = RenderPool.start(
                new PoolConfig(1, 1, ONE_SECOND, Duration.ZERO, Duration.ZERO), ticker, new PoolListener() {
                    @Override
                    public void finished(long serviceNanos, String outcome) {
                        throw new IllegalStateException("listener bug");
                    }
                });

        Ticket<String> a = accepted(pool.submit(ctx -> "a", 1, ticker.plus(FAR)));

        assertThat(a.await()).isEqualTo(new Outcome.Completed<>("a"));
        awaitDrained();
        assertThat(pool.snapshot().completed()).isEqualTo(1);
    }

    @Test
    void submitValidatesArguments() {
        start(1, 1);

        assertThatThrownBy(() -> pool.submit(ctx -> "x", 0, ticker.plus(FAR))).hasMessageContaining("costUnits");
        assertThatThrownBy(() -> pool.submit(null, 1, ticker.plus(FAR))).hasMessageContaining("task");
    }

    @Test
    void rejectReasonsHaveStableWireNames() {
        assertThat(RejectReason.QUEUE_FULL.wireName()).isEqualTo("queue_full");
        assertThat(RejectReason.DEADLINE.wireName()).isEqualTo("deadline");
        assertThat(RejectReason.DRAINING.wireName()).isEqualTo("draining");
        assertThat(RejectReason.BUDGET_TOO_SMALL.wireName()).isEqualTo("budget_too_small");
    }
}
