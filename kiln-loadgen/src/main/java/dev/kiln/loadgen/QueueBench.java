package dev.kiln.loadgen;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.kiln.queue.JobHandler;
import dev.kiln.queue.JobQueue;
import dev.kiln.queue.JobRequest;
import dev.kiln.queue.QueueConfig;
import dev.kiln.queue.QueueListener;
import dev.kiln.queue.QueueSchema;
import dev.kiln.queue.Worker;
import dev.kiln.queue.WorkerConfig;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs the queue workloads of docs/benchmark-workloads.md against {@link JobQueue}, each in a freshly created database: A (single adds, then
 * burn-down), B (bulk adds, then burn-down) and C (pickup latency). Mirrors the peers' {@code lib.mjs}: the same
 * phases, the same timed windows and the same ANALYZE between adding and processing.
 */
final class QueueBench {

    /** The one job kind; its handler does nothing. */
    static final String KIND = "bench.noop";
    /** The one tenant every job belongs to. */
    static final String TENANT = "bench";
    /** How often the burn-down polls the database for "all completed", as the peers do. */
    static final Duration CONFIRM_POLL = Duration.ofMillis(5);
    /** How long the idle worker waits before workload C starts, as the peers do (1.5 s). */
    static final Duration IDLE_BEFORE_PICKUP = Duration.ofMillis(1_500);
    /**
     * Jobs of the extra in-transaction single adds: enough for a steady rate, and they commit one at a time, so the
     * whole workload would only lengthen the run.
     */
    static final int IN_TRANSACTION_JOBS = 5_000;
    /** Connections beyond the adds in flight: claim, completion, heartbeat, LISTEN, and slack. */
    static final int EXTRA_CONNECTIONS = 6;

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final QueueBenchSpec spec;
    private final PrintWriter progress;

    QueueBench(QueueBenchSpec spec, PrintWriter progress) {
        this.spec = spec;
        this.progress = progress;
    }

    /** Runs A, B and C in that order. */
    QueueBenchReport run() throws SQLException, InterruptedException, TimeoutException, java.io.IOException {
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String version;
        try (Connection c = connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version()")) {
            rs.next();
            version = rs.getString(1);
        }
        if (spec.warmUpJobs() > 0) {
            // Untimed and not reported: only its JIT compilation and class loading carry over to A.
            new QueueBench(spec.warmUp(), progress).throughput("warm-up", /* bulk= */ false);
        }
        QueueBenchReport.Throughput single = throughput("A", /* bulk= */ false);
        QueueBenchReport.Adds inTransaction = addsInTransaction();
        QueueBenchReport.Throughput bulk = throughput("B", /* bulk= */ true);
        QueueBenchReport.Pickup pickup = pickup();
        QueueBenchReport.Recovery recovery = recovery();
        return new QueueBenchReport(
                startedAt.toString(),
                version,
                spec.database(),
                spec.jobs(),
                spec.concurrency(),
                spec.addsInFlight(),
                spec.bulkSize(),
                spec.tenants(),
                spec.warmUpJobs(),
                single,
                inTransaction,
                bulk,
                pickup,
                recovery);
    }

    // ---- workloads A and B ----

    private QueueBenchReport.Throughput throughput(String name, boolean bulk)
            throws SQLException, InterruptedException, TimeoutException {
        int n = spec.jobs();
        recreateDatabase();
        BurnDownProbe probe = new BurnDownProbe();
        try (HikariDataSource pool = pool();
                Connection admin = connect(spec.database());
                JobQueue queue = queue(pool, probe)) {
            Histogram addCalls = new Histogram(HIGHEST_MICROS, 3);
            Counters before = Counters.read(admin);
            String addWaits;
            long t0 = System.nanoTime();
            try (WaitSampler waits = new WaitSampler(connect(spec.database()))) {
                if (bulk) {
                    addBulk(pool, queue, addCalls);
                } else {
                    addSingly(pool, queue, addCalls, n, /* grouped= */ true);
                }
                addWaits = waits.summary();
            }
            long addNanos = System.nanoTime() - t0;
            Counters.Cost addCost = Counters.read(admin).since(before, n);
            log(
                    "%s: %,d %s adds in %,d ms = %,.0f/s",
                    name, n, bulk ? "bulk" : "single", ms(addNanos), rate(n, addNanos));

            long analyzeMs = analyze(admin);

            Map<Long, AtomicInteger> starts = new ConcurrentHashMap<>(n * 2);
            AtomicLong firstStart = new AtomicLong();
            AtomicLong lastEnd = new AtomicLong();
            CountDownLatch ended = new CountDownLatch(n);
            JobHandler handler = ctx -> {
                long now = System.nanoTime();
                firstStart.compareAndSet(0, now);
                starts.computeIfAbsent(ctx.id(), id -> new AtomicInteger()).incrementAndGet();
                lastEnd.set(System.nanoTime());
                ended.countDown();
            };
            before = Counters.read(admin);
            BurnDownProbe.Cpu cpuBefore = BurnDownProbe.Cpu.read(admin, spec.database());
            BurnDownProbe.Cpu cpuAfter;
            long confirmed;
            String processWaits;
            // Closing the worker drains it, outside the timed window.
            try (WaitSampler waits = new WaitSampler(connect(spec.database()));
                    Worker ignored = queue.startWorker(worker("bench-" + name), Map.of(KIND, handler))) {
                await(ended, "burn-down " + name);
                confirmed = confirmAllCompleted(admin, n, "burn-down " + name);
                cpuAfter = BurnDownProbe.Cpu.read(admin, spec.database());
                processWaits = waits.summary();
            }
            Counters.Cost processCost = Counters.read(admin).since(before, n);
            long burnNanos = confirmed - firstStart.get();
            log(
                    "%s: burn-down of %,d jobs in %,d ms = %,.0f jobs/s (confirm lag %,d ms)",
                    name, n, ms(burnNanos), rate(n, burnNanos), ms(confirmed - lastEnd.get()));
            log("%s: %s", name, probe.summary(cpuBefore, cpuAfter, n, burnNanos));
            Tally tally = Tally.read(admin);
            long handlerStarts =
                    starts.values().stream().mapToLong(AtomicInteger::get).sum();
            return new QueueBenchReport.Throughput(
                    millis(addNanos),
                    rate(n, addNanos),
                    addCalls.getValueAtPercentile(50) / 1000.0,
                    addCalls.getValueAtPercentile(99) / 1000.0,
                    addCost.writeXactsPerJob(),
                    addCost.walBytesPerJob(),
                    addWaits,
                    analyzeMs,
                    millis(burnNanos),
                    rate(n, burnNanos),
                    millis(lastEnd.get() - firstStart.get()),
                    millis(confirmed - lastEnd.get()),
                    processCost.writeXactsPerJob(),
                    processCost.walBytesPerJob(),
                    processWaits,
                    tally.completed(),
                    tally.rows(),
                    handlerStarts,
                    handlerStarts - starts.size(),
                    tally.maxAttempt());
        }
    }

    /**
     * Workload A's adds again, each in a transaction of the caller's ({@link JobQueue#enqueue(Connection,
     * JobRequest)}), as the platform adds a generation's job: adds only, no burn-down.
     */
    private QueueBenchReport.Adds addsInTransaction() throws SQLException, InterruptedException, TimeoutException {
        int n = Math.min(spec.jobs(), IN_TRANSACTION_JOBS);
        recreateDatabase();
        try (HikariDataSource pool = pool();
                Connection admin = connect(spec.database());
                JobQueue queue = queue(pool)) {
            Histogram calls = new Histogram(HIGHEST_MICROS, 3);
            Counters before = Counters.read(admin);
            String waitSummary;
            long t0 = System.nanoTime();
            try (WaitSampler waits = new WaitSampler(connect(spec.database()))) {
                addSingly(pool, queue, calls, n, /* grouped= */ false);
                waitSummary = waits.summary();
            }
            long nanos = System.nanoTime() - t0;
            Counters.Cost cost = Counters.read(admin).since(before, n);
            log("A (in the caller's transaction): %,d single adds in %,d ms = %,.0f/s", n, ms(nanos), rate(n, nanos));
            return new QueueBenchReport.Adds(
                    millis(nanos),
                    rate(n, nanos),
                    calls.getValueAtPercentile(50) / 1000.0,
                    calls.getValueAtPercentile(99) / 1000.0,
                    cost.writeXactsPerJob(),
                    cost.walBytesPerJob(),
                    waitSummary);
        }
    }

    /**
     * Single adds: {@code addsInFlight} lanes, each adding one job per call until all are added; through {@link
     * JobQueue#submit} (group commit), or each in a transaction of its own.
     */
    private void addSingly(HikariDataSource pool, JobQueue queue, Histogram calls, int jobs, boolean grouped)
            throws InterruptedException, TimeoutException {
        AtomicInteger next = new AtomicInteger();
        List<JobRequest> requests = requests();
        try (ExecutorService lanes = Executors.newFixedThreadPool(
                spec.addsInFlight(), Thread.ofPlatform().name("bench-add-", 0).factory())) {
            List<Future<?>> futures = new ArrayList<>();
            for (int lane = 0; lane < spec.addsInFlight(); lane++) {
                futures.add(lanes.submit(() -> {
                    Histogram mine = new Histogram(HIGHEST_MICROS, 3);
                    for (int i; (i = next.getAndIncrement()) < jobs; ) {
                        JobRequest request = requests.get(i % requests.size());
                        long t = System.nanoTime();
                        if (grouped) {
                            queue.submit(request);
                        } else {
                            inTransaction(pool, c -> queue.enqueue(c, request));
                        }
                        mine.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - t) / 1_000));
                    }
                    synchronized (calls) {
                        calls.add(mine);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                get(f, "single adds");
            }
        }
    }

    /** Workload B's adds: {@code enqueueAll} of {@code bulkSize} jobs a call, one call at a time. */
    private void addBulk(HikariDataSource pool, JobQueue queue, Histogram calls) throws SQLException {
        List<JobRequest> requests = requests();
        for (int from = 0; from < spec.jobs(); from += spec.bulkSize()) {
            List<JobRequest> batch = new ArrayList<>();
            for (int i = from; i < Math.min(spec.jobs(), from + spec.bulkSize()); i++) {
                batch.add(requests.get(i % requests.size()));
            }
            long t = System.nanoTime();
            inTransaction(pool, c -> queue.enqueueAll(c, batch));
            calls.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - t) / 1_000));
        }
    }

    /** Polls until the database shows {@code n} completed jobs; returns the nanoTime it first did. */
    private long confirmAllCompleted(Connection admin, int n, String what)
            throws SQLException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        while (true) {
            long completed;
            try (Statement s = admin.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM kiln_queue_jobs WHERE state = 'completed'")) {
                rs.next();
                completed = rs.getLong(1);
            }
            if (completed >= n) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(what + ": only " + completed + " of " + n + " jobs completed");
            }
            Thread.sleep(CONFIRM_POLL);
        }
    }

    // ---- workload C ----

    private QueueBenchReport.Pickup pickup() throws SQLException, InterruptedException, TimeoutException {
        int n = spec.latencyJobs();
        recreateDatabase();
        PathTimes path = new PathTimes();
        try (HikariDataSource pool = pool();
                Connection admin = connect(spec.database());
                JobQueue queue = queue(pool, path)) {
            analyze(admin);
            Map<Long, Long> startedAt = new ConcurrentHashMap<>();
            Map<Long, AtomicInteger> starts = new ConcurrentHashMap<>();
            CountDownLatch started = new CountDownLatch(n);
            JobHandler handler = ctx -> {
                long now = System.nanoTime();
                if (startedAt.putIfAbsent(ctx.id(), now) == null) {
                    started.countDown();
                }
                starts.computeIfAbsent(ctx.id(), id -> new AtomicInteger()).incrementAndGet();
            };
            long[] intended = new long[n];
            long[] committed = new long[n];
            long[] ids = new long[n];
            try (Worker ignored = queue.startWorker(worker("bench-C"), Map.of(KIND, handler))) {
                Thread.sleep(IDLE_BEFORE_PICKUP);
                JobRequest request = requests().getFirst();
                long base = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    intended[i] = base + i * spec.latencyGap().toNanos();
                    for (long wait; (wait = intended[i] - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    ids[i] = inTransaction(pool, c -> queue.enqueue(c, request));
                    committed[i] = System.nanoTime();
                }
                await(started, "pickup latency");
            }
            Histogram fromCommit = new Histogram(HIGHEST_MICROS, 3);
            Histogram fromSend = new Histogram(HIGHEST_MICROS, 3);
            Histogram toNotified = new Histogram(HIGHEST_MICROS, 3);
            Histogram toClaimed = new Histogram(HIGHEST_MICROS, 3);
            Histogram toStarted = new Histogram(HIGHEST_MICROS, 3);
            long[] notifiedAt = PathTimes.sorted(path.notified);
            long[] claimedAt = PathTimes.sorted(path.claimEnds);
            long beforeAck = 0;
            for (int i = 0; i < n; i++) {
                long start = startedAt.get(ids[i]);
                // The path of job i: the first notification after its send, the first claim after that.
                long woke = PathTimes.firstAtOrAfter(notifiedAt, intended[i]);
                long claimed = woke < 0 ? -1 : PathTimes.firstAtOrAfter(claimedAt, woke);
                if (woke >= 0 && claimed >= 0 && claimed <= start) {
                    toNotified.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, woke - committed[i]) / 1_000));
                    toClaimed.recordValue(Math.min(HIGHEST_MICROS, (claimed - woke) / 1_000));
                    toStarted.recordValue(Math.min(HIGHEST_MICROS, (start - claimed) / 1_000));
                }
                if (start < committed[i]) {
                    beforeAck++; // NOTIFY is delivered at commit, so the worker can beat the commit's reply
                }
                fromCommit.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, start - committed[i]) / 1_000));
                fromSend.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, start - intended[i]) / 1_000));
            }
            Tally tally = Tally.read(admin);
            long handlerStarts =
                    starts.values().stream().mapToLong(AtomicInteger::get).sum();
            QueueBenchReport.Pickup p = new QueueBenchReport.Pickup(
                    n,
                    spec.latencyGap().toNanos() / 1e6,
                    fromCommit.getValueAtPercentile(50) / 1000.0,
                    fromCommit.getValueAtPercentile(99) / 1000.0,
                    fromCommit.getMaxValue() / 1000.0,
                    fromSend.getValueAtPercentile(50) / 1000.0,
                    fromSend.getValueAtPercentile(99) / 1000.0,
                    fromSend.getMaxValue() / 1000.0,
                    beforeAck,
                    tally.completed(),
                    handlerStarts - starts.size(),
                    split(toNotified),
                    split(toClaimed),
                    split(toStarted));
            log("C: pickup of %d jobs: p50 %.2f ms, p99 %.2f ms, max %.2f ms", n, p.p50Ms(), p.p99Ms(), p.maxMs());
            return p;
        }
    }

    /** p50 / p99 / max in ms, and how many jobs the split covers. */
    private static QueueBenchReport.Split split(Histogram h) {
        return new QueueBenchReport.Split(
                h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0);
    }

    // ---- recovery after kill -9 ----

    /** Jobs the killed worker holds in the recovery workload. */
    static final int RECOVERY_JOBS = 50;

    /**
     * A worker process ({@link RecoveryVictim}, default leases) claims {@value #RECOVERY_JOBS} jobs and holds them;
     * it is killed with {@code kill -9}; a worker and the maintenance services in this process, started at the kill,
     * get the jobs back. Timed from the kill to each job's handler starting here.
     */
    private QueueBenchReport.Recovery recovery()
            throws SQLException, InterruptedException, TimeoutException, java.io.IOException {
        recreateDatabase();
        try (HikariDataSource pool = pool();
                Connection admin = connect(spec.database());
                JobQueue queue = queue(pool)) {
            List<JobRequest> jobs = new ArrayList<>();
            for (int i = 0; i < RECOVERY_JOBS; i++) {
                jobs.add(requests().get(i % requests().size()));
            }
            inTransaction(pool, c -> queue.enqueueAll(c, jobs));
            String java = ProcessHandle.current().info().command().orElse("java");
            Process victim = new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            RecoveryVictim.class.getName(),
                            spec.url(spec.database()),
                            spec.user(),
                            spec.password(),
                            Integer.toString(RECOVERY_JOBS))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                long deadline = System.nanoTime() + spec.timeout().toNanos();
                while (count(admin, "SELECT count(*) FROM kiln_queue_jobs WHERE state = 'running'") < RECOVERY_JOBS) {
                    if (System.nanoTime() > deadline || !victim.isAlive()) {
                        throw new TimeoutException(
                                "recovery: the worker process never held all " + RECOVERY_JOBS + " jobs");
                    }
                    Thread.sleep(CONFIRM_POLL);
                }
                // Let it heartbeat at least once, as a worker that ran for a while would have.
                Thread.sleep(QueueConfig.DEFAULT_HEARTBEAT_INTERVAL.plusMillis(200));
            } catch (SQLException | InterruptedException | TimeoutException | RuntimeException e) {
                victim.destroyForcibly();
                throw e;
            }
            long killed = System.nanoTime();
            victim.destroyForcibly();
            victim.waitFor();
            List<Long> starts = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch all = new CountDownLatch(RECOVERY_JOBS);
            try (var maintenance = queue.maintenance().start();
                    Worker ignored = queue.startWorker(worker("bench-rescuer"), Map.of(KIND, ctx -> {
                        starts.add(System.nanoTime());
                        all.countDown();
                    }))) {
                await(all, "recovery");
            }
            long first = starts.stream().mapToLong(Long::longValue).min().orElseThrow();
            long last = starts.stream().mapToLong(Long::longValue).max().orElseThrow();
            QueueBenchReport.Recovery r = new QueueBenchReport.Recovery(
                    RECOVERY_JOBS,
                    QueueConfig.DEFAULT_LEASE.toMillis(),
                    QueueConfig.DEFAULT_RESCUER_INTERVAL.toMillis(),
                    millis(first - killed),
                    millis(last - killed),
                    count(admin, "SELECT count(*) FROM kiln_queue_jobs WHERE state = 'completed' AND attempt = 2"));
            log(
                    "D: recovery after kill -9: first job back in %.0f ms, all %d in %.0f ms",
                    r.firstMs(), RECOVERY_JOBS, r.allMs());
            return r;
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- plumbing ----

    /** One request per tenant: {@value #TENANT} alone, or {@value #TENANT}-0, -1, ... */
    private List<JobRequest> requests() {
        if (spec.tenants() == 1) {
            return List.of(JobRequest.of(KIND, TENANT, "{}"));
        }
        List<JobRequest> out = new ArrayList<>();
        for (int t = 0; t < spec.tenants(); t++) {
            out.add(JobRequest.of(KIND, TENANT + "-" + t, "{}"));
        }
        return out;
    }

    private WorkerConfig worker(String name) {
        return WorkerConfig.named(name).withConcurrency(spec.concurrency());
    }

    private JobQueue queue(HikariDataSource pool) {
        return queue(pool, QueueListener.NOOP);
    }

    private JobQueue queue(HikariDataSource pool, QueueListener listener) {
        // All jobs belong to one tenant, so the quota must admit a whole workload at once.
        int quota = Math.max(QueueConfig.DEFAULT_TENANT_QUOTA, Math.max(spec.jobs(), spec.latencyJobs()));
        return JobQueue.builder(pool)
                .config(QueueConfig.defaults().withTenantQuota(quota))
                .listener(listener)
                .build();
    }

    /** When the LISTEN connection woke the workers, and when each claim returned (nanoTime), for C's split. */
    private static final class PathTimes implements QueueListener {
        final java.util.Queue<Long> notified = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final java.util.Queue<Long> claimEnds = new java.util.concurrent.ConcurrentLinkedQueue<>();

        @Override
        public void notified() {
            notified.add(System.nanoTime());
        }

        @Override
        public void claimTook(Duration took) {
            claimEnds.add(System.nanoTime());
        }

        /** The first time in {@code times} at or after {@code t}, or -1. */
        static long firstAtOrAfter(long[] times, long t) {
            int i = java.util.Arrays.binarySearch(times, t);
            if (i < 0) {
                i = -i - 1;
            }
            return i < times.length ? times[i] : -1;
        }

        static long[] sorted(java.util.Queue<Long> q) {
            return q.stream().mapToLong(Long::longValue).sorted().toArray();
        }
    }

    private HikariDataSource pool() {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(spec.url(spec.database()));
        h.setUsername(spec.user());
        h.setPassword(spec.password());
        h.setMaximumPoolSize(spec.addsInFlight() + EXTRA_CONNECTIONS);
        h.setMinimumIdle(spec.addsInFlight() + EXTRA_CONNECTIONS);
        h.setPoolName("kiln-bench-queue");
        h.setConnectionTimeout(10_000);
        return new HikariDataSource(h);
    }

    private Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", spec.user());
        p.setProperty("password", spec.password());
        return DriverManager.getConnection(spec.url(database), p);
    }

    /** Drops and recreates the benchmark's database, migrates the queue's schema and checkpoints. */
    private void recreateDatabase() throws SQLException {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            // The name was checked against a plain-identifier pattern by QueueBenchSpec.
            s.execute("DROP DATABASE IF EXISTS " + spec.database() + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + spec.database());
        }
        try (HikariDataSource migrate = new HikariDataSource(migrationConfig())) {
            QueueSchema.migrate(migrate);
        }
        try (Connection c = connect(spec.database());
                Statement s = c.createStatement()) {
            // Start each workload without a pending checkpoint, as the peers' run-all.sh does.
            s.execute("CHECKPOINT");
        }
    }

    private HikariConfig migrationConfig() {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(spec.url(spec.database()));
        h.setUsername(spec.user());
        h.setPassword(spec.password());
        h.setMaximumPoolSize(2);
        h.setPoolName("kiln-bench-queue-migrate");
        return h;
    }

    /** ANALYZE stands in for the auto-analyze that autovacuum (off on this server) would run after the adds. */
    private long analyze(Connection admin) throws SQLException {
        long t = System.nanoTime();
        try (Statement s = admin.createStatement()) {
            s.execute("ANALYZE");
        }
        return ms(System.nanoTime() - t);
    }

    private interface TxBody<T> {
        T apply(Connection c) throws SQLException;
    }

    private static <T> T inTransaction(HikariDataSource pool, TxBody<T> body) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = body.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private void await(CountDownLatch latch, String what) throws InterruptedException, TimeoutException {
        if (!latch.await(spec.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException(what + ": " + latch.getCount() + " jobs never started within " + spec.timeout());
        }
    }

    private void get(Future<?> f, String what) throws InterruptedException, TimeoutException {
        try {
            f.get(spec.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    private void log(String format, Object... args) {
        progress.printf(java.util.Locale.ROOT, "[%s] " + format + "%n", prepend(Instant.now(), args));
        progress.flush();
    }

    private static final java.time.format.DateTimeFormatter LOG_TIME = java.time.format.DateTimeFormatter.ofPattern(
                    "HH:mm:ss.SSS", java.util.Locale.ROOT)
            .withZone(java.time.ZoneOffset.UTC);

    static String logTime(Instant now) {
        return LOG_TIME.format(now);
    }

    private static Object[] prepend(Instant now, Object[] args) {
        Object[] out = new Object[args.length + 1];
        // A formatter, not Instant.toString(): that drops the fraction when it is zero, and a substring of it failed
        // one log line in a thousand.
        out[0] = logTime(now);
        System.arraycopy(args, 0, out, 1, args.length);
        return out;
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }

    private static double rate(int n, long nanos) {
        return Math.round(n / (nanos / 1e9));
    }

    /** Server-wide write transactions and WAL position, read outside the timed windows. */
    private record Counters(long xid, String lsn) {
        record Cost(double writeXactsPerJob, double walBytesPerJob) {}

        static Counters read(Connection c) throws SQLException {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT txid_current(), pg_current_wal_lsn()::text")) {
                rs.next();
                return new Counters(rs.getLong(1), rs.getString(2));
            }
        }

        /** The cost per job since {@code before}; -1 for the xid the second {@code txid_current()} takes. */
        Cost since(Counters before, int jobs) {
            return new Cost(
                    Math.round((xid - before.xid - 1) * 100.0 / jobs) / 100.0,
                    Math.round((double) walDiff(before) / jobs));
        }

        private long walDiff(Counters before) {
            return org.postgresql.replication.LogSequenceNumber.valueOf(lsn).asLong()
                    - org.postgresql.replication.LogSequenceNumber.valueOf(before.lsn)
                            .asLong();
        }
    }

    /**
     * Samples {@code pg_stat_activity} of the benchmark's database every {@link #EVERY} on a connection of its own:
     * what the active backends wait on (e.g. {@code Lock:transactionid}, {@code IO:WALSync}), or {@code running}
     * when they wait on nothing (on CPU, or not instrumented).
     */
    private static final class WaitSampler implements AutoCloseable {
        static final Duration EVERY = Duration.ofMillis(20);
        private static final String SAMPLE = "SELECT coalesce(wait_event_type || ':' || wait_event, 'running'),"
                + " count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'"
                + " AND pid <> pg_backend_pid() GROUP BY 1";

        private final Connection connection;
        private final Map<String, Long> counts = new ConcurrentHashMap<>();
        private final AtomicLong samples = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        WaitSampler(Connection connection) {
            this.connection = connection;
            this.thread =
                    Thread.ofPlatform().name("bench-wait-sampler").daemon(true).start(this::loop);
        }

        private void loop() {
            try (Statement s = connection.createStatement()) {
                while (running) {
                    try (ResultSet rs = s.executeQuery(SAMPLE)) {
                        while (rs.next()) {
                            counts.merge(rs.getString(1), rs.getLong(2), Long::sum);
                        }
                    }
                    samples.incrementAndGet();
                    Thread.sleep(EVERY);
                }
            } catch (SQLException | InterruptedException e) {
                // The summary covers the samples taken so far.
            }
        }

        /** The top wait events as shares of active-backend samples, plus the mean number of active backends. */
        String summary() {
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            long n = Math.max(1, samples.get());
            if (total == 0) {
                return "no active backends sampled (" + n + " samples)";
            }
            StringBuilder out = new StringBuilder(String.format(
                    java.util.Locale.ROOT, "%.1f active backends on average over %d samples:", (double) total / n, n));
            counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(5)
                    .forEach(e -> out.append(String.format(
                            java.util.Locale.ROOT, " %s %.0f%%,", e.getKey(), 100.0 * e.getValue() / total)));
            out.setLength(out.length() - 1);
            return out.toString();
        }

        @Override
        public void close() throws SQLException {
            running = false;
            try {
                thread.join(EVERY.multipliedBy(50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection.close();
        }
    }

    /** The job table at the end of a workload. */
    private record Tally(long rows, long completed, int maxAttempt) {
        static Tally read(Connection c) throws SQLException {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE state = 'completed'),"
                            + " coalesce(max(attempt), 0) FROM kiln_queue_jobs")) {
                rs.next();
                return new Tally(rs.getLong(1), rs.getLong(2), rs.getInt(3));
            }
        }
    }
}
