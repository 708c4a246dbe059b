package dev.kiln.renderpool;

import java.time.Duration;

/**
 * Decides admission from a {@link Load}: a pure function (no locks, no clock), kept apart from the pool that enforces
 * it. See {@code docs/capacity-model.md} for the formula.
 */
final class AdmissionPolicy {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** The shortest {@code Retry-After}: HTTP counts in whole seconds and zero would invite an instant retry storm. */
    static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

    private AdmissionPolicy() {}

    /**
     * The pool's state at one instant.
     *
     * @param workers fixed worker count
     * @param queueCapacity tasks allowed to wait beyond idle workers
     * @param queued tasks in the queue
     * @param reserved slots held for tasks being validated ({@link Reservation}); they count as queued slots only
     * @param queuedCostUnits total cost of the queued tasks
     * @param running tasks occupying a worker
     * @param runningRemainingNanos predicted remaining service of the running tasks, each at least zero
     * @param overdue running tasks past deadline plus grace: their workers are treated as lost
     * @param draining whether the pool admits nothing new
     * @param nanosPerUnit current service-time estimate per cost unit
     */
    record Load(
            int workers,
            int queueCapacity,
            int queued,
            int reserved,
            long queuedCostUnits,
            int running,
            long runningRemainingNanos,
            int overdue,
            boolean draining,
            double nanosPerUnit) {

        int idleWorkers() {
            return Math.max(0, workers - running);
        }

        /**
         * Full when every idle worker already has a queued (or reserved) task and the queue proper holds its
         * capacity.
         */
        boolean queueFull() {
            return queued + reserved >= queueCapacity + idleWorkers();
        }

        /** Predicted time until a task submitted now would start. */
        long waitNanos() {
            if (queued < idleWorkers()) {
                // A worker is free for it right now; the fluid average below would charge it for others' work.
                return 0;
            }
            int effectiveWorkers = Math.max(1, workers - overdue);
            double ahead = queuedCostUnits * nanosPerUnit + runningRemainingNanos;
            return Math.round(ahead / effectiveWorkers);
        }
    }

    /**
     * The verdict for one task.
     *
     * @param reason why it is refused, or null when admitted
     * @param waitNanos predicted queue wait before it would start
     * @param serviceNanos predicted service time of the task itself
     */
    record Decision(RejectReason reason, long waitNanos, long serviceNanos) {

        boolean admitted() {
            return reason == null;
        }

        /** Time for the queue ahead to drain, rounded up to whole seconds, at least {@link #MIN_RETRY_AFTER}. */
        Duration retryAfter() {
            return AdmissionPolicy.retryAfter(waitNanos);
        }
    }

    static Decision decide(Load load, long costUnits, long budgetNanos) {
        long wait = load.waitNanos();
        long service = Math.round(costUnits * load.nanosPerUnit());
        RejectReason reason = null;
        if (load.draining()) {
            reason = RejectReason.DRAINING;
        } else if (service > budgetNanos) {
            // Before QUEUE_FULL: whatever the load, this budget cannot hold this task, and a 429 would invite a
            // retry that fails the same way.
            reason = RejectReason.BUDGET_TOO_SMALL;
        } else if (load.queueFull()) {
            reason = RejectReason.QUEUE_FULL;
        } else if ((double) wait + service > budgetNanos) {
            // Doubles: wait and service may each be near Long.MAX_VALUE when the estimate explodes.
            reason = RejectReason.DEADLINE;
        }
        return new Decision(reason, wait, service);
    }

    static Duration retryAfter(long waitNanos) {
        long seconds = waitNanos / NANOS_PER_SECOND + (waitNanos % NANOS_PER_SECOND > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(MIN_RETRY_AFTER.toSeconds(), seconds));
    }
}
