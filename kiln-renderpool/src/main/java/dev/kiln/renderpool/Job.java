package dev.kiln.renderpool;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One admitted task: its ticket, its running context, and its outcome. The outcome is <em>decided</em> once (first
 * compare-and-set wins: worker, deadline, cancel or close) and <em>published</em> to waiters once the pool's
 * accounting for it is done, except that TimedOut and Cancelled of a running task are published at once.
 */
final class Job<T> implements Ticket<T>, TaskContext {

    /** Where the job is; guarded by the pool's lock. */
    enum State {
        QUEUED,
        RUNNING,
        DROPPED,
        FINISHED,
        /** Overran its deadline plus grace: its worker was given up on and replaced; the thread may still run it. */
        ABANDONED
    }

    /** A driven ticker is not tied to wall time, so waiters re-read it at least this often (nanoseconds). */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final RenderTask<T> task;
    final long costUnits;
    final long deadlineNanos;
    final long admittedNanos;

    // Guarded by the pool's lock.
    State state = State.QUEUED;
    long startedNanos;
    Thread worker;

    private final RenderPool pool;
    private final AtomicReference<Outcome<T>> decided = new AtomicReference<>();
    private final CountDownLatch published = new CountDownLatch(1);

    Job(RenderPool pool, RenderTask<T> task, long costUnits, long deadlineNanos, long admittedNanos) {
        this.pool = pool;
        this.task = task;
        this.costUnits = costUnits;
        this.deadlineNanos = deadlineNanos;
        this.admittedNanos = admittedNanos;
    }

    @Override
    public Outcome<T> await() throws InterruptedException {
        while (published.getCount() > 0) {
            long remaining = deadlineNanos - pool.ticker().nanos();
            if (remaining <= 0) {
                pool.expire(this);
                // Decided by now; whoever decided publishes without waiting on the task itself.
                published.await();
                break;
            }
            published.await(Math.min(remaining, POLL_NANOS), TimeUnit.NANOSECONDS);
        }
        return decided.get();
    }

    @Override
    public void cancel() {
        if (decide(new Outcome.Cancelled<>())) {
            pool.settleEarly(this);
        }
    }

    @Override
    public boolean isCancelled() {
        return decided.get() != null
                || pool.isStopping()
                || isPastDeadline(pool.ticker().nanos());
    }

    boolean isPastDeadline(long now) {
        return now - deadlineNanos >= 0;
    }

    boolean isDecided() {
        return decided.get() != null;
    }

    /** Sets the outcome if none is set yet; returns whether this call set it. */
    boolean decide(Outcome<T> outcome) {
        return decided.compareAndSet(null, outcome);
    }

    boolean decideTimedOut() {
        return decide(new Outcome.TimedOut<>());
    }

    boolean decideCancelled() {
        return decide(new Outcome.Cancelled<>());
    }

    Outcome<T> outcome() {
        return decided.get();
    }

    void publish() {
        published.countDown();
    }
}
