package dev.kiln.worker;

import dev.kiln.storage.BlobStore;
import dev.kiln.storage.StoredBlob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@value #NAME}, a maintenance service every {@link StorageReaperConfig#interval()}: mark and sweep of the blob
 * store. Mark: every key a live row references ({@link #REFERENCED}: generation outputs, posters and thumbnails,
 * asset originals and thumbnails, recorded video segments and the segments of processing videos). Sweep: every blob
 * that no such row references and that was last stored more than {@link StorageReaperConfig#grace()} ago is deleted
 * ({@link BlobStore#deleteIfStoredBefore}), and so are its {@code stored_files} rows. The outputs of a generation
 * cancelled or failed after its put, an asset's file after the asset is deleted, anything a crashed writer stored and
 * never recorded: all go after the grace period. Why the grace period makes this safe against a writer that has put
 * but not yet committed its reference: docs/storage.md, "The storage reaper". Safe on every instance at once.
 */
public final class StorageReaper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageReaper.class);

    /** The service's name, in its thread and its log lines. */
    public static final String NAME = "storage-reaper";

    /** Most keys whose {@code stored_files} rows one statement deletes. */
    static final int FORGET_BATCH = 1_000;

    /**
     * Every key a live row references. Outputs are stored as {@code /v1/files/<key>} URLs; segments of chunked videos
     * are {@link SegmentReaper}'s to delete, so every recorded one counts, as does a processing video's chunk's.
     */
    static final String REFERENCED = """
            SELECT substr(output ->> 'url', 11) FROM generations WHERE output ->> 'url' LIKE '/v1/files/%'
            UNION ALL
            SELECT substr(output ->> 'posterUrl', 11) FROM generations WHERE output ->> 'posterUrl' LIKE '/v1/files/%'
            UNION ALL
            SELECT substr(thumbnail_url, 11) FROM generations WHERE thumbnail_url LIKE '/v1/files/%'
            UNION ALL
            SELECT file_key FROM assets
            UNION ALL
            SELECT thumbnail_key FROM assets WHERE thumbnail_key IS NOT NULL
            UNION ALL
            SELECT segment_key FROM video_segments
            UNION ALL
            SELECT c.segment_key FROM video_chunks c JOIN generations g ON g.id = c.generation_id
             WHERE c.segment_key IS NOT NULL AND g.status = 'processing'""";

    /**
     * The read grants of deleted blobs, unless a reference committed since the mark (then the writer's put came after
     * the sweep's delete and stored the bytes again). Parameter: keys (text[]).
     */
    private static final String FORGET = """
            DELETE FROM stored_files
             WHERE key = ANY (?::text[])
               AND key NOT IN (%s)""".formatted(REFERENCED);

    /**
     * What one pass did.
     *
     * @param deleted blobs deleted
     * @param bytes their bytes
     * @param referenced blobs kept because a row references them
     * @param young unreferenced blobs kept because they were stored within the grace period
     * @param forgotten {@code stored_files} rows deleted
     */
    public record Pass(int deleted, long bytes, int referenced, int young, int forgotten) {}

    private final DataSource dataSource;
    private final BlobStore store;
    private final StorageReaperConfig config;
    private final InstantSource clock;
    private ScheduledExecutorService scheduler;

    /** A reaper of {@code store}, whose references live in {@code dataSource}; the grace period reads {@code clock}. */
    public StorageReaper(DataSource dataSource, BlobStore store, StorageReaperConfig config, InstantSource clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Schedules the pass every {@link StorageReaperConfig#interval()}. */
    public synchronized StorageReaper start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("kiln-" + NAME).daemon(true).factory());
            long nanos = config.interval().toNanos();
            scheduler.scheduleWithFixedDelay(this::safePass, nanos, nanos, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    /** One pass: mark, then sweep. Public for tests and operators. */
    public Pass reapOnce() throws SQLException, IOException {
        // The cutoff is read before the mark: a reference committed after the mark was recorded after its put, and that
        // put was within the grace period of this instant (see docs/storage.md).
        Instant cutoff = clock.instant().minus(config.grace());
        Set<String> marked = mark();
        List<StoredBlob> doomed = new ArrayList<>();
        int referenced = 0;
        int young = 0;
        try (Stream<StoredBlob> blobs = store.list()) {
            for (StoredBlob b : (Iterable<StoredBlob>) blobs::iterator) {
                if (marked.contains(b.key().toString())) {
                    referenced++;
                } else if (!b.storedAt().isBefore(cutoff)) {
                    young++;
                } else {
                    doomed.add(b);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        List<String> deleted = new ArrayList<>();
        long bytes = 0;
        for (StoredBlob b : doomed) {
            // Checks the stored time again, atomically with the delete: a put of the same bytes since the listing
            // keeps the blob.
            if (store.deleteIfStoredBefore(b.key(), cutoff)) {
                deleted.add(b.key().toString());
                bytes += b.bytes();
            } else {
                young++;
            }
        }
        int forgotten = forget(deleted);
        Pass pass = new Pass(deleted.size(), bytes, referenced, young, forgotten);
        if (!deleted.isEmpty()) {
            LOG.info(
                    "{}: deleted {} blob(s) ({} bytes) that nothing references, stored before {}; kept {} referenced,"
                            + " {} within the grace period",
                    NAME,
                    pass.deleted(),
                    pass.bytes(),
                    cutoff,
                    pass.referenced(),
                    pass.young());
        }
        return pass;
    }

    private Set<String> mark() throws SQLException {
        Set<String> keys = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(REFERENCED);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    private int forget(List<String> keys) throws SQLException {
        int rows = 0;
        for (int from = 0; from < keys.size(); from += FORGET_BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + FORGET_BATCH));
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement(FORGET)) {
                ps.setArray(1, c.createArrayOf("text", batch.toArray()));
                rows += ps.executeUpdate();
            }
        }
        return rows;
    }

    private void safePass() {
        try {
            reapOnce();
        } catch (Exception e) {
            LOG.warn("{} failed; retrying in {}", NAME, config.interval(), e);
        }
    }

    /** Stops the schedule (a pass already running is interrupted). */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
