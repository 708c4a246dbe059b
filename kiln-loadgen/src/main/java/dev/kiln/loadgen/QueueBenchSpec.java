package dev.kiln.loadgen;

import dev.kiln.queue.WorkerConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code kiln bench queue} runs: the standard queue workloads (docs/benchmark-workloads.md) and the database they run in.
 *
 * @param host PostgreSQL host
 * @param port PostgreSQL port
 * @param user PostgreSQL user
 * @param password PostgreSQL password (empty for trust auth)
 * @param database the benchmark's own database, dropped and recreated before each workload
 * @param jobs jobs per throughput workload (A and B)
 * @param concurrency the worker's concurrency during burn-down and pickup
 * @param addsInFlight single adds (one transaction each) kept in flight in workload A
 * @param bulkSize jobs per {@code enqueueAll} call in workload B (calls issued one at a time)
 * @param tenants tenants the jobs are spread over, round robin (Kiln's enqueues of one tenant serialise on its quota
 *     counter row, docs/queue.md)
 * @param latencyJobs jobs added to an idle worker in workload C
 * @param latencyGap the gap between workload C's intended send times
 * @param timeout the longest one phase (adds, burn-down, pickup) may take before the run fails
 */
record QueueBenchSpec(
        String host,
        int port,
        String user,
        String password,
        String database,
        int jobs,
        int concurrency,
        int addsInFlight,
        int bulkSize,
        int tenants,
        int latencyJobs,
        Duration latencyGap,
        Duration timeout,
        int warmUpJobs) {

    /** Default database: {@value}. */
    static final String DEFAULT_DATABASE = "kiln_bench_queue";
    /** Default jobs per throughput workload: the standard 20,000. */
    static final int DEFAULT_JOBS = 20_000;
    /** Default worker concurrency: 50, as the peers run. */
    static final int DEFAULT_CONCURRENCY = 50;
    /** Default single adds in flight: 50. */
    static final int DEFAULT_ADDS_IN_FLIGHT = 50;
    /** Default bulk size: 1,000 jobs per call. */
    static final int DEFAULT_BULK_SIZE = 1_000;
    /** Default tenants: 1, the whole workload from one tenant (the peers have no tenants). */
    static final int DEFAULT_TENANTS = 1;
    /** Default pickup-latency jobs: 200. */
    static final int DEFAULT_LATENCY_JOBS = 200;
    /** Default gap between pickup-latency adds: 20 ms. */
    static final Duration DEFAULT_LATENCY_GAP = Duration.ofMillis(20);
    /** Default phase timeout: 5 min, the peers' TIMEOUT_MS. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /** Default warm-up: none, so workload A starts in a fresh JVM as the peers' do in a fresh node. */
    static final int DEFAULT_WARM_UP_JOBS = 0;

    /** A plain identifier, so the name can be spliced into CREATE/DROP DATABASE without quoting surprises. */
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** Databases this command must never drop. */
    private static final Set<String> PROTECTED = Set.of("postgres", "template0", "template1", "kiln");

    /** The warm-up's own run: this spec with {@code warmUpJobs} jobs (over at most that many tenants) and no warm-up. */
    QueueBenchSpec warmUp() {
        return new QueueBenchSpec(
                host,
                port,
                user,
                password,
                database,
                warmUpJobs,
                concurrency,
                addsInFlight,
                bulkSize,
                Math.min(tenants, warmUpJobs),
                latencyJobs,
                latencyGap,
                timeout,
                0);
    }

    QueueBenchSpec {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("db-host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("db-port must be in 1..65535, was " + port);
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("db-user must not be blank");
        }
        password = password == null ? "" : password;
        if (database == null || !DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException(
                    "database must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 chars), was " + database);
        }
        if (PROTECTED.contains(database.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "database " + database + " is dropped and recreated each run; pick a database of its own");
        }
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, was " + jobs);
        }
        if (concurrency < 1 || concurrency > WorkerConfig.MAX_CONCURRENCY) {
            throw new IllegalArgumentException(
                    "concurrency must be in 1.." + WorkerConfig.MAX_CONCURRENCY + ", was " + concurrency);
        }
        if (addsInFlight < 1 || addsInFlight > 90) {
            // Each add in flight holds a connection; PostgreSQL's default max_connections is 100.
            throw new IllegalArgumentException("adds-in-flight must be in 1..90, was " + addsInFlight);
        }
        if (bulkSize < 1) {
            throw new IllegalArgumentException("bulk-size must be at least 1, was " + bulkSize);
        }
        if (tenants < 1 || tenants > jobs) {
            throw new IllegalArgumentException("tenants must be in 1..jobs (" + jobs + "), was " + tenants);
        }
        if (latencyJobs < 1) {
            throw new IllegalArgumentException("latency-jobs must be at least 1, was " + latencyJobs);
        }
        if (latencyGap == null || latencyGap.isNegative()) {
            throw new IllegalArgumentException("latency-gap must not be negative, was " + latencyGap);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (warmUpJobs < 0) {
            throw new IllegalArgumentException("warm-up must not be negative, was " + warmUpJobs);
        }
    }

    /** JDBC URL of {@code db} on this spec's server. */
    String url(String db) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + db;
    }
}
