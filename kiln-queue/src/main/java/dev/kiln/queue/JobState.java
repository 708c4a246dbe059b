package dev.kiln.queue;

import java.util.Locale;

/**
 * Where a job is in its life, after River's model; each constant names the component that moves a job into it. See
 * docs/queue.md for the diagram.
 *
 * <pre>
 * enqueue ─► AVAILABLE ─┐                      ┌─► COMPLETED   (worker: handler returned, or its tx completed)
 * enqueue ─► SCHEDULED ─┼─ claim ─► RUNNING ───┼─► RETRYABLE   (worker: failure or timeout, attempts left)
 *            RETRYABLE ─┘  (worker)            ├─► DISCARDED   (worker: attempts spent / permanent; rescuer)
 *                                              └─► CANCELLED   (worker: cancel requested; rescuer)
 *   AVAILABLE ◄── rescuer (lease expired) · worker shutdown (released, attempt refunded)
 *   AVAILABLE / SCHEDULED / RETRYABLE ──► CANCELLED (JobQueue.cancel)
 * </pre>
 */
public enum JobState {
    /**
     * Waiting to run now. Entered from {@link JobQueue#enqueue}, the rescuer ({@link Maintenance#RESCUER}: lease
     * expired) and a draining {@link Worker} (released, attempt refunded).
     */
    AVAILABLE,
    /** Waiting for its {@code runAt}. Entered from {@link JobQueue#enqueue}; a claim takes it once the time passed. */
    SCHEDULED,
    /** Claimed and leased by one worker. Entered only from the {@link Worker}'s claim (attempt + 1, new token). */
    RUNNING,
    /** Failed with attempts left, waiting out its backoff. Entered from the {@link Worker} (failure or timeout). */
    RETRYABLE,
    /** Finished successfully. Entered from the {@link Worker} (batched completion) or {@link JobContext#complete}. */
    COMPLETED,
    /**
     * Cancelled. Entered from {@link JobQueue#cancel} (when waiting), the {@link Worker} (when running and the handler
     * stopped) or the rescuer (a cancel-requested job whose lease expired).
     */
    CANCELLED,
    /**
     * The dead-letter state, with the last error kept. Entered from the {@link Worker} (attempts spent or a {@link
     * PermanentJobFailure}) or the rescuer (the lease of the last attempt expired).
     */
    DISCARDED;

    /** The value stored in {@code kiln_queue_jobs.state}. */
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the job is finished for good (and counts no more against its tenant's quota). */
    public boolean isFinished() {
        return this == COMPLETED || this == CANCELLED || this == DISCARDED;
    }

    /** The state stored as {@code value}. */
    public static JobState fromSql(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
