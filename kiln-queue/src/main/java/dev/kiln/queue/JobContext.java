package dev.kiln.queue;

import java.sql.Connection;
import java.sql.SQLException;

/** What a running handler knows of its job, and how it reports progress, completes, or notices it should stop. */
public interface JobContext {

    /** Why a worker asked an attempt to stop. */
    enum CancelReason {
        /** {@link JobQueue#cancel} was called on the running job. */
        CANCEL_REQUESTED,
        /** The attempt ran past the job's timeout; it fails as a retryable timeout. */
        TIMEOUT,
        /** The worker no longer holds the lease (it was rescued); any report from this attempt is refused. */
        LEASE_LOST,
        /** The worker is shutting down and released the job back to the queue. */
        SHUTDOWN
    }

    /** The job's id. */
    long id();

    /** The job's kind, which chose this handler. */
    String kind();

    /** The tenant the job belongs to. */
    String tenant();

    /** The payload as JSON text. */
    String payload();

    /** This attempt's number, from 1. */
    int attempt();

    /** The attempts allowed in all. */
    int maxAttempts();

    /** The fencing token of this claim; every report of this attempt carries it. */
    long token();

    /** Whether the worker asked this attempt to stop; a cooperative handler checks it between steps. */
    boolean isCancelled();

    /** Why the worker asked this attempt to stop, or null while it has not. */
    CancelReason cancelReason();

    /** Throws {@link JobCancelledException} when {@link #isCancelled()}. */
    default void throwIfCancelled() {
        CancelReason reason = cancelReason();
        if (reason != null) {
            throw new JobCancelledException(id(), reason);
        }
    }

    /**
     * Stores progress (0-100) and a stage name, fenced by this attempt's token.
     *
     * @return false when this worker no longer holds the job (nothing was written)
     */
    boolean progress(int percent, String stage) throws SQLException;

    /**
     * Completes the job inside the caller's transaction {@code tx}, so the handler's own writes commit if and only if
     * the completion does. Call at most once, then commit {@code tx}.
     *
     * @return false when this attempt's token is stale (the job was rescued, released or cancelled); roll back then
     */
    boolean complete(Connection tx) throws SQLException;
}
