package dev.kiln.queue;

/**
 * Thrown by a handler (or found in the cause chain of what it throws) when retrying cannot help, e.g. an invalid
 * payload: the job goes to {@link JobState#DISCARDED} at once, with this message as its last error.
 */
public class PermanentJobFailure extends RuntimeException {

    /** A permanent failure with a message for the job's error. */
    public PermanentJobFailure(String message) {
        super(message);
    }

    /** A permanent failure with a message and its cause. */
    public PermanentJobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
