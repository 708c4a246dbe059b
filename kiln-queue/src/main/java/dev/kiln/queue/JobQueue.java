package dev.kiln.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;

/**
 * The durable job queue: enqueue inside the caller's transaction, cancel, inspect, and start {@link Worker}s and
 * {@link Maintenance}. The tables must exist ({@link QueueSchema#migrate}).
 */
public final class JobQueue implements AutoCloseable {

    private final DataSource dataSource;
    private final QueueConfig config;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final QueueListener listener;
    private final Notifier notifier;
    private final Set<AutoCloseable> started = ConcurrentHashMap.newKeySet();
    private final Object enqueuerLock = new Object();
    private GroupEnqueuer enqueuer;
    private boolean closed;

    private JobQueue(Builder b) {
        this.dataSource = b.dataSource;
        this.config = b.config;
        this.clock = b.clock;
        this.random = b.random;
        this.listener = b.listener;
        this.notifier = new Notifier(dataSource, listener);
    }

    /** A queue on {@code dataSource} with the default configuration, the system clock and no listener. */
    public static JobQueue create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /** Starts building a queue on {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Builds a {@link JobQueue}; time and randomness are injectable so tests can drive leases and backoff. */
    public static final class Builder {
        private final DataSource dataSource;
        private QueueConfig config = QueueConfig.defaults();
        private InstantSource clock = InstantSource.system();
        private RandomGenerator random = RandomGenerator.getDefault();
        private QueueListener listener = QueueListener.NOOP;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The configuration (default {@link QueueConfig#defaults()}). */
        public Builder config(QueueConfig c) {
            this.config = Objects.requireNonNull(c, "config");
            return this;
        }

        /** The clock every lease, timeout, backoff and retention reads (default the system clock). */
        public Builder clock(InstantSource c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** The source of the backoff's jitter (default {@link RandomGenerator#getDefault()}). */
        public Builder random(RandomGenerator r) {
            this.random = Objects.requireNonNull(r, "random");
            return this;
        }

        /** Where counts of claims, retries, dead jobs and rescues go (default none). */
        public Builder listener(QueueListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** The queue. */
        public JobQueue build() {
            return new JobQueue(this);
        }
    }

    /** The configuration this queue was built with. */
    public QueueConfig config() {
        return config;
    }

    /**
     * Enqueues one job inside {@code tx}: it becomes visible to workers, and they are notified, when {@code tx}
     * commits, and vanishes with it on rollback.
     *
     * @return the job's id
     * @throws QueueQuotaExceededException when the tenant already has {@link QueueConfig#tenantQuota()} unfinished
     *     jobs; {@code tx} is then aborted and must be rolled back
     */
    public long enqueue(Connection tx, JobRequest request) throws SQLException {
        return enqueueAll(tx, List.of(request)).getFirst();
    }

    /**
     * Enqueues many jobs inside {@code tx} with one INSERT statement; all or none.
     *
     * @return the jobs' ids, in the order of {@code requests}
     * @throws QueueQuotaExceededException when any tenant would pass its quota; {@code tx} is then aborted
     */
    public List<Long> enqueueAll(Connection tx, List<JobRequest> requests) throws SQLException {
        int n = requests.size();
        if (n == 0) {
            return List.of();
        }
        Instant now = clock.instant();
        String[] kinds = new String[n];
        String[] tenants = new String[n];
        String[] payloads = new String[n];
        int[] priorities = new int[n];
        int[] attempts = new int[n];
        String[] runAts = new String[n];
        long[] timeouts = new long[n];
        for (int i = 0; i < n; i++) {
            JobRequest r = requests.get(i);
            kinds[i] = r.kind();
            tenants[i] = r.tenant();
            payloads[i] = r.payload();
            priorities[i] = r.priority().code();
            attempts[i] = r.maxAttempts();
            runAts[i] = (r.runAt() == null ? now : r.runAt()).toString();
            timeouts[i] = Math.max(1, r.timeout().toMillis());
        }
        try (PreparedStatement ps = tx.prepareStatement(Sql.ENQUEUE)) {
            ps.setArray(1, Jdbc.text(tx, kinds));
            ps.setArray(2, Jdbc.text(tx, tenants));
            ps.setArray(3, Jdbc.text(tx, payloads));
            ps.setArray(4, Jdbc.ints(tx, priorities));
            ps.setArray(5, Jdbc.ints(tx, attempts));
            ps.setArray(6, Jdbc.text(tx, runAts));
            ps.setArray(7, Jdbc.bigints(tx, timeouts));
            ps.setInt(8, config.tenantQuota());
            ps.setObject(9, Jdbc.ts(now));
            List<Long> ids = new ArrayList<>(n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            if (Jdbc.isQuotaViolation(e)) {
                Set<String> distinct = new TreeSet<>(List.of(tenants));
                if (distinct.size() == 1) {
                    String tenant = distinct.iterator().next();
                    throw new QueueQuotaExceededException(tenant, quotaOrDefault(tenant), e);
                }
                throw new QueueQuotaExceededException("one of " + distinct, config.tenantQuota(), e);
            }
            throw e;
        }
    }

    /**
     * Enqueues one job in a transaction of the queue's own, which it shares with other concurrent submits (group
     * commit: one INSERT, one COMMIT and one NOTIFY for all the jobs waiting at that moment). Returns once the job is
     * committed, so the id is as durable as {@link #enqueue(Connection, JobRequest)}'s. Use this when nothing else
     * must commit with the job; it takes many concurrent single adds past the database's commit rate.
     *
     * @return the job's id
     * @throws QueueQuotaExceededException when the tenant already has its quota of unfinished jobs (only this job is
     *     refused; the others of its batch are stored)
     * @throws IllegalStateException when the queue is closed
     */
    public long submit(JobRequest request) throws SQLException, InterruptedException {
        Objects.requireNonNull(request, "request");
        return enqueuer().submit(request);
    }

    /** Submits not yet answered (for tests). */
    int unansweredSubmits() {
        synchronized (enqueuerLock) {
            return enqueuer == null ? 0 : enqueuer.unanswered();
        }
    }

    private GroupEnqueuer enqueuer() {
        synchronized (enqueuerLock) {
            if (closed) {
                throw new IllegalStateException("the job queue is closed");
            }
            if (enqueuer == null) {
                enqueuer = new GroupEnqueuer(this);
            }
            return enqueuer;
        }
    }

    /**
     * Gives {@code tenant} a quota of its own (unfinished jobs), or back the default with {@code null}. Applies to
     * the next enqueue; jobs already queued stay, even when they are more than the new quota.
     */
    public void setTenantQuota(String tenant, Integer quota) throws SQLException {
        Objects.requireNonNull(tenant, "tenant");
        if (quota != null && quota < 0) {
            throw new IllegalArgumentException("quota must be >= 0, was " + quota);
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(quota == null ? Sql.CLEAR_TENANT_QUOTA : Sql.SET_TENANT_QUOTA)) {
            ps.setString(1, tenant);
            if (quota != null) {
                ps.setInt(2, quota);
            }
            ps.executeUpdate();
        }
    }

    /** {@code tenant}'s quota of unfinished jobs: its own, or {@link QueueConfig#tenantQuota()}. */
    public int tenantQuota(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(Sql.TENANT_QUOTA)) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : config.tenantQuota();
            }
        }
    }

    /** For the exception's message: the quota, or the default when it cannot be read (the refusal stands). */
    private int quotaOrDefault(String tenant) {
        try {
            return tenantQuota(tenant);
        } catch (SQLException e) {
            return config.tenantQuota();
        }
    }

    /**
     * Cancels a job inside {@code tx} (so a refund can share it): a waiting job is cancelled at once, a running one
     * is asked to stop and ends cancelled when its handler gives up (or completed, if it finished first).
     */
    public CancelResult cancel(Connection tx, long jobId) throws SQLException {
        String state;
        String tenant;
        try (PreparedStatement ps = tx.prepareStatement(Sql.LOCK_FOR_CANCEL)) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return CancelResult.NOT_FOUND;
                }
                state = rs.getString(1);
                tenant = rs.getString(2);
            }
        }
        JobState s = JobState.fromSql(state);
        if (s.isFinished()) {
            return CancelResult.ALREADY_FINISHED;
        }
        if (s == JobState.RUNNING) {
            try (PreparedStatement ps = tx.prepareStatement(Sql.REQUEST_CANCEL)) {
                ps.setLong(1, jobId);
                ps.executeUpdate();
            }
            return CancelResult.CANCEL_REQUESTED;
        }
        try (PreparedStatement ps = tx.prepareStatement(Sql.CANCEL_WAITING)) {
            ps.setObject(1, Jdbc.ts(clock.instant()));
            ps.setLong(2, jobId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.prepareStatement(Sql.COUNT_ONE_FINISHED)) {
            ps.setString(1, tenant);
            ps.executeUpdate();
        }
        listener.cancelled(1);
        return CancelResult.CANCELLED;
    }

    /** {@link #cancel(Connection, long)} in a transaction of its own. */
    public CancelResult cancel(long jobId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                CancelResult r = cancel(c, jobId);
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    /** The job as stored, or empty when there is none (never enqueued, or pruned). */
    public Optional<JobSnapshot> find(long jobId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(Sql.FIND)) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new JobSnapshot(
                        rs.getLong("id"),
                        rs.getString("kind"),
                        rs.getString("tenant"),
                        Priority.fromCode(rs.getInt("priority")),
                        JobState.fromSql(rs.getString("state")),
                        rs.getInt("attempt"),
                        rs.getInt("max_attempts"),
                        rs.getLong("token"),
                        rs.getInt("progress"),
                        rs.getString("stage"),
                        rs.getString("error"),
                        rs.getBoolean("cancel_requested"),
                        Jdbc.instant(rs, "run_at"),
                        Jdbc.instant(rs, "created_at"),
                        Jdbc.instant(rs, "attempted_at"),
                        Jdbc.instant(rs, "finished_at")));
            }
        }
    }

    /** Queue depth and the age of the oldest due job, for gauges. */
    public QueueStats stats() throws SQLException {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(Sql.STATS)) {
            ps.setObject(1, Jdbc.ts(now));
            ps.setObject(2, Jdbc.ts(now));
            ps.setObject(3, Jdbc.ts(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Instant oldest = Jdbc.instant(rs, "oldest");
                Duration age = oldest == null || oldest.isAfter(now) ? Duration.ZERO : Duration.between(oldest, now);
                return new QueueStats(rs.getLong("available"), rs.getLong("scheduled"), rs.getLong("running"), age);
            }
        }
    }

    /** Starts a worker for {@code handlers} (by job kind), running each job on a virtual thread. */
    public Worker startWorker(WorkerConfig workerConfig, Map<String, JobHandler> handlers) {
        return startWorker(workerConfig, handlers, () -> Integer.MAX_VALUE, null);
    }

    /**
     * Starts a worker that claims no more jobs than {@code capacity} says it can start now (e.g. free render slots)
     * and at most {@link WorkerConfig#concurrency()} at once.
     *
     * @param executor runs the handlers; null for a virtual thread per job. It must not queue without bound: the
     *     worker submits only what it can run now, so a bounded pool of {@code concurrency} threads is enough.
     */
    public Worker startWorker(
            WorkerConfig workerConfig, Map<String, JobHandler> handlers, IntSupplier capacity, Executor executor) {
        Worker w = new Worker(this, workerConfig, handlers, capacity, executor);
        started.add(w);
        w.start();
        return w;
    }

    /**
     * The maintenance services of this queue, not yet scheduled: {@link Maintenance#start()} schedules them, and
     * each can also be run once on demand.
     */
    public Maintenance maintenance() {
        return new Maintenance(this);
    }

    /**
     * Stores the submits already waiting, stops every worker (draining it) and maintenance started from this queue,
     * then the LISTEN connection.
     */
    @Override
    public void close() {
        GroupEnqueuer grouped;
        synchronized (enqueuerLock) {
            closed = true;
            grouped = enqueuer;
        }
        if (grouped != null) {
            grouped.close();
        }
        for (AutoCloseable c : List.copyOf(started)) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing the rest matters more; each component logs its own failures.
            }
        }
        notifier.close();
    }

    DataSource dataSource() {
        return dataSource;
    }

    InstantSource clock() {
        return clock;
    }

    RandomGenerator random() {
        return random;
    }

    QueueListener listener() {
        return listener;
    }

    Notifier notifier() {
        return notifier;
    }

    void remember(AutoCloseable c) {
        started.add(c);
    }

    void forget(AutoCloseable c) {
        started.remove(c);
    }
}
