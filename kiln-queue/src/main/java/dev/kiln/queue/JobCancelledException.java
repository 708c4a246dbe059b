package dev.kiln.queue;

/** Thrown by {@link JobContext#throwIfCancelled()}: the worker no longer wants this attempt to go on. */
final class JobCancelledException extends RuntimeException {

    private final JobContext.CancelReason reason;

    /** An exception for a job stopped for {@code reason}. */
    public JobCancelledException(long jobId, JobContext.CancelReason reason) {
        super("job " + jobId + " stopped: " + reason);
        this.reason = reason;
    }

    /** Why the attempt was stopped. */
    public JobContext.CancelReason reason() {
        return reason;
    }
}
