package dev.kiln.platform.assets;

import java.sql.Connection;
import java.sql.SQLException;

/** The seam to the job queue for thumbnails: enqueue inside the caller's transaction, so the asset and its job commit together. */
public interface AssetJobs {
    /**
     * Enqueues the thumbnail job of asset {@code assetId} (owned by {@code userId}) in {@code tx}; returns the job id.
     *
     * @throws dev.kiln.platform.generations.QueuedJobsQuotaException when the user has too many unfinished jobs
     */
    long enqueueThumbnail(Connection tx, long assetId, long userId) throws SQLException;
}
