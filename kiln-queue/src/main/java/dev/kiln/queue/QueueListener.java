package dev.kiln.queue;

import java.time.Duration;

/**
 * The queue's one seam to metrics: counts of what happened, called on the queue's threads. Implementations must be
 * quick and must not throw. Depth and the oldest job's age are queried with {@link JobQueue#stats()}.
 */
public interface QueueListener {

    /** A listener that ignores everything. */
    QueueListener NOOP = new QueueListener() {};

    /** A worker claimed {@code jobs} jobs in one statement. */
    default void claimed(int jobs) {}

    /** A claim (its whole transaction) took {@code took}, whether or not it found jobs. */
    default void claimTook(Duration took) {}

    /** The LISTEN connection received notifications and woke the local workers. */
    default void notified() {}

    /** {@code jobs} jobs completed. */
    default void completed(int jobs) {}

    /** A failed attempt of a {@code kind} job will be retried after {@code delay}. */
    default void retried(String kind, int attempt, Duration delay) {}

    /** A {@code kind} job went to the dead-letter state after {@code attempt} attempts. */
    default void discarded(String kind, int attempt) {}

    /** {@code jobs} jobs were cancelled. */
    default void cancelled(int jobs) {}

    /** The rescuer returned {@code returned} jobs of dead workers to the queue and discarded {@code discarded}. */
    default void rescued(int returned, int discarded) {}

    /** A draining worker released {@code jobs} unfinished jobs back to the queue. */
    default void released(int jobs) {}

    /** {@code refused} reports (heartbeat, progress, outcome) carried a stale fencing token and changed nothing. */
    default void staleReports(int refused) {}

    /** A maintenance service ran, affecting {@code rows} rows, in {@code took}. */
    default void maintenanceRan(String service, int rows, Duration took) {}
}
