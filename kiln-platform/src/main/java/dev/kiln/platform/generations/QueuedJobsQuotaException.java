package dev.kiln.platform.generations;

/** The user already has as many unfinished generations as the queue allows them (answered 429). */
public final class QueuedJobsQuotaException extends RuntimeException {
    private final int quota;

    /** The user is at {@code quota} unfinished jobs. */
    public QueuedJobsQuotaException(int quota) {
        super("at most " + quota + " generations may be queued or running at once");
        this.quota = quota;
    }

    /** The quota of unfinished jobs per user. */
    public int quota() {
        return quota;
    }
}
