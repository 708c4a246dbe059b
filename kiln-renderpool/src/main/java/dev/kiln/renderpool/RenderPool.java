package dev.kiln.renderpool;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of platform worker threads ({@code kiln-render-N}, daemon) behind an explicit bounded wait queue, with
 * admission decided at once: a full queue, a predicted deadline overrun or draining is refused with a
 * {@code retryAfter} instead of queueing work that cannot finish in time. A slot stays busy until its task really
 * returns, even after the waiter got TimedOut or Cancelled, until it is past its deadline plus
 * {@link PoolConfig#overdueGrace()}: then a watchdog ({@code kiln-render-watchdog}) abandons its worker and starts a
 * replacement, so a render stuck in code that ignores cancellation cannot take capacity away for good. An abandoned
 * worker that keeps running past {@link PoolConfig#wedgeLimit()}, or an overdue task that cannot be abandoned because
 * {@link PoolConfig#maxAbandoned()} is reached, makes the pool not {@linkplain #isLive() live}: only a restart stops
 * a thread that ignores interrupts.
 */
public final class RenderPool implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RenderPool.class.getName());

    /**
     * Workers run below normal priority so that the request path (parsing, admission, the 429 answer)
     * preempts rendering rather than waiting behind it: with workers = cores, every core is busy rendering
     * at saturation. Linux honours Java priorities only under {@code -XX:ThreadPriorityPolicy=1}, which
     * {@code ./kiln up} sets; elsewhere this is a harmless hint.
     */
    static final int WORKER_PRIORITY = Thread.MIN_PRIORITY;

    /** How long {@link #close()} waits for each interrupted worker to exit; daemon threads do not block JVM exit. */
    private static final Duration WORKER_JOIN_TIMEOUT = Duration.ofSeconds(1);

    private final PoolConfig config;
    private final Ticker ticker;
    private final PoolListener listener;
    /** How often the watchdog looks for overdue renders; small against {@link PoolConfig#overdueGrace()}. */
    static final Duration WATCHDOG_INTERVAL = Duration.ofMillis(100);

    // Workers and replacements; appended under the lock, iterated by close() without it.
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread watchdog;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition idle = lock.newCondition();

    // Guarded by lock.
    private final ArrayDeque<Job<?>> queue = new ArrayDeque<>();
    private final List<Job<?>> running = new ArrayList<>();
    /** Abandoned worker threads still running their task, with the ticker time they were abandoned. */
    private final java.util.Map<Thread, Long> abandoned = new java.util.HashMap<>();

    private int workerSeq;
    private final ServiceTimeEstimator estimator;
    private long queuedCostUnits;
    /** Queue slots held by open {@link Reservation}s: requests being read and validated, not yet submitted. */
    private int reserved;

    private int retiring; // dropped from the queue, listener not yet told: awaitDrained must still wait
    private boolean draining;
    private boolean closed;
    private long completedCount;
    private long rejectedCount;

    // Read lock-free by running tasks polling isCancelled().
    private volatile boolean stopping;

    private RenderPool(PoolConfig config, Ticker ticker, PoolListener listener) {
        this.config = config;
        this.ticker = ticker;
        this.listener = listener;
        this.estimator =
                new ServiceTimeEstimator(config.initialServiceTime().toNanos(), PoolConfig.REFERENCE_COST_UNITS);
        this.watchdog =
                Thread.ofPlatform().name("kiln-render-watchdog").daemon(true).unstarted(this::watchdogLoop);
    }

    /** Creates the pool and starts its {@link PoolConfig#workers()} worker threads. */
    public static RenderPool start(PoolConfig config, Ticker ticker, PoolListener listener) {
        return start(config, ticker, listener, /* watchdog= */ true);
    }

    /**
     * Starts the pool; without the watchdog thread, overdue renders are reclaimed only by explicit
     * {@link #reclaimOverdue()} calls, which lets tests drive every step.
     */
    static RenderPool start(PoolConfig config, Ticker ticker, PoolListener listener, boolean watchdog) {
        RenderPool pool = new RenderPool(
                Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(ticker, "ticker"),
                Objects.requireNonNull(listener, "listener"));
        List<Thread> workers = new ArrayList<>();
        pool.lock.lock();
        try {
            for (int i = 1; i <= config.workers(); i++) {
                workers.add(pool.newWorkerLocked());
            }
        } finally {
            pool.lock.unlock();
        }
        workers.forEach(Thread::start);
        if (watchdog) {
            pool.watchdog.start();
        }
        return pool;
    }

    private Thread newWorkerLocked() {
        Thread thread = Thread.ofPlatform()
                .name("kiln-render-" + (++workerSeq))
                .daemon(true)
                .priority(WORKER_PRIORITY)
                .unstarted(this::workerLoop);
        threads.add(thread);
        return thread;
    }

    /**
     * Admits or refuses at once, never blocking on capacity. {@code costUnits} (e.g. output pixels, positive) scales
     * the predicted service time; {@code deadlineNanos} is on this pool's {@link Ticker} timeline, i.e. computed as
     * {@code ticker.nanos() + budget}.
     */
    public <T> Admission<T> submit(RenderTask<T> task, long costUnits, long deadlineNanos) {
        return submit(task, costUnits, deadlineNanos, /* reservedSlot= */ false);
    }

    /** {@link #submit}; with {@code reservedSlot}, first gives back the slot a {@link Reservation} held for it. */
    <T> Admission<T> submit(RenderTask<T> task, long costUnits, long deadlineNanos, boolean reservedSlot) {
        Objects.requireNonNull(task, "task");
        if (costUnits <= 0) {
            throw new IllegalArgumentException("costUnits must be positive, was " + costUnits);
        }
        List<Job<?>> expired = new ArrayList<>(0);
        Admission<T> admission;
        AdmissionPolicy.Decision decision;
        lock.lock();
        try {
            if (reservedSlot) {
                reserved--;
            }
            long now = ticker.nanos();
            // Expired waiters must not hold queue slots against newcomers, even when nobody awaits them.
            dropExpiredLocked(now, expired);
            decision = AdmissionPolicy.decide(loadLocked(now), costUnits, deadlineNanos - now);
            if (decision.admitted()) {
                Job<T> job = new Job<>(this, task, costUnits, deadlineNanos, now);
                queue.addLast(job);
                queuedCostUnits += costUnits;
                // Under the lock so no worker can report started/finished before admitted.
                safely(listener::admitted);
                workAvailable.signal();
                admission = new Admission.Accepted<>(job);
            } else {
                rejectedCount++;
                admission = new Admission.Rejected<>(
                        decision.reason(), decision.retryAfter(), Duration.ofNanos(decision.serviceNanos()));
            }
        } finally {
            lock.unlock();
        }
        retire(expired);
        if (!decision.admitted()) {
            safely(() -> listener.rejected(decision.reason()));
        }
        return admission;
    }

    /**
     * The rejection a submit would get right now for reasons that do not depend on the task (draining, queue
     * full), counted and reported like any rejection; empty when such a submit could be admitted. Lets a
     * caller refuse before it spends work reading and validating the request.
     */
    public Optional<Admission.Rejected<Void>> rejectEarly() {
        return refuseOrReserve(/* reserve= */ false).refusal();
    }

    /**
     * Holds a queue slot for a task the caller is about to validate, or refuses at once as {@link #rejectEarly()}
     * does. While held, the slot counts against the queue, so requests that arrive meanwhile see the queue full and
     * are refused before they spend that work: without it, a burst against an idle pool passes the early check all
     * at once, and every request parses its document before the first is submitted. A held slot counts as a slot
     * only, not as predicted work (its cost is not known yet). The caller must {@link Reservation#submit} or
     * {@link Reservation#close()} it, exactly once.
     */
    public Reservation reserve() {
        return refuseOrReserve(/* reserve= */ true);
    }

    private Reservation refuseOrReserve(boolean reserve) {
        List<Job<?>> expired = new ArrayList<>(0);
        RejectReason reason;
        Duration retryAfter;
        lock.lock();
        try {
            long now = ticker.nanos();
            dropExpiredLocked(now, expired);
            AdmissionPolicy.Load load = loadLocked(now);
            if (load.draining()) {
                reason = RejectReason.DRAINING;
            } else if (load.queueFull()) {
                reason = RejectReason.QUEUE_FULL;
            } else {
                reason = null;
            }
            retryAfter = AdmissionPolicy.retryAfter(load.waitNanos());
            if (reason != null) {
                rejectedCount++;
            } else if (reserve) {
                reserved++;
            }
        } finally {
            lock.unlock();
        }
        retire(expired);
        if (reason == null) {
            return reserve ? Reservation.held(this) : Reservation.NOT_HELD;
        }
        safely(() -> listener.rejected(reason));
        return Reservation.refused(new Admission.Rejected<>(reason, retryAfter));
    }

    /** Gives back a reservation's slot that was never submitted. */
    void release() {
        lock.lock();
        try {
            reserved--;
        } finally {
            lock.unlock();
        }
    }

    /** A consistent view of queue, workers, estimate and counters. */
    public PoolSnapshot snapshot() {
        lock.lock();
        try {
            long now = ticker.nanos();
            return new PoolSnapshot(
                    config.workers(),
                    queue.size(),
                    running.size(),
                    overdueLocked(now),
                    Duration.ofNanos(Math.round(estimator.nanosPerUnit() * PoolConfig.REFERENCE_COST_UNITS)),
                    draining,
                    completedCount,
                    rejectedCount,
                    abandoned.size(),
                    wedgedLocked(now));
        } finally {
            lock.unlock();
        }
    }

    /** False while draining, while the queue is full (saturated), or while any running task is overdue (wedged). */
    public boolean isReady() {
        lock.lock();
        try {
            long now = ticker.nanos();
            return !draining && !loadLocked(now).queueFull() && overdueLocked(now) == 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * False once a render has taken capacity away in a way only a restart can undo: an abandoned worker still running
     * past {@link PoolConfig#wedgeLimit()}, or an overdue render that could not be abandoned. Feeds liveness.
     */
    public boolean isLive() {
        lock.lock();
        try {
            return wedgedLocked(ticker.nanos()) == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Stops admitting: further submits are {@link RejectReason#DRAINING}; queued and running work continues. */
    public void beginDrain() {
        lock.lock();
        try {
            draining = true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits (on the pool's ticker) until the queue is empty and nothing runs; returns false on timeout. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long timeoutNanos = saturatedNanos(timeout);
        long start = ticker.nanos();
        lock.lock();
        try {
            while (!isIdleLocked()) {
                // Elapsed-time form: stays correct for huge timeouts and any ticker origin.
                long remaining = timeoutNanos - (ticker.nanos() - start);
                if (remaining <= 0) {
                    return false;
                }
                idle.awaitNanos(Math.min(remaining, Job.POLL_NANOS));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drains for up to {@link PoolConfig#drainTimeout()}, then drops what is still queued (waiters get Cancelled),
     * cancels and interrupts running tasks, and stops the workers. Restores the interrupt flag if interrupted.
     */
    @Override
    public void close() {
        close(config.drainTimeout());
    }

    /**
     * Like {@link #close()}, but drains for at most {@code drainTimeout}, so that a caller which already spent part
     * of its shutdown budget waiting (e.g. the HTTP server's drain) stays within it.
     */
    public void close(Duration drainTimeout) {
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            draining = true;
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        try {
            awaitDrained(drainTimeout);
        } catch (InterruptedException e) {
            // Still shut down, just without waiting any longer; the flag is restored below.
            interrupted = true;
        }
        List<Job<?>> dropped = new ArrayList<>();
        List<Job<?>> cancelled = new ArrayList<>();
        lock.lock();
        try {
            stopping = true;
            while (!queue.isEmpty()) {
                Job<?> job = removeHeadLocked();
                job.decideCancelled();
                markDroppedLocked(job, dropped);
            }
            for (Job<?> job : running) {
                if (job.decideCancelled()) {
                    cancelled.add(job);
                }
            }
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        retire(dropped);
        cancelled.forEach(Job::publish);
        watchdog.interrupt();
        threads.forEach(Thread::interrupt);
        // One bound for all joins: a wedged worker (daemon) must not hold shutdown for a timeout per thread.
        long joinDeadline = System.nanoTime() + WORKER_JOIN_TIMEOUT.toNanos();
        for (Thread thread : threads) {
            long left = joinDeadline - System.nanoTime();
            if (interrupted || left <= 0) {
                break;
            }
            try {
                thread.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Worker threads (replacements and abandoned ones included) that are still alive; for tests. */
    long liveWorkerThreads() {
        return threads.stream().filter(Thread::isAlive).count();
    }

    // ---- package-private hooks for Job ----

    Ticker ticker() {
        return ticker;
    }

    boolean isStopping() {
        return stopping;
    }

    /** The waiter saw the deadline pass: decide TimedOut unless something else already decided. */
    void expire(Job<?> job) {
        if (job.decideTimedOut()) {
            settleEarly(job);
        }
    }

    /**
     * The job was decided TimedOut or Cancelled by its waiter: drop it if still queued, or release the waiter at once if
     * it runs (the worker keeps the slot until the task returns).
     */
    void settleEarly(Job<?> job) {
        List<Job<?>> dropped = new ArrayList<>(1);
        Job.State state;
        lock.lock();
        try {
            state = job.state;
            if (state == Job.State.QUEUED) {
                queue.remove(job);
                queuedCostUnits -= job.costUnits;
                markDroppedLocked(job, dropped);
            }
        } finally {
            lock.unlock();
        }
        if (state == Job.State.QUEUED) {
            retire(dropped);
        } else if (state == Job.State.RUNNING) {
            job.publish();
        }
        // DROPPED or FINISHED: the thread that moved it there publishes.
    }

    // ---- workers ----

    private void workerLoop() {
        while (true) {
            Job<?> job;
            try {
                job = take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (job == null) {
                return;
            }
            if (job.state == Job.State.DROPPED) {
                retire(List.of(job));
                continue;
            }
            if (!run(job)) {
                return; // abandoned while running the task: a replacement already serves the queue
            }
            if (Thread.interrupted()) {
                if (stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
                // A task left the flag set; it must not leak into the next task.
                LOG.log(Level.DEBUG, "cleared a stray interrupt left by a render task");
            }
        }
    }

    /** Next job, already moved to RUNNING or DROPPED; null when the pool stops. */
    private Job<?> take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (stopping) {
                    return null;
                }
                try {
                    workAvailable.await();
                } catch (InterruptedException e) {
                    if (stopping) {
                        throw e;
                    }
                    // Only close() interrupts workers; a stray interrupt must not shrink the pool.
                    LOG.log(Level.WARNING, "ignored an interrupt of an idle render worker");
                }
            }
            Job<?> job = removeHeadLocked();
            long now = ticker.nanos();
            if (job.isDecided() || job.isPastDeadline(now)) {
                job.decideTimedOut(); // no-op when already cancelled
                markDroppedLocked(job, new ArrayList<>(1)); // retired by the worker loop
                return job;
            }
            job.state = Job.State.RUNNING;
            job.startedNanos = now;
            job.worker = Thread.currentThread();
            running.add(job);
            return job;
        } finally {
            lock.unlock();
        }
    }

    /** Runs the task and settles it; returns false when the worker was abandoned meanwhile and must exit. */
    private <T> boolean run(Job<T> job) {
        long start = job.startedNanos;
        safely(() -> listener.started(start - job.admittedNanos));
        Outcome<T> result;
        try {
            result = new Outcome.Completed<>(job.task.run(job));
        } catch (Throwable t) {
            // Any throwable, Errors included, is the task's failure; the worker must survive to serve the next one.
            result = new Outcome.Failed<>(t);
        }
        long end = ticker.nanos();
        Outcome<T> outcome;
        lock.lock();
        try {
            if (job.state == Job.State.ABANDONED) {
                // Already settled and replaced by the watchdog; this thread is surplus now.
                abandoned.remove(Thread.currentThread());
                return false;
            }
            // A value that arrives after the deadline is not delivered, whether or not anyone awaited in time.
            job.decide(job.isPastDeadline(end) ? new Outcome.TimedOut<>() : result);
            outcome = job.outcome();
            long serviceNanos = Math.max(0, end - start);
            String name = outcomeName(outcome);
            safely(() -> listener.finished(serviceNanos, name));
            running.remove(job);
            job.state = Job.State.FINISHED;
            completedCount++;
            switch (outcome) {
                case Outcome.Completed<T> _ -> estimator.onSuccess(job.costUnits, serviceNanos);
                case Outcome.TimedOut<T> _ -> estimator.onDropped(job.costUnits, serviceNanos);
                case Outcome.Failed<T> _ -> estimator.onIgnore();
                case Outcome.Cancelled<T> _ -> estimator.onIgnore();
            }
            signalIfIdleLocked();
        } finally {
            lock.unlock();
        }
        job.publish();
        return true;
    }

    // ---- watchdog ----

    private void watchdogLoop() {
        long intervalNanos = WATCHDOG_INTERVAL.toNanos();
        while (!stopping) {
            try {
                reclaimOverdue();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "render watchdog failed a pass", e);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(intervalNanos);
        }
    }

    /**
     * Abandons the workers of renders past their deadline plus grace and starts a replacement for each, while fewer
     * than {@link PoolConfig#maxAbandoned()} are abandoned. Called by the watchdog; package-private for tests.
     */
    void reclaimOverdue() {
        List<Job<?>> settled = new ArrayList<>(0);
        List<Thread> replacements = new ArrayList<>(0);
        lock.lock();
        try {
            if (stopping) {
                return;
            }
            long now = ticker.nanos();
            long grace = config.overdueGrace().toNanos();
            for (Iterator<Job<?>> it = running.iterator(); it.hasNext(); ) {
                Job<?> job = it.next();
                if (now - job.deadlineNanos <= grace || abandoned.size() >= config.maxAbandoned()) {
                    continue;
                }
                it.remove();
                job.state = Job.State.ABANDONED;
                abandoned.put(job.worker, now);
                job.decideTimedOut(); // no-op when the waiter already decided
                long serviceNanos = Math.max(0, now - job.startedNanos);
                safely(() -> listener.finished(serviceNanos, PoolListener.OUTCOME_ABANDONED));
                completedCount++;
                // Its time measures one hostile document, not the pool: sampled, it would inflate every prediction
                // and turn healthy requests into 429s after a single hang.
                estimator.onIgnore();
                settled.add(job);
                // Abandoned threads that have since exited need not stay listed for close() to join.
                threads.removeIf(t -> t.getState() == Thread.State.TERMINATED); // not NEW ones: started after the lock
                replacements.add(newWorkerLocked());
            }
            signalIfIdleLocked();
        } finally {
            lock.unlock();
        }
        for (Job<?> job : settled) {
            LOG.log(
                    Level.WARNING,
                    "abandoned render worker {0}: its render overran its deadline by more than {1} ms and ignores"
                            + " cancellation; a replacement worker takes its place",
                    job.worker.getName(),
                    config.overdueGrace().toMillis());
            job.publish();
        }
        replacements.forEach(Thread::start);
    }

    // ---- accounting helpers ----

    private Job<?> removeHeadLocked() {
        Job<?> job = queue.removeFirst();
        queuedCostUnits -= job.costUnits;
        return job;
    }

    /** Counts the job as retiring until {@link #retire} has told the listener, so drain waits for that too. */
    private void markDroppedLocked(Job<?> job, List<Job<?>> dropped) {
        job.state = Job.State.DROPPED;
        retiring++;
        dropped.add(job);
    }

    private void dropExpiredLocked(long now, List<Job<?>> dropped) {
        for (Iterator<Job<?>> it = queue.iterator(); it.hasNext(); ) {
            Job<?> job = it.next();
            if (job.isDecided() || job.isPastDeadline(now)) {
                it.remove();
                queuedCostUnits -= job.costUnits;
                job.decideTimedOut();
                markDroppedLocked(job, dropped);
            }
        }
    }

    /** Tells the listener about dropped jobs, then completes their accounting, then releases their waiters. */
    private void retire(List<Job<?>> dropped) {
        if (dropped.isEmpty()) {
            return;
        }
        for (int i = 0; i < dropped.size(); i++) {
            safely(() -> listener.finished(0, PoolListener.OUTCOME_DROPPED));
        }
        lock.lock();
        try {
            retiring -= dropped.size();
            completedCount += dropped.size();
            signalIfIdleLocked();
        } finally {
            lock.unlock();
        }
        dropped.forEach(Job::publish);
    }

    private boolean isIdleLocked() {
        return queue.isEmpty() && running.isEmpty() && retiring == 0;
    }

    private void signalIfIdleLocked() {
        if (isIdleLocked()) {
            idle.signalAll();
        }
    }

    private AdmissionPolicy.Load loadLocked(long now) {
        double perUnit = estimator.nanosPerUnit();
        long remaining = 0;
        for (Job<?> job : running) {
            double left = job.costUnits * perUnit - (now - job.startedNanos);
            remaining = saturatedAdd(remaining, Math.max(0, Math.round(left)));
        }
        return new AdmissionPolicy.Load(
                config.workers(),
                config.queueCapacity(),
                queue.size(),
                reserved,
                queuedCostUnits,
                running.size(),
                remaining,
                overdueLocked(now),
                draining,
                perUnit);
    }

    private int wedgedLocked(long now) {
        long limit = config.wedgeLimit().toNanos();
        int wedged = 0;
        for (long at : abandoned.values()) {
            if (now - at > limit) {
                wedged++;
            }
        }
        if (abandoned.size() >= config.maxAbandoned()) {
            wedged += overdueLocked(now); // overdue and cannot be abandoned: capacity lost until a restart
        }
        return wedged;
    }

    private int overdueLocked(long now) {
        long grace = config.overdueGrace().toNanos();
        int overdue = 0;
        for (Job<?> job : running) {
            if (now - job.deadlineNanos > grace) {
                overdue++;
            }
        }
        return overdue;
    }

    private static long saturatedNanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    static String outcomeName(Outcome<?> outcome) {
        return switch (outcome) {
            case Outcome.Completed<?> _ -> PoolListener.OUTCOME_COMPLETED;
            case Outcome.Failed<?> _ -> PoolListener.OUTCOME_FAILED;
            case Outcome.TimedOut<?> _ -> PoolListener.OUTCOME_TIMED_OUT;
            case Outcome.Cancelled<?> _ -> PoolListener.OUTCOME_CANCELLED;
        };
    }

    /** A throwing listener must not break accounting or kill a worker. */
    private static void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "render pool listener threw", e);
        }
    }
}
