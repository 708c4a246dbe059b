package dev.kiln.renderpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: a render stuck in code that ignores cancellation (native code, a library loop) must not take a worker
 * away for good. The watchdog pass is driven explicitly and time by a {@link ManualTicker}.
 */
class WorkerReclaimTest {
    private static final long REF = PoolConfig.REFERENCE_COST_UNITS;
    private static final Duration BUDGET = Duration.ofSeconds(2);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration WEDGE_LIMIT = Duration.ofSeconds(20);

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

    private void start(int workers, int maxAbandoned) {
        pool = RenderPool.start(
                new PoolConfig(
                        workers, 4, Duration.ofSeconds(1), GRACE, Duration.ofSeconds(5), maxAbandoned, WEDGE_LIMIT),
                ticker,
                listener,
                /* watchdog= */ false);
    }

    private Gate stuck() throws InterruptedException {
        Gate gate = new Gate("late");
        gates.add(gate);
        Admission<String> a = pool.submit(gate, REF, ticker.plus(BUDGET));
        assertThat(a).isInstanceOf(Admission.Accepted.class);
        gate.awaitStarted();
        return gate;
    }

    private String renderNow() throws Exception {
        Admission<String> a = pool.submit(ctx -> "fresh", REF, ticker.plus(Duration.ofHours(1)));
        assertThat(a).isInstanceOf(Admission.Accepted.class);
        Ticket<String> ticket = ((Admission.Accepted<String>) a).ticket();
        CompletableFuture<Outcome<String>> f = CompletableFuture.supplyAsync(() -> {
            try {
                return ticket.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        return ((Outcome.Completed<String>) f.get(Gate.HANG_GUARD_SECONDS, TimeUnit.SECONDS)).value();
    }

    @Test
    void hungRenderMustNotTakeCapacityAwayForGood() throws Exception {
        start(1, 1);
        Gate hung = stuck();

        ticker.advance(BUDGET.plus(GRACE)); // exactly at deadline + grace: not yet overdue
        pool.reclaimOverdue();
        assertThat(pool.snapshot().abandoned()).isZero();
        assertThat(pool.snapshot().running()).isEqualTo(1);

        ticker.advance(Duration.ofMillis(1));
        pool.reclaimOverdue();

        PoolSnapshot s = pool.snapshot();
        assertThat(s.running()).as("the slot is free again").isZero();
        assertThat(s.abandoned()).isEqualTo(1);
        assertThat(s.wedged()).isZero();
        assertThat(pool.isReady()).isTrue();
        assertThat(pool.isLive()).isTrue();
        assertThat(renderNow()).as("a replacement worker serves the queue").isEqualTo("fresh");
        assertThat(listener.outcome(PoolListener.OUTCOME_ABANDONED)).isEqualTo(1);

        hung.open(); // the stuck thread finally returns: it must exit, not double-report
        org.awaitility.Awaitility.await().until(() -> pool.snapshot().abandoned() == 0);
        assertThat(listener.outcome(PoolListener.OUTCOME_ABANDONED)).isEqualTo(1);
        assertThat(listener.outcome(PoolListener.OUTCOME_TIMED_OUT)).isZero();
        assertThat(renderNow()).isEqualTo("fresh");
        org.awaitility.Awaitility.await().until(() -> workerThreads() == 1); // the surplus thread exits
    }

    @Test
    void abandonedWorkerThatNeverReturnsFailsLivenessAfterTheWedgeLimit() throws Exception {
        start(1, 1);
        stuck();
        ticker.advance(BUDGET.plus(GRACE).plusMillis(1));
        pool.reclaimOverdue();
        assertThat(pool.isLive()).isTrue();

        ticker.advance(WEDGE_LIMIT);
        assertThat(pool.isLive()).as("at the limit").isTrue();
        ticker.advance(Duration.ofMillis(1));

        assertThat(pool.isLive())
                .as("past the limit only a restart stops the thread")
                .isFalse();
        assertThat(pool.snapshot().wedged()).isEqualTo(1);
        assertThat(renderNow()).as("capacity stays available meanwhile").isEqualTo("fresh");
    }

    @Test
    void overdueRenderBeyondTheAbandonCapKeepsItsSlotAndFailsLiveness() throws Exception {
        start(1, 1);
        stuck();
        ticker.advance(BUDGET.plus(GRACE).plusMillis(1));
        pool.reclaimOverdue();

        stuck(); // the replacement gets stuck too; the cap of one abandoned worker is reached
        ticker.advance(BUDGET.plus(GRACE).plusMillis(1));
        pool.reclaimOverdue();

        PoolSnapshot s = pool.snapshot();
        assertThat(s.abandoned()).isEqualTo(1);
        assertThat(s.running()).isEqualTo(1);
        assertThat(s.wedged()).isGreaterThanOrEqualTo(1);
        assertThat(pool.isLive()).isFalse();
        assertThat(pool.isReady()).isFalse();
        assertThat(workerThreads())
                .as("threads stay bounded by workers + maxAbandoned")
                .isLessThanOrEqualTo(2);
    }

    @Test
    void closeIsBoundedWhileAWorkerIsWedged() throws Exception {
        pool = RenderPool.start(
                new PoolConfig(1, 4, Duration.ofSeconds(1), GRACE, Duration.ofMillis(200), 1, WEDGE_LIMIT),
                Ticker.SYSTEM,
                listener,
                /* watchdog= */ false);
        Gate hung = new Gate("never");
        gates.add(hung);
        pool.submit(hung, REF, Ticker.SYSTEM.nanos() + Duration.ofHours(1).toNanos());
        hung.awaitStarted();

        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> pool.close(Duration.ofMillis(100)));

        // Bounded by the drain timeout plus the one join bound, not by the wedged task.
        closed.get(Gate.HANG_GUARD_SECONDS / 2, TimeUnit.SECONDS);
        assertThat(hung.hasStarted()).isTrue();
    }

    private long workerThreads() {
        return pool.liveWorkerThreads();
    }
}
