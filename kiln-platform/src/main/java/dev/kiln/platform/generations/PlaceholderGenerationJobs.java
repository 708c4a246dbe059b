package dev.kiln.platform.generations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A {@link GenerationJobs} that runs nothing, for tests of the platform alone: records each job in the platform's
 * {@code placeholder_jobs} table, in the caller's transaction, and returns that row's id. Generations stay
 * {@code queued} until cancelled; there is no pretend completion. The service itself uses kiln-worker's
 * {@code QueueGenerationJobs}.
 */
public final class PlaceholderGenerationJobs implements GenerationJobs {

    private static final String INSERT = "INSERT INTO placeholder_jobs (generation_id) VALUES (?) RETURNING id";
    private static final String CANCEL =
            "UPDATE placeholder_jobs SET canceled_at = now() WHERE id = ? AND canceled_at IS NULL";

    /** Creates the placeholder; it keeps no state of its own. */
    public PlaceholderGenerationJobs() {}

    @Override
    public long enqueue(Connection tx, GenerationJob job) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(INSERT)) {
            ps.setLong(1, job.generationId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void cancel(Connection tx, long jobId) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(CANCEL)) {
            ps.setLong(1, jobId);
            ps.executeUpdate();
        }
    }
}
