package dev.kiln.queue;

/**
 * An enqueue would take a tenant past its quota of unfinished jobs; nothing was enqueued. The statement failed, so the
 * caller's transaction is aborted and must be rolled back; the API answers 429.
 */
public final class QueueQuotaExceededException extends RuntimeException {

    private final int quota;

    QueueQuotaExceededException(String tenants, int quota, Throwable cause) {
        super("queue quota of " + quota + " unfinished jobs exceeded for tenant " + tenants, cause);
        this.quota = quota;
    }

    /** The quota that was exceeded (jobs waiting or running per tenant). */
    public int quota() {
        return quota;
    }
}
