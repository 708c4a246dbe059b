package dev.kiln.queue;

/** What {@link JobQueue#cancel} did. */
public enum CancelResult {
    /** The job was waiting and is now {@link JobState#CANCELLED}. */
    CANCELLED,
    /** The job is running; its worker sees the request on its next heartbeat and the handler is asked to stop. */
    CANCEL_REQUESTED,
    /** The job had already finished (completed, cancelled or discarded); nothing changed. */
    ALREADY_FINISHED,
    /** No such job (never enqueued, or pruned by retention). */
    NOT_FOUND
}
