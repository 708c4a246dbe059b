package dev.kiln.queue;

import java.time.Duration;

/**
 * A snapshot of the queue for gauges: depth and the age of the oldest waiting job.
 *
 * @param available jobs due now and waiting for a worker
 * @param scheduled jobs waiting for a future {@code runAt} or the end of a retry backoff
 * @param running jobs claimed by a worker
 * @param oldestAvailableAge how long the oldest due job has been due; zero when none is
 */
public record QueueStats(long available, long scheduled, long running, Duration oldestAvailableAge) {}
