package dev.kiln.queue;

/**
 * Runs the jobs of one kind. Returning completes the job; throwing fails the attempt ({@link PermanentJobFailure}
 * fails it for good); a handler asked to stop sees {@link JobContext#isCancelled()}.
 *
 * <p>A handler may run more than once for one job (a worker died after its work but before its completion was
 * stored). Work that must happen exactly once goes into the same transaction as {@link JobContext#complete}.
 */
@FunctionalInterface
public interface JobHandler {

    /** Does the job's work. */
    void handle(JobContext ctx) throws Exception;
}
