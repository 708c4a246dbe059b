package dev.kiln.renderpool;

/**
 * Observes admissions and task outcomes (the metrics seam). Every admitted task gets exactly one {@link #finished}
 * call; {@link #started} is called only for tasks that actually run. Callbacks run on pool or caller threads, sometimes
 * under the pool's lock: they must be fast and must not block or call back into the pool. All methods default to no-op.
 */
public interface PoolListener {

    /** Listener outcome: the task returned a value before its deadline. */
    String OUTCOME_COMPLETED = "completed";
    /** Listener outcome: the task threw. */
    String OUTCOME_FAILED = "failed";
    /** Listener outcome: the task ran but its deadline passed before it returned. */
    String OUTCOME_TIMED_OUT = "timed_out";
    /** Listener outcome: the task ran but was cancelled (client gone or pool closing) before it returned. */
    String OUTCOME_CANCELLED = "cancelled";
    /** Listener outcome: the task was removed from the queue without running (expired, cancelled, or pool closed). */
    String OUTCOME_DROPPED = "dropped";

    /**
     * Listener outcome: the task overran its deadline plus grace and its worker was abandoned and replaced; the
     * thread is left to finish (or to be stopped by a restart) without holding a slot.
     */
    String OUTCOME_ABANDONED = "abandoned";

    /** A listener that ignores everything. */
    PoolListener NOOP = new PoolListener() {};

    /** A task was admitted to the queue. */
    default void admitted() {}

    /** A submission was refused. */
    default void rejected(RejectReason reason) {}

    /** A worker started a task after it waited {@code queuedNanos} in the queue. */
    default void started(long queuedNanos) {}

    /** An admitted task reached its terminal state; {@code serviceNanos} is 0 for dropped tasks. */
    default void finished(long serviceNanos, String outcome) {}
}
