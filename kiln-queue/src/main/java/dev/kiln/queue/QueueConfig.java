package dev.kiln.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * How the queue leases, retries, rescues and prunes; shared by every worker and maintenance service of one queue.
 *
 * <p>With the defaults a job of a worker killed with {@code kill -9} is claimable again within {@code lease +
 * rescuerInterval} = 6 s, and a rescued job is claimed at once (the rescuer notifies idle workers).
 *
 * @param tenantQuota unfinished (waiting or running) jobs one tenant may have
 * @param lease how long a claim holds a job without a heartbeat
 * @param heartbeatInterval how often a worker extends the leases of its running jobs (and checks their timeouts)
 * @param rescuerInterval how often the rescuer returns jobs whose lease expired
 * @param pollInterval how often an idle worker claims when no notification woke it (the LISTEN/NOTIFY fallback)
 * @param retry backoff between attempts
 * @param retention how long completed and cancelled jobs are kept
 * @param discardedRetention how long dead-lettered (discarded) jobs are kept for inspection
 * @param retentionInterval how often retention runs
 * @param retentionBatchSize rows deleted per statement by retention, so no delete holds locks for long
 * @param vacuumInterval how often the vacuum service runs {@code VACUUM (ANALYZE)} on the queue's tables
 */
public record QueueConfig(
        int tenantQuota,
        Duration lease,
        Duration heartbeatInterval,
        Duration rescuerInterval,
        Duration pollInterval,
        RetryPolicy retry,
        Duration retention,
        Duration discardedRetention,
        Duration retentionInterval,
        int retentionBatchSize,
        Duration vacuumInterval) {

    /** Default quota: 10,000 unfinished jobs per tenant. */
    public static final int DEFAULT_TENANT_QUOTA = 10_000;
    /** Default lease: 5 s. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(5);
    /** Default heartbeat interval: 1 s, so four heartbeats can be late before a lease expires. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    /** Default rescuer interval: 1 s. */
    public static final Duration DEFAULT_RESCUER_INTERVAL = Duration.ofSeconds(1);
    /** Default poll interval: 1 s; NOTIFY normally wakes workers long before. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** Default retention of completed and cancelled jobs: 24 h. */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    /** Default retention of discarded jobs: 7 days. */
    public static final Duration DEFAULT_DISCARDED_RETENTION = Duration.ofDays(7);
    /** Default retention interval: 1 min. */
    public static final Duration DEFAULT_RETENTION_INTERVAL = Duration.ofMinutes(1);
    /** Default retention batch: 1,000 rows per DELETE. */
    public static final int DEFAULT_RETENTION_BATCH_SIZE = 1_000;
    /** Default vacuum interval: 1 min (autovacuum is off on Kiln's server; see docs/queue.md). */
    public static final Duration DEFAULT_VACUUM_INTERVAL = Duration.ofMinutes(1);

    /** Shortest interval or lease accepted: 10 ms. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);

    public QueueConfig {
        if (tenantQuota < 1) {
            throw new IllegalArgumentException("tenantQuota must be at least 1, was " + tenantQuota);
        }
        atLeast("lease", lease, MIN_INTERVAL);
        atLeast("heartbeatInterval", heartbeatInterval, MIN_INTERVAL);
        atLeast("rescuerInterval", rescuerInterval, MIN_INTERVAL);
        atLeast("pollInterval", pollInterval, MIN_INTERVAL);
        Objects.requireNonNull(retry, "retry");
        atLeast("retention", retention, Duration.ZERO);
        atLeast("discardedRetention", discardedRetention, Duration.ZERO);
        atLeast("retentionInterval", retentionInterval, MIN_INTERVAL);
        if (retentionBatchSize < 1) {
            throw new IllegalArgumentException("retentionBatchSize must be at least 1, was " + retentionBatchSize);
        }
        atLeast("vacuumInterval", vacuumInterval, MIN_INTERVAL);
        // A single late heartbeat (GC pause, busy database) must not cost a healthy worker its lease.
        if (heartbeatInterval.multipliedBy(2).compareTo(lease) > 0) {
            throw new IllegalArgumentException(
                    "heartbeatInterval (" + heartbeatInterval + ") must be at most half the lease (" + lease + ")");
        }
        // Otherwise a dead worker's jobs wait for the rescuer longer than for their lease to run out.
        if (rescuerInterval.compareTo(lease) > 0) {
            throw new IllegalArgumentException(
                    "rescuerInterval (" + rescuerInterval + ") must not be longer than the lease (" + lease + ")");
        }
    }

    /** The documented defaults. */
    public static QueueConfig defaults() {
        return new QueueConfig(
                DEFAULT_TENANT_QUOTA,
                DEFAULT_LEASE,
                DEFAULT_HEARTBEAT_INTERVAL,
                DEFAULT_RESCUER_INTERVAL,
                DEFAULT_POLL_INTERVAL,
                RetryPolicy.defaults(),
                DEFAULT_RETENTION,
                DEFAULT_DISCARDED_RETENTION,
                DEFAULT_RETENTION_INTERVAL,
                DEFAULT_RETENTION_BATCH_SIZE,
                DEFAULT_VACUUM_INTERVAL);
    }

    /** The longest time from a worker's death to its jobs being claimable again: lease plus one rescuer interval. */
    public Duration worstCaseRecovery() {
        return lease.plus(rescuerInterval);
    }

    /** A copy with another quota. */
    public QueueConfig withTenantQuota(int quota) {
        return new QueueConfig(
                quota,
                lease,
                heartbeatInterval,
                rescuerInterval,
                pollInterval,
                retry,
                retention,
                discardedRetention,
                retentionInterval,
                retentionBatchSize,
                vacuumInterval);
    }

    /** A copy with other lease timings. */
    public QueueConfig withLeases(Duration newLease, Duration newHeartbeat, Duration newRescuer) {
        return new QueueConfig(
                tenantQuota,
                newLease,
                newHeartbeat,
                newRescuer,
                pollInterval,
                retry,
                retention,
                discardedRetention,
                retentionInterval,
                retentionBatchSize,
                vacuumInterval);
    }

    /** A copy with another poll interval. */
    public QueueConfig withPollInterval(Duration interval) {
        return new QueueConfig(
                tenantQuota,
                lease,
                heartbeatInterval,
                rescuerInterval,
                interval,
                retry,
                retention,
                discardedRetention,
                retentionInterval,
                retentionBatchSize,
                vacuumInterval);
    }

    /** A copy with another retry policy. */
    public QueueConfig withRetry(RetryPolicy policy) {
        return new QueueConfig(
                tenantQuota,
                lease,
                heartbeatInterval,
                rescuerInterval,
                pollInterval,
                policy,
                retention,
                discardedRetention,
                retentionInterval,
                retentionBatchSize,
                vacuumInterval);
    }

    /** A copy with other retention settings. */
    public QueueConfig withRetention(Duration kept, Duration discardedKept, Duration interval, int batchSize) {
        return new QueueConfig(
                tenantQuota,
                lease,
                heartbeatInterval,
                rescuerInterval,
                pollInterval,
                retry,
                kept,
                discardedKept,
                interval,
                batchSize,
                vacuumInterval);
    }

    /** A copy with another vacuum interval. */
    public QueueConfig withVacuumInterval(Duration interval) {
        return new QueueConfig(
                tenantQuota,
                lease,
                heartbeatInterval,
                rescuerInterval,
                pollInterval,
                retry,
                retention,
                discardedRetention,
                retentionInterval,
                retentionBatchSize,
                interval);
    }

    private static void atLeast(String name, Duration value, Duration min) {
        if (value == null || value.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
    }
}
