package dev.kiln.worker;

import dev.kiln.platform.assets.AssetJobs;
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
 * The platform's {@link AssetJobs} on Kiln's job queue: an upload's thumbnail job is enqueued in the transaction that
 * records the asset. Tenant = user; thumbnails are background work ({@link Priority#BATCH}), so interactive
 * generations go first.
 */
public final class QueueAssetJobs implements AssetJobs {
    /** The job kind of an asset's thumbnail. */
    public static final String THUMBNAIL = "asset.thumbnail";

    /** Attempts of a thumbnail job: a full render pool is retried; an image that does not decode fails at once. */
    public static final int MAX_ATTEMPTS = 3;

    /** Longest one attempt may run. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(1);

    private final JobQueue queue;

    /** Enqueues on {@code queue}. */
    public QueueAssetJobs(JobQueue queue) {
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public long enqueueThumbnail(Connection tx, long assetId, long userId) throws SQLException {
        JobRequest request = JobRequest.of(THUMBNAIL, Long.toString(userId), "{\"assetId\":" + assetId + "}")
                .withPriority(Priority.BATCH)
                .withMaxAttempts(MAX_ATTEMPTS)
                .withTimeout(ATTEMPT_TIMEOUT);
        try {
            return queue.enqueue(tx, request);
        } catch (QueueQuotaExceededException e) {
            throw new QueuedJobsQuotaException(e.quota());
        }
    }
}
