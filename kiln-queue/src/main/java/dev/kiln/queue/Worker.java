package dev.kiln.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims jobs of its kinds, runs their handlers, heartbeats their leases and stores their outcomes; started by {@link
 * JobQueue#startWorker}. {@link #close()} drains it gracefully.
 *
 * <p>Threads: one claim loop, one completion flusher and one heartbeat timer (platform threads), plus the handlers
 * on virtual threads or the caller's executor, never more than {@link WorkerConfig#concurrency()} at once, and never
 * more jobs of a kind than its {@link WorkerConfig#kindLimits() limit}.
 */
public final class Worker implements AutoCloseable {

    /** How often a draining worker re-reads the clock while it waits for handlers to finish. */
    static final Duration DRAIN_CHECK = Duration.ofMillis(20);
    /** How long the completion flusher waits for work before checking whether it should stop. */
    static final Duration FLUSH_IDLE = Duration.ofMillis(50);
    /**
     * How long the claim loop lets free slots gather while handlers are still finishing, so that one claim fills
     * many slots instead of one claim per finished job. Only while more than half the slots are busy; an idle worker
     * claims at once.
     */
    static final Duration CLAIM_GATHER = Duration.ofMillis(1);
    /**
     * How long the claim loop and the completion flusher keep their own connections: after this one goes back to the
     * pool at its next use and a fresh one is borrowed, so the pool can still retire connections by age.
     */
    static final Duration HELD_CONNECTION_AGE = Duration.ofMinutes(5);
    /** Attempts to store a batch of completions before leaving the jobs to the rescuer. */
    static final int FLUSH_ATTEMPTS = 5;
    /** First pause between those attempts; doubles each time. */
    static final Duration FLUSH_RETRY_PAUSE = Duration.ofMillis(50);

    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final JobQueue queue;
    private final QueueConfig queueConfig;
    private final WorkerConfig config;
    private final Map<String, JobHandler> handlers;
    private final String[] kinds;
    private final IntSupplier capacity;
    private final Executor executor;
    /**
     * What the claim stores as the job's worker and every report must match, with the fencing token: the name plus an
     * id of this incarnation, so that no other worker, nor this name in another process, can report on its jobs.
     */
    private final String identity;

    private final Wakeup wakeup = new Wakeup();
    /** Claimed jobs whose outcome is not yet stored; the heartbeat extends those still undecided. */
    private final Map<Long, RunningJob> live = new ConcurrentHashMap<>();
    /** Handlers running now, including any still running after a timeout or release. */
    private final AtomicInteger busy = new AtomicInteger();
    /**
     * Per kind with a limit, its handlers running now, counted like {@link #busy}: a handler still running after a
     * timeout or release holds its kind's slot until it returns. Only the claim loop raises a count, so a claim sized
     * from these counts can never take a kind past its limit.
     */
    private final Map<String, AtomicInteger> runningOfKind;

    private final LinkedBlockingQueue<RunningJob> completions = new LinkedBlockingQueue<>();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idle = idleLock.newCondition();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService heartbeat;
    private final Thread fetcher;
    private final Thread completer;
    private volatile boolean claiming = true;
    /** Set while the claim loop lets freed slots gather ({@link #gather()}), so the last handler to return wakes it. */
    private volatile boolean gathering;
    /** The claim loop's own connection (only that thread touches it), with {@link Sql#CLAIM_SESSION_SETTINGS}. */
    private final HeldConnection claimConnection;
    /**
     * The completion flusher's connection, with {@link Sql#COMPLETE_SESSION_SETTINGS}: held while completions keep
     * coming, given back once none came for {@link #FLUSH_IDLE}.
     */
    private final HeldConnection completeConnection;

    private volatile boolean completing = true;

    Worker(
            JobQueue queue,
            WorkerConfig config,
            Map<String, JobHandler> handlers,
            IntSupplier capacity,
            Executor executor) {
        this.queue = queue;
        this.queueConfig = queue.config();
        this.config = Objects.requireNonNull(config, "config");
        if (handlers.isEmpty()) {
            throw new IllegalArgumentException("a worker needs at least one handler");
        }
        this.handlers = Map.copyOf(handlers);
        this.kinds = this.handlers.keySet().toArray(String[]::new);
        Map<String, AtomicInteger> counts = new HashMap<>();
        for (String kind : config.kindLimits().keySet()) {
            if (!this.handlers.containsKey(kind)) {
                throw new IllegalArgumentException(
                        "worker " + config.name() + " has a limit for job kind '" + kind + "' but no handler for it");
            }
            counts.put(kind, new AtomicInteger());
        }
        this.runningOfKind = Map.copyOf(counts);
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.executor = executor;
        String name = config.name();
        this.identity =
                name + "#" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        this.claimConnection = new HeldConnection(
                queue.dataSource(), Sql.CLAIM_SESSION_SETTINGS, Sql.CLAIM_SESSION_RESET, HELD_CONNECTION_AGE);
        this.completeConnection = new HeldConnection(
                queue.dataSource(), Sql.COMPLETE_SESSION_SETTINGS, Sql.COMPLETE_SESSION_RESET, HELD_CONNECTION_AGE);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("kiln-queue-heartbeat-" + name)
                .daemon(true)
                .factory());
        this.fetcher = Thread.ofPlatform()
                .name("kiln-queue-claim-" + name)
                .daemon(true)
                .unstarted(this::claimLoop);
        this.completer = Thread.ofPlatform()
                .name("kiln-queue-complete-" + name)
                .daemon(true)
                .unstarted(this::completeLoop);
    }

    void start() {
        queue.notifier().register(wakeup);
        long period = queueConfig.heartbeatInterval().toNanos();
        heartbeat.scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.NANOSECONDS);
        completer.start();
        fetcher.start();
    }

    /** The worker's configuration. */
    public WorkerConfig config() {
        return config;
    }

    /** Handlers running now. */
    public int running() {
        return busy.get();
    }

    /** Handlers of {@code kind} running now (counted only for kinds with a limit; 0 for the others). */
    int running(String kind) {
        AtomicInteger n = runningOfKind.get(kind);
        return n == null ? 0 : n.get();
    }

    /** Whether the worker has stopped claiming for good (it is draining or closed). */
    boolean stoppedClaiming() {
        return !claiming && !fetcher.isAlive();
    }

    // ---- claim loop ----

    private void claimLoop() {
        try {
            claimUntilStopped();
        } finally {
            claimConnection.release();
        }
    }

    private void claimUntilStopped() {
        while (claiming) {
            int free = freeSlots();
            if (free <= 0) {
                // A finishing handler signals; a capacity supplier cannot, so it is re-read every poll interval.
                wakeup.await(queueConfig.pollInterval());
                continue;
            }
            if (free < config.concurrency() / 2 && busy.get() > 0) {
                gather();
                free = freeSlots();
            }
            ClaimKinds claimable = claimable(free);
            if (claimable.kinds().length == 0) {
                // Every kind is at its limit: the next handler to return signals.
                wakeup.await(queueConfig.pollInterval());
                continue;
            }
            List<Claimed> claimed;
            long start = System.nanoTime();
            try {
                claimed = claim(claimable, free);
                queue.listener().claimTook(Duration.ofNanos(System.nanoTime() - start));
            } catch (SQLException | RuntimeException e) {
                log.warn("Worker {} could not claim jobs: {}", config.name(), e.toString());
                wakeup.await(queueConfig.pollInterval());
                continue;
            }
            if (claimed.isEmpty()) {
                wakeup.await(queueConfig.pollInterval());
                continue;
            }
            queue.listener().claimed(claimed.size());
            for (Claimed c : claimed) {
                launch(c);
            }
        }
    }

    /**
     * Lets freed slots gather for up to {@link #CLAIM_GATHER}, and no longer than some handler is still running: once
     * every handler has returned nothing more can gather, so the claim goes out at once (short jobs that all finish
     * within the window no longer wait out the rest of it). The last handler to return unparks this thread.
     */
    private void gather() {
        long deadline = System.nanoTime() + CLAIM_GATHER.toNanos();
        gathering = true;
        try {
            long left;
            while (busy.get() > 0 && claiming && (left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            gathering = false;
        }
    }

    private int freeSlots() {
        return Math.min(config.concurrency() - busy.get(), capacity.getAsInt());
    }

    /**
     * What one claim of up to {@code n} jobs may take: every kind below its limit, and for each kind with less room
     * than {@code n}, how many of it.
     *
     * @param kinds the kinds to claim
     * @param limitedKinds the kinds whose room binds this claim
     * @param limits for each of {@code limitedKinds}, the most jobs of it this claim may take (at least 1)
     */
    record ClaimKinds(String[] kinds, String[] limitedKinds, int[] limits) {
        /** Every kind, none limited. */
        static ClaimKinds all(String[] kinds) {
            return new ClaimKinds(kinds, new String[0], new int[0]);
        }
    }

    private ClaimKinds claimable(int n) {
        if (runningOfKind.isEmpty()) {
            return ClaimKinds.all(kinds);
        }
        List<String> open = new ArrayList<>(kinds.length);
        List<String> limited = new ArrayList<>();
        List<Integer> room = new ArrayList<>();
        for (String kind : kinds) {
            AtomicInteger running = runningOfKind.get(kind);
            if (running == null) {
                open.add(kind);
                continue;
            }
            int left = config.limitOf(kind) - running.get();
            if (left <= 0) {
                continue;
            }
            open.add(kind);
            if (left < n) {
                limited.add(kind);
                room.add(left);
            }
        }
        return new ClaimKinds(
                open.toArray(String[]::new),
                limited.toArray(String[]::new),
                room.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * One claim on the loop's own connection: one round trip in autocommit, since the connection already has the
     * generic plan and the asynchronous commit of {@link Sql#CLAIM_SETTINGS} as session settings. A failed claim
     * gives the connection back (a broken one is then dropped by the pool) and the next one borrows another.
     */
    private List<Claimed> claim(ClaimKinds claimable, int n) throws SQLException {
        try {
            return claimStatement(claimConnection.get(), now(), claimable, n, queueConfig.lease(), identity);
        } catch (SQLException | RuntimeException e) {
            claimConnection.release();
            throw e;
        }
    }

    /**
     * Runs {@link Sql#CLAIM} in a transaction of its own ({@link Sql#CLAIM_SETTINGS} first): up to {@code n} jobs of
     * {@code kinds}, leased until {@code now + lease}. {@code c} must not be in a transaction.
     */
    static List<Claimed> claim(Connection c, Instant now, String[] kinds, int n, Duration lease, String worker)
            throws SQLException {
        return claim(c, now, ClaimKinds.all(kinds), n, lease, worker);
    }

    /** {@link #claim(Connection, Instant, String[], int, Duration, String)} with per-kind limits. */
    static List<Claimed> claim(Connection c, Instant now, ClaimKinds kinds, int n, Duration lease, String worker)
            throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                s.execute(Sql.CLAIM_SETTINGS);
            }
            List<Claimed> out = claimStatement(c, now, kinds, n, lease, worker);
            c.commit();
            return out;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static List<Claimed> claimStatement(
            Connection c, Instant now, ClaimKinds kinds, int n, Duration lease, String worker) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(Sql.CLAIM)) {
            ps.setObject(1, Jdbc.ts(now));
            ps.setArray(2, Jdbc.text(c, kinds.kinds()));
            ps.setInt(3, n);
            ps.setArray(4, Jdbc.text(c, kinds.limitedKinds()));
            ps.setArray(5, Jdbc.ints(c, kinds.limits()));
            ps.setObject(6, Jdbc.ts(now.plus(lease)));
            ps.setString(7, worker);
            List<Claimed> out = new ArrayList<>(n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Claimed(
                            rs.getLong("id"),
                            rs.getString("kind"),
                            rs.getString("tenant"),
                            Priority.fromCode(rs.getInt("priority")),
                            rs.getString("payload"),
                            rs.getInt("attempt"),
                            rs.getInt("max_attempts"),
                            rs.getLong("token"),
                            Duration.ofMillis(rs.getLong("timeout_ms")),
                            worker));
                }
            }
            return out;
        }
    }

    private void launch(Claimed c) {
        RunningJob job = new RunningJob(this, c, now().plus(c.timeout()));
        live.put(c.id(), job);
        busy.incrementAndGet();
        AtomicInteger ofKind = runningOfKind.get(c.kind());
        if (ofKind != null) {
            ofKind.incrementAndGet();
        }
        Runnable task = () -> run(job);
        try {
            if (executor == null) {
                Thread.ofVirtual().name("kiln-job-" + c.id()).start(task);
            } else {
                executor.execute(task);
            }
        } catch (RejectedExecutionException e) {
            log.warn("Worker {}: executor refused job {}; releasing it", config.name(), c.id());
            handlerDone(c.kind());
            if (job.decide()) {
                release(List.of(job));
            }
        }
    }

    // ---- handlers ----

    private void run(RunningJob job) {
        Throwable failure = null;
        job.bind(Thread.currentThread());
        try {
            JobHandler h = handlers.get(job.kind());
            h.handle(job);
        } catch (Throwable t) {
            failure = t;
        } finally {
            job.unbind();
            // An interrupt meant for the handler (timeout, shutdown) must not leak into the executor's next task.
            Thread.interrupted();
        }
        try {
            outcome(job, failure);
        } catch (RuntimeException e) {
            log.warn("Worker {}: storing the outcome of job {} failed: {}", config.name(), job.id(), e.toString());
        } finally {
            handlerDone(job.kind());
        }
    }

    private void handlerDone(String kind) {
        AtomicInteger ofKind = runningOfKind.get(kind);
        if (ofKind != null) {
            ofKind.decrementAndGet();
        }
        if (busy.decrementAndGet() == 0 && gathering) {
            LockSupport.unpark(fetcher);
        }
        wakeup.signal();
        idleLock.lock();
        try {
            idle.signalAll();
        } finally {
            idleLock.unlock();
        }
    }

    private void outcome(RunningJob job, Throwable failure) {
        if (failure == null && job.completedInTx()) {
            // The handler's transaction decides; if it rolled back, the lease runs out and the rescuer retries.
            live.remove(job.id());
            return;
        }
        if (!job.decide()) {
            // A timeout, lease loss or shutdown already decided this attempt.
            return;
        }
        if (failure == null) {
            completions.add(job);
            return;
        }
        Instant now = now();
        Report r;
        if (job.cancelReason() == JobContext.CancelReason.CANCEL_REQUESTED) {
            r = Report.failed(job.claim, JobState.CANCELLED, null, "cancelled", "cancelled while running", null);
        } else if (isPermanent(failure)) {
            r = Report.failed(job.claim, JobState.DISCARDED, null, "permanent", failure.getMessage(), failure);
        } else {
            r = failure(job.claim, now, "retryable", failure.getMessage(), failure);
        }
        store(List.of(r), now);
        live.remove(job.id());
    }

    /** A failed attempt: retryable after a backoff, or discarded when it was the last. */
    private Report failure(Claimed c, Instant now, String kind, String message, Throwable t) {
        if (c.attempt() >= c.maxAttempts()) {
            return Report.failed(c, JobState.DISCARDED, null, kind, message, t);
        }
        Duration delay = queueConfig.retry().delay(c.attempt(), queue.random());
        return Report.failed(c, JobState.RETRYABLE, now.plus(delay), kind, message, t);
    }

    private static boolean isPermanent(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof PermanentJobFailure) {
                return true;
            }
        }
        return false;
    }

    /** Stores outcomes on a pooled connection and tells the listener what they did. */
    private boolean store(List<Report> reports, Instant now) {
        List<Report.Applied> applied;
        try (Connection c = dataSource().getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            applied = Report.store(c, reports, now);
        } catch (SQLException e) {
            log.warn(
                    "Worker {}: could not store {} outcomes ({}); the rescuer will return the jobs",
                    config.name(),
                    reports.size(),
                    e.toString());
            return false;
        }
        account(reports, applied, now);
        return true;
    }

    /**
     * Stores the completions of {@code batch} (in id order) on the flusher's own connection and tells the listener;
     * false when the statement failed.
     */
    private boolean storeCompletions(List<RunningJob> batch, Instant now) {
        int n = batch.size();
        long[] ids = new long[n];
        long[] tokens = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = batch.get(i).id();
            tokens[i] = batch.get(i).token();
        }
        int applied;
        try {
            applied = Report.complete(completeConnection.get(), ids, tokens, identity, now);
        } catch (SQLException | RuntimeException e) {
            completeConnection.release();
            log.warn(
                    "Worker {}: could not store {} completions ({}); the rescuer will return the jobs",
                    config.name(),
                    n,
                    e.toString());
            return false;
        }
        if (applied > 0) {
            queue.listener().completed(applied);
        }
        if (applied < n) {
            queue.listener().staleReports(n - applied);
        }
        return true;
    }

    private void account(List<Report> reports, List<Report.Applied> applied, Instant now) {
        Map<Long, Report> byId = new HashMap<>();
        for (Report r : reports) {
            byId.put(r.id(), r);
        }
        int completed = 0;
        int cancelled = 0;
        int released = 0;
        for (Report.Applied a : applied) {
            switch (a.state()) {
                case COMPLETED -> completed++;
                case CANCELLED -> cancelled++;
                case DISCARDED -> queue.listener().discarded(a.kind(), a.attempt());
                case RETRYABLE -> {
                    Report r = byId.get(a.id());
                    queue.listener().retried(a.kind(), a.attempt(), Duration.between(now, r.runAt()));
                }
                case AVAILABLE -> released++;
                default -> {}
            }
        }
        if (completed > 0) {
            queue.listener().completed(completed);
        }
        if (cancelled > 0) {
            queue.listener().cancelled(cancelled);
        }
        if (released > 0) {
            queue.listener().released(released);
        }
        if (applied.size() < reports.size()) {
            queue.listener().staleReports(reports.size() - applied.size());
        }
    }

    // ---- completions ----

    private void completeLoop() {
        try {
            completeUntilStopped();
        } finally {
            completeConnection.release();
        }
    }

    private void completeUntilStopped() {
        List<RunningJob> batch = new ArrayList<>();
        while (true) {
            RunningJob first;
            try {
                first = completions.poll(FLUSH_IDLE.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                first = completions.poll();
                if (first == null) {
                    return;
                }
            }
            if (first == null) {
                if (!completing) {
                    return;
                }
                // Idle: the pool gets the connection back until completions come again.
                completeConnection.release();
                continue;
            }
            // Whatever piled up while the previous batch was being stored goes in one statement: group commit.
            batch.add(first);
            completions.drainTo(batch, config.completionBatchSize() - 1);
            flush(batch);
            batch.clear();
        }
    }

    private void flush(List<RunningJob> batch) {
        batch.sort(Comparator.comparingLong(RunningJob::id));
        Duration pause = FLUSH_RETRY_PAUSE;
        for (int attempt = 1; attempt <= FLUSH_ATTEMPTS; attempt++) {
            if (storeCompletions(batch, now())) {
                break;
            }
            if (attempt < FLUSH_ATTEMPTS) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                pause = pause.multipliedBy(2);
            }
        }
        for (RunningJob j : batch) {
            live.remove(j.id());
        }
    }

    // ---- heartbeat, timeouts, cancellation requests ----

    private void heartbeat() {
        try {
            Instant now = now();
            List<Report> timedOut = new ArrayList<>();
            for (RunningJob job : live.values()) {
                if (job.undecided() && !now.isBefore(job.deadline) && job.decide()) {
                    job.cancel(JobContext.CancelReason.TIMEOUT);
                    timedOut.add(failure(
                            job.claim, now, "timeout", "attempt ran past its timeout of " + job.claim.timeout(), null));
                }
            }
            if (!timedOut.isEmpty()) {
                store(timedOut, now);
                for (Report r : timedOut) {
                    // Interrupt only once the failure is stored, so a woken handler cannot complete the job first.
                    RunningJob job = live.remove(r.id());
                    if (job != null) {
                        job.interrupt();
                    }
                }
            }
            extendLeases(now);
        } catch (RuntimeException e) {
            log.warn("Worker {}: heartbeat failed: {}", config.name(), e.toString());
        }
    }

    private void extendLeases(Instant now) {
        // Only undecided jobs: a decided one is about to be stored by its decider, and leaving it out means no
        // two of this worker's multi-row statements ever lock the same rows (in possibly different orders).
        List<RunningJob> jobs = new ArrayList<>();
        for (RunningJob j : live.values()) {
            if (j.undecided()) {
                jobs.add(j);
            }
        }
        if (jobs.isEmpty()) {
            return;
        }
        // Rows are then locked in id order whichever statement locks them.
        jobs.sort(Comparator.comparingLong(RunningJob::id));
        long[] ids = new long[jobs.size()];
        long[] tokens = new long[jobs.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = jobs.get(i).id();
            tokens[i] = jobs.get(i).token();
        }
        Map<Long, Boolean> held;
        try (Connection c = dataSource().getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            held = extend(c, ids, tokens, now.plus(queueConfig.lease()), identity);
        } catch (SQLException e) {
            log.warn("Worker {}: could not extend {} leases: {}", config.name(), ids.length, e.toString());
            return;
        }
        int lost = 0;
        for (RunningJob job : jobs) {
            Boolean cancelRequested = held.get(job.id());
            if (cancelRequested == null) {
                // Rescued behind our back: stop the handler; the fencing token refuses its reports. (A job the
                // handler completed in its own transaction is not held either, but it is finished, not lost.)
                if (!job.completedInTx() && job.undecided() && job.decide()) {
                    job.cancel(JobContext.CancelReason.LEASE_LOST);
                    live.remove(job.id());
                    lost++;
                }
            } else if (cancelRequested) {
                job.cancel(JobContext.CancelReason.CANCEL_REQUESTED);
            }
        }
        if (lost > 0) {
            log.warn("Worker {}: lost the lease of {} jobs", config.name(), lost);
            queue.listener().staleReports(lost);
        }
    }

    /**
     * Runs {@link Sql#HEARTBEAT}: extends the leases of the jobs still held under these tokens until {@code until}.
     *
     * @return for each job still held, whether its cancellation was requested
     */
    static Map<Long, Boolean> extend(Connection c, long[] ids, long[] tokens, Instant until, String worker)
            throws SQLException {
        Map<Long, Boolean> held = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(Sql.HEARTBEAT)) {
            ps.setObject(1, Jdbc.ts(until));
            ps.setArray(2, Jdbc.bigints(c, ids));
            ps.setArray(3, Jdbc.bigints(c, tokens));
            ps.setString(4, worker);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.put(rs.getLong(1), rs.getBoolean(2));
                }
            }
        }
        return held;
    }

    // ---- shutdown ----

    /**
     * Stops claiming, lets running handlers finish for up to {@link WorkerConfig#drainTimeout()}, releases the rest
     * back to the queue without counting the attempt, stores pending completions, then returns.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        claiming = false;
        wakeup.signal();
        boolean interrupted = join(fetcher);
        Instant deadline = now().plus(config.drainTimeout());
        idleLock.lock();
        try {
            while (busy.get() > 0 && now().isBefore(deadline)) {
                idle.await(DRAIN_CHECK.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            idleLock.unlock();
        }
        List<RunningJob> unfinished = new ArrayList<>();
        for (RunningJob job : live.values()) {
            if (job.undecided() && job.decide()) {
                unfinished.add(job);
            }
        }
        if (!unfinished.isEmpty()) {
            log.info(
                    "Worker {}: releasing {} unfinished jobs after a drain of {}",
                    config.name(),
                    unfinished.size(),
                    config.drainTimeout());
            for (RunningJob job : unfinished) {
                job.cancel(JobContext.CancelReason.SHUTDOWN);
            }
            release(unfinished);
            // Interrupt only once the release is stored, so a woken handler cannot complete the job first.
            for (RunningJob job : unfinished) {
                job.interrupt();
            }
        }
        completing = false;
        interrupted |= join(completer);
        heartbeat.shutdownNow();
        queue.notifier().unregister(wakeup);
        queue.forget(this);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void release(List<RunningJob> jobs) {
        Instant now = now();
        List<Report> reports = new ArrayList<>(jobs.size());
        for (RunningJob j : jobs) {
            reports.add(Report.released(j.claim, now));
            live.remove(j.id());
        }
        if (store(reports, now)) {
            notifyWorkers();
        }
    }

    private void notifyWorkers() {
        try (Connection c = dataSource().getConnection();
                Statement s = c.createStatement()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            s.execute(Sql.NOTIFY);
        } catch (SQLException e) {
            // Other workers will find the jobs on their next poll.
        }
    }

    /** Joins {@code t}; returns whether the wait was interrupted (the caller restores the flag). */
    private static boolean join(Thread t) {
        try {
            t.join();
            return false;
        } catch (InterruptedException e) {
            try {
                t.join();
            } catch (InterruptedException again) {
                // Give up waiting; the thread is a daemon and stops on its own.
            }
            return true;
        }
    }

    // ---- for RunningJob ----

    DataSource dataSource() {
        return queue.dataSource();
    }

    QueueListener listener() {
        return queue.listener();
    }

    Instant now() {
        return queue.clock().instant();
    }
}
