package dev.kiln.platform.generations;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The platform's seam to the job queue. Both calls run inside the caller's transaction, so a generation, its debit
 * and its job commit together or not at all (no dual write). kiln-queue implements it once it is wired; until then
 * {@link PlaceholderGenerationJobs} does.
 */
public interface GenerationJobs {

    /** Enqueues {@code job} in {@code tx} and returns the queue's id for it. */
    long enqueue(Connection tx, GenerationJob job) throws SQLException;

    /** Cancels job {@code jobId} in {@code tx}: a queued job is never claimed, a running one is told to stop. */
    void cancel(Connection tx, long jobId) throws SQLException;
}
