package dev.kiln.worker;

import dev.kiln.platform.generations.GenerationJob;
import dev.kiln.platform.generations.GenerationJobs;
import dev.kiln.platform.generations.GenerationKind;
import dev.kiln.platform.generations.QueuedJobsQuotaException;
import dev.kiln.queue.JobQueue;
import dev.kiln.queue.JobRequest;
import dev.kiln.queue.Priority;
import dev.kiln.queue.QueueQuotaExceededException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/**
 * The platform's {@link GenerationJobs} on Kiln's job queue: a generation's job is enqueued in the same transaction
 * that inserts the generation and debits its credits, so there is no dual write. Tenant = user, so users share
 * workers fairly; user-submitted generations are interactive work.
 */
public final class QueueGenerationJobs implements GenerationJobs {
    /** The job kind of a still-image generation. */
    public static final String STILL = "generation.still";

    /** The job kind of a video generation. */
    public static final String VIDEO = "generation.video";

    /** The job kind of one frame range of a chunked video. */
    public static final String VIDEO_CHUNK = "generation.video.chunk";

    /** The job kind that joins a chunked video's segments. */
    public static final String VIDEO_JOIN = "generation.video.join";

    /**
     * Longest one video attempt may run, past which the queue fails it as a timeout; longer than the video's own
     * deadline ({@link VideoSettings#MAX_DEADLINE}), which kills its encoder and fails it with a clearer message first.
     */
    public static final Duration VIDEO_ATTEMPT_TIMEOUT = Duration.ofMinutes(16);

    /** Attempts of a generation's job: transient failures (a full render pool, a deadline) are retried. */
    public static final int MAX_ATTEMPTS = 3;

    /** Longest one attempt may run; a still render's own budget is far shorter (see {@link StillGenerationHandler}). */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(2);

    private final JobQueue queue;

    /** Enqueues on {@code queue}. */
    public QueueGenerationJobs(JobQueue queue) {
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public long enqueue(Connection tx, GenerationJob job) throws SQLException {
        boolean video = job.kind() == GenerationKind.VIDEO;
        JobRequest request = JobRequest.of(video ? VIDEO : STILL, tenant(job.userId()), payload(job.generationId()))
                .withPriority(Priority.INTERACTIVE)
                .withMaxAttempts(MAX_ATTEMPTS)
                .withTimeout(video ? VIDEO_ATTEMPT_TIMEOUT : ATTEMPT_TIMEOUT);
        try {
            return queue.enqueue(tx, request);
        } catch (QueueQuotaExceededException e) {
            throw new QueuedJobsQuotaException(e.quota());
        }
    }

    /** Enqueues chunk {@code chunk} of video {@code generationId} in {@code tx}, for {@code tenant}. */
    public long enqueueChunk(Connection tx, String tenant, long generationId, int chunk) throws SQLException {
        return queue.enqueue(
                tx, videoJob(VIDEO_CHUNK, tenant, "{\"generationId\":" + generationId + ",\"chunk\":" + chunk + "}"));
    }

    /** Enqueues the join of video {@code generationId} in {@code tx}, for {@code tenant}. */
    public long enqueueJoin(Connection tx, String tenant, long generationId) throws SQLException {
        return queue.enqueue(tx, videoJob(VIDEO_JOIN, tenant, payload(generationId)));
    }

    /**
     * A chunk's or join's job. They count against the tenant's quota like any job: a tenant at its quota fails the
     * planning attempt, which the queue retries.
     */
    private static JobRequest videoJob(String kind, String tenant, String payload) {
        return JobRequest.of(kind, tenant, payload)
                .withPriority(Priority.INTERACTIVE)
                .withMaxAttempts(MAX_ATTEMPTS)
                .withTimeout(VIDEO_ATTEMPT_TIMEOUT);
    }

    @Override
    public void cancel(Connection tx, long jobId) throws SQLException {
        queue.cancel(tx, jobId);
    }

    /** The queue tenant of a user's jobs (their fairness share and quota). */
    public static String tenant(long userId) {
        return Long.toString(userId);
    }

    static String payload(long generationId) {
        return "{\"generationId\":" + generationId + "}";
    }
}
