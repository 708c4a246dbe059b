package dev.kiln.renderpool;

import java.time.Duration;

/**
 * A consistent point-in-time view of the pool, for metrics and readiness.
 *
 * @param workers fixed number of worker threads
 * @param queued admitted tasks waiting for a worker
 * @param running tasks occupying a worker, including ones whose waiter already got TimedOut or Cancelled
 * @param overdue running tasks past their deadline plus {@link PoolConfig#overdueGrace()} (wedged renders)
 * @param ewmaServiceTime smoothed service time of a task of {@link PoolConfig#REFERENCE_COST_UNITS}
 * @param draining whether the pool has stopped admitting
 * @param completed admitted tasks that reached a terminal state (any outcome, including dropped from the queue)
 * @param rejected submissions refused at admission (any reason)
 * @param abandoned workers given up on because their task overran its deadline plus grace, still running it
 * @param wedged abandoned workers still running past {@link PoolConfig#wedgeLimit()}, or overdue tasks that could not
 *     be abandoned because {@link PoolConfig#maxAbandoned()} was reached: either makes the pool not live
 */
public record PoolSnapshot(
        int workers,
        int queued,
        int running,
        int overdue,
        Duration ewmaServiceTime,
        boolean draining,
        long completed,
        long rejected,
        int abandoned,
        int wedged) {}
