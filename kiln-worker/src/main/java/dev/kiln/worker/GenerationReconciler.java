package dev.kiln.worker;

import dev.kiln.platform.generations.Generations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails, and so refunds, the generations whose job ended without the handler saying so: a worker killed during the
 * last attempt leaves the job to the rescuer, which discards it once its attempts are spent, and the generation
 * would otherwise stay {@code processing} for ever; the same for a chunked video whose chunk or join job ended so. Each
 * pass then deletes the video segments no chunk uses ({@link SegmentReaper}). Runs every {@link #INTERVAL} on worker instances. The one place
 * that reads both the platform's and the queue's tables.
 */
public final class GenerationReconciler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationReconciler.class);

    /** How often orphaned generations are looked for: a small delay against the rescuer's own. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);

    /** At most this many generations are reconciled per pass, so one pass stays short. */
    static final int BATCH = 100;

    /**
     * A generation whose own job ended, or a chunked video one of whose chunk or join jobs ended, without the handler
     * failing it. The second half starts from the few jobs that ended so, through the chunk payload's generation.
     */
    private static final String ORPHANS = """
            SELECT g.id FROM generations g JOIN kiln_queue_jobs j ON j.id = g.job_id
             WHERE g.status IN ('queued', 'processing') AND j.state IN ('discarded', 'cancelled')
            UNION
            SELECT g.id FROM kiln_queue_jobs j JOIN generations g ON g.id = (j.payload ->> 'generationId')::bigint
             WHERE j.kind IN (?, ?) AND j.state IN ('discarded', 'cancelled') AND g.status = 'processing'
             LIMIT ?""";

    private final DataSource dataSource;
    private final Generations generations;
    private final SegmentReaper segments;
    private final ScheduledExecutorService scheduler;

    /**
     * A reconciler over {@code dataSource}, failing orphans through {@code generations} and deleting unused video
     * segments through {@code segments}.
     */
    public GenerationReconciler(DataSource dataSource, Generations generations, SegmentReaper segments) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.generations = Objects.requireNonNull(generations, "generations");
        this.segments = Objects.requireNonNull(segments, "segments");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("kiln-generation-reconciler")
                .daemon(true)
                .factory());
    }

    /** Starts the periodic pass. */
    public GenerationReconciler start() {
        scheduler.scheduleWithFixedDelay(
                this::safePass, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass; returns how many generations it failed. Public for tests and operators. */
    public int reconcileOnce() throws SQLException {
        List<Long> orphans = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(ORPHANS)) {
            ps.setString(1, QueueGenerationJobs.VIDEO_CHUNK);
            ps.setString(2, QueueGenerationJobs.VIDEO_JOIN);
            ps.setInt(3, BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    orphans.add(rs.getLong(1));
                }
            }
        }
        int failed = 0;
        for (long id : orphans) {
            if (generations.failPermanently(
                    id, "worker-lost", "the worker running this generation stopped and its attempts are spent")) {
                failed++;
            }
        }
        if (failed > 0) {
            LOG.warn("failed and refunded {} generation(s) whose job ended without a result", failed);
        }
        return failed;
    }

    private void safePass() {
        try {
            reconcileOnce();
            // After the failing above: a video failed this pass has its segments deleted in the same pass.
            segments.reapOnce();
        } catch (Exception e) {
            LOG.warn("generation reconciliation failed; retrying in {} s", INTERVAL.toSeconds(), e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
