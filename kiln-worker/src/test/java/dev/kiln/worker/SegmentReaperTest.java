package dev.kiln.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.Platform;
import dev.kiln.platform.generations.GenerationRuns;
import dev.kiln.platform.generations.GenerationStatus;
import dev.kiln.platform.generations.Generations;
import dev.kiln.platform.generations.VideoChunks;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.queue.JobQueue;
import dev.kiln.queue.QueueSchema;
import dev.kiln.storage.BlobKey;
import dev.kiln.storage.BlobType;
import dev.kiln.storage.LocalBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Segments of chunks that nothing will use are deleted, and no segment that may still be used: a retried chunk's
 * superseded segment, the segments of a cancelled or failed video and of a joined one go; a running attempt's segment
 * and a processing video's recorded segments stay, also when another video's chunk has the same bytes.
 */
class SegmentReaperTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final String DOC =
            "{\"type\":\"svg\",\"svg\":\"<svg xmlns='http://www.w3.org/2000/svg'" + " width='4' height='4'/>\"}";
    static final String REQUEST = "{\"document\":" + DOC + ",\"output\":{\"format\":\"mp4\"}}";

    DataSource ds;
    JobQueue queue;
    QueueGenerationJobs jobs;
    Platform platform;
    VideoChunks chunks;
    LocalBlobStore store;
    SegmentReaper reaper;
    long user;
    long scene;

    @BeforeEach
    void setUp() throws Exception {
        ds = db.dataSource();
        QueueSchema.migrate(ds);
        queue = JobQueue.create(ds);
        jobs = new QueueGenerationJobs(queue);
        platform = Platform.create(ds, jobs);
        chunks = new VideoChunks(ds);
        store = LocalBlobStore.open(Files.createTempDirectory("kiln-segments"));
        reaper = new SegmentReaper(ds, store);
        user = new ApiKeys(ds, java.time.Clock.systemUTC(), 100)
                .create("u" + System.nanoTime())
                .userId();
        long project = platform.projects().create(user, "p").id();
        scene = platform.scenes().create(user, project, "s", DOC).id();
    }

    /** A processing video of two chunks; returns its id. */
    long video() throws SQLException {
        long id = platform.generations()
                .submit(new Generations.Submit(user, scene, REQUEST, 1, Optional.empty()))
                .generation()
                .id();
        new GenerationRuns(ds).begin(id, 1);
        try (Connection tx = ds.getConnection()) {
            chunks.plan(tx, id, VideoChunks.split(40, 20));
        }
        return id;
    }

    /** Chunk {@code index}'s job, claimed under {@code token} (what a worker's claim sets). */
    long claimedChunkJob(long id, int index, long token) throws SQLException {
        long job;
        try (Connection tx = ds.getConnection()) {
            job = jobs.enqueueChunk(tx, Long.toString(user), id, index);
        }
        claim(job, token);
        return job;
    }

    void claim(long job, long token) throws SQLException {
        update(
                "UPDATE kiln_queue_jobs SET state = 'running', attempt = attempt + 1, token = ? WHERE id = ?",
                token,
                job);
    }

    /** One attempt storing {@code content} as chunk {@code index}'s segment, as {@link VideoChunkHandler} does. */
    BlobKey store(long id, int index, long job, long token, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        BlobKey key = BlobKey.of(bytes, BlobType.MP4);
        reaper.intend(id, index, key, job, token);
        assertThat(store.put(bytes, BlobType.MP4)).isEqualTo(key);
        return key;
    }

    /** The attempt's completion: the segment recorded and the job completed in one transaction. */
    void complete(long id, int index, long job, BlobKey key) throws SQLException {
        try (Connection tx = ds.getConnection()) {
            tx.setAutoCommit(false);
            chunks.complete(tx, id, index, key.toString(), 1);
            try (PreparedStatement ps = tx.prepareStatement(
                    "UPDATE kiln_queue_jobs SET state = 'completed', finished_at = now() WHERE id = ?")) {
                ps.setLong(1, job);
                ps.executeUpdate();
            }
            tx.commit();
        }
    }

    boolean stored(BlobKey key) throws Exception {
        return store.size(key).isPresent();
    }

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    @Test
    void aRetriedChunksSupersededSegmentIsDeletedAndTheOneInUseKept() throws Exception {
        long id = video();
        long job = claimedChunkJob(id, 0, 11);
        BlobKey dead = store(id, 0, job, 11, "attempt 1");
        assertThat(reaper.reapOnce()).as("its attempt still runs").isZero();
        assertThat(stored(dead)).isTrue();

        // The worker dies before recording the segment; the rescuer hands the job to another worker.
        update("UPDATE kiln_queue_jobs SET state = 'available', token = NULL WHERE id = ?", job);
        claim(job, 12);
        BlobKey used = store(id, 0, job, 12, "attempt 2");
        complete(id, 0, job, used);

        assertThat(reaper.reapOnce()).isEqualTo(1);
        assertThat(stored(dead)).as("the dead attempt's segment").isFalse();
        assertThat(stored(used))
                .as("the recorded segment of a processing video")
                .isTrue();
        assertThat(reaper.reapOnce()).as("nothing twice").isZero();
    }

    @Test
    void aCancelledVideosSegmentsAreDeletedButNotBytesAnotherVideoStillUses() throws Exception {
        long cancelled = video();
        long other = video();
        long a = claimedChunkJob(cancelled, 0, 21);
        BlobKey shared = store(cancelled, 0, a, 21, "the same frames");
        complete(cancelled, 0, a, shared);
        long b = claimedChunkJob(cancelled, 1, 22);
        BlobKey own = store(cancelled, 1, b, 22, "chunk 1 of the cancelled video");
        complete(cancelled, 1, b, own);
        long c = claimedChunkJob(other, 0, 23);
        assertThat(store(other, 0, c, 23, "the same frames")).isEqualTo(shared);
        complete(other, 0, c, shared);

        assertThat(platform.generations().cancel(user, cancelled).status()).isEqualTo(GenerationStatus.CANCELED);
        assertThat(reaper.reapOnce()).isEqualTo(1);
        assertThat(stored(own)).isFalse();
        assertThat(stored(shared))
                .as("the other video's chunk uses the same bytes")
                .isTrue();

        assertThat(platform.generations().failPermanently(other, "render-failed", "chunk 1: broken"))
                .isTrue();
        assertThat(reaper.reapOnce()).isEqualTo(1);
        assertThat(stored(shared)).as("a failed video uses nothing").isFalse();
        assertThat(count("SELECT count(*) FROM video_segments WHERE generation_id IN (" + cancelled + ", " + other
                        + ")"))
                .as("their records are gone with the blobs")
                .isZero();
    }

    @Test
    void aJoinedVideosSegmentsGoWithItsReapAndNoOtherVideos() throws Exception {
        long joined = video();
        long running = video();
        List<BlobKey> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            long job = claimedChunkJob(joined, i, 30 + i);
            BlobKey k = store(joined, i, job, 30 + i, "segment " + i);
            complete(joined, i, job, k);
            keys.add(k);
        }
        long job = claimedChunkJob(running, 0, 40);
        BlobKey inFlight = store(running, 0, job, 40, "in flight");
        update("UPDATE generations SET status = 'completed', finished_at = now() WHERE id = ?", joined);

        assertThat(reaper.reap(joined)).isEqualTo(2);
        assertThat(stored(keys.get(0))).isFalse();
        assertThat(stored(keys.get(1))).isFalse();
        assertThat(stored(inFlight)).isTrue();
        assertThat(reaper.reapOnce())
                .as("an attempt that still runs keeps its segment")
                .isZero();
    }

    @Test
    void aChunkJobDiscardedAfterItsLastAttemptFailsItsVideo() throws Exception {
        long id = video();
        long job = claimedChunkJob(id, 1, 50);
        BlobKey orphan = store(id, 1, job, 50, "half a chunk");
        // What the rescuer does once the dead worker's chunk job has spent its attempts.
        update("UPDATE kiln_queue_jobs SET state = 'discarded', finished_at = now() WHERE id = ?", job);

        GenerationReconciler reconciler = new GenerationReconciler(ds, platform.generations(), reaper);
        assertThat(reconciler.reconcileOnce()).isEqualTo(1);
        assertThat(platform.generations().get(user, id).status()).isEqualTo(GenerationStatus.FAILED);
        assertThat(reconciler.reconcileOnce()).as("nothing twice").isZero();
        assertThat(reaper.reapOnce()).isEqualTo(1);
        assertThat(stored(orphan)).isFalse();
    }

    private void update(String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
