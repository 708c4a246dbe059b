package dev.kiln.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.Platform;
import dev.kiln.platform.assets.Asset;
import dev.kiln.platform.assets.Assets;
import dev.kiln.platform.generations.GenerationRuns;
import dev.kiln.platform.generations.GenerationStatus;
import dev.kiln.platform.generations.Generations;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The storage reaper deletes the blobs no live row references once their grace period has passed, from disk and from
 * {@code stored_files}, and nothing else (issue 8: the outputs a video stored just before it was cancelled stayed for
 * ever).
 */
class StorageReaperTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final String DOC =
            "{\"type\":\"svg\",\"svg\":\"<svg xmlns='http://www.w3.org/2000/svg'" + " width='4' height='4'/>\"}";
    static final String REQUEST = "{\"document\":" + DOC + ",\"output\":{\"format\":\"mp4\"}}";

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
    DataSource ds;
    Platform platform;
    GenerationRuns runs;
    Assets assets;
    LocalBlobStore store;
    StorageReaper reaper;
    long user;
    long scene;

    @BeforeEach
    void setUp() throws Exception {
        ds = db.dataSource();
        QueueSchema.migrate(ds);
        JobQueue queue = JobQueue.create(ds);
        platform = Platform.create(ds, new QueueGenerationJobs(queue));
        runs = new GenerationRuns(ds);
        assets = new Assets(ds, new QueueAssetJobs(queue));
        store = LocalBlobStore.open(Files.createTempDirectory("kiln-reaper"), now::get);
        reaper = new StorageReaper(ds, store, StorageReaperConfig.defaults(), now::get);
        user = new ApiKeys(ds, java.time.Clock.systemUTC(), 100)
                .create("u" + System.nanoTime())
                .userId();
        long project = platform.projects().create(user, "p").id();
        scene = platform.scenes().create(user, project, "s", DOC).id();
    }

    /** A video generation, processing (its attempt has begun). */
    long processingVideo() {
        long id = platform.generations()
                .submit(new Generations.Submit(user, scene, REQUEST, 1, Optional.empty()))
                .generation()
                .id();
        assertThat(runs.begin(id, 1)).isPresent();
        return id;
    }

    /** What {@link VideoGenerationHandler} stores before it records the output: the video, poster and thumbnail. */
    GenerationRuns.VideoOutput storeOutputs(String name) throws Exception {
        return new GenerationRuns.VideoOutput(
                file(put(name + " video", BlobType.MP4)),
                file(put(name + " poster", BlobType.PNG)),
                file(put(name + " thumbnail", BlobType.WEBP)),
                4,
                4,
                1_000,
                30,
                30);
    }

    BlobKey put(String content, BlobType type) throws Exception {
        return store.put(content.getBytes(StandardCharsets.UTF_8), type);
    }

    static GenerationRuns.StoredFile file(BlobKey key) {
        return new GenerationRuns.StoredFile(key.toString(), key.type().mediaType(), 1);
    }

    /** The handler's completion transaction; false when the generation was no longer processing. */
    boolean complete(long id, GenerationRuns.VideoOutput output) throws SQLException {
        try (Connection tx = ds.getConnection()) {
            tx.setAutoCommit(false);
            boolean done = runs.completeVideo(tx, id, output);
            tx.commit();
            return done;
        }
    }

    static List<BlobKey> keys(GenerationRuns.VideoOutput o) {
        return List.of(
                BlobKey.parse(o.video().key()).orElseThrow(),
                BlobKey.parse(o.poster().key()).orElseThrow(),
                BlobKey.parse(o.thumbnail().key()).orElseThrow());
    }

    boolean stored(BlobKey key) throws Exception {
        return store.size(key).isPresent();
    }

    long grants(BlobKey key) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM stored_files WHERE key = ?")) {
            ps.setString(1, key.toString());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void deletesTheOutputsOfACancelledVideoAndWhatNothingReferencesOnceTheGracePeriodHasPassed() throws Exception {
        // A completed video: its three files are referenced by the generation.
        long completed = processingVideo();
        GenerationRuns.VideoOutput kept = storeOutputs("completed");
        assertThat(complete(completed, kept)).isTrue();

        // A video cancelled after its handler stored the outputs: the completion finds it cancelled and records
        // nothing, so no row references the three files.
        long cancelled = processingVideo();
        GenerationRuns.VideoOutput orphaned = storeOutputs("cancelled");
        assertThat(platform.generations().cancel(user, cancelled).status()).isEqualTo(GenerationStatus.CANCELED);
        assertThat(complete(cancelled, orphaned)).isFalse();

        // An asset (its original referenced by the asset row), and a deleted asset whose read grant outlived it.
        BlobKey assetFile = put("an uploaded image", BlobType.PNG);
        Asset asset = assets.create(new Assets.NewAsset(user, "image/png", 17, 4, 4, assetFile.toString()));
        BlobKey deletedFile = put("a deleted upload", BlobType.PNG);
        Asset gone = assets.create(new Assets.NewAsset(user, "image/png", 16, 4, 4, deletedFile.toString()));
        assets.delete(user, gone.id());
        assertThat(grants(deletedFile)).isEqualTo(1);

        // A chunk segment recorded before its blob was written: the segment reaper's to delete, never this one's.
        long chunked = processingVideo();
        BlobKey segment = BlobKey.of("a segment".getBytes(StandardCharsets.UTF_8), BlobType.MP4);
        new SegmentReaper(ds, store).intend(chunked, 0, segment, 1, 1);
        assertThat(put("a segment", BlobType.MP4)).isEqualTo(segment);

        // Before the grace period has passed nothing goes, referenced or not.
        assertThat(reaper.reapOnce().deleted()).isZero();

        now.set(now.get().plus(StorageReaperConfig.DEFAULT_GRACE).plus(Duration.ofMinutes(1)));
        // Written just now by a job that has not recorded its reference yet.
        BlobKey fresh = put("just rendered", BlobType.PNG);

        StorageReaper.Pass pass = reaper.reapOnce();

        for (BlobKey k : keys(orphaned)) {
            assertThat(stored(k)).as("cancelled video's %s", k).isFalse();
        }
        assertThat(stored(deletedFile)).isFalse();
        assertThat(grants(deletedFile)).as("its stored_files row").isZero();
        for (BlobKey k : keys(kept)) {
            assertThat(stored(k)).as("completed video's %s", k).isTrue();
            assertThat(grants(k)).isEqualTo(1);
        }
        assertThat(stored(assetFile)).isTrue();
        assertThat(grants(assetFile)).isEqualTo(1);
        assertThat(stored(segment)).isTrue();
        assertThat(stored(fresh)).isTrue();
        assertThat(pass).isEqualTo(new StorageReaper.Pass(4, pass.bytes(), 5, 1, 1));
        assertThat(assets.get(user, asset.id()).fileKey()).isEqualTo(assetFile.toString());

        // A second pass finds nothing more to do.
        assertThat(reaper.reapOnce().deleted()).isZero();
    }

    @Test
    void bytesPutAgainAfterTheyBecameGarbageStartTheirGracePeriodAfresh() throws Exception {
        // A cancelled video's output...
        long cancelled = processingVideo();
        GenerationRuns.VideoOutput first = storeOutputs("same frames");
        platform.generations().cancel(user, cancelled);
        assertThat(complete(cancelled, first)).isFalse();

        // ...rendered again, byte for byte, by another generation long after: content addressing makes its put a
        // touch, and the reaper must not delete the bytes before the new generation records them.
        now.set(now.get().plus(StorageReaperConfig.DEFAULT_GRACE).plus(Duration.ofMinutes(1)));
        long again = processingVideo();
        GenerationRuns.VideoOutput second = storeOutputs("same frames");
        assertThat(second).isEqualTo(first);

        assertThat(reaper.reapOnce().deleted()).isZero();
        assertThat(complete(again, second)).isTrue();
        for (BlobKey k : keys(second)) {
            assertThat(stored(k)).isTrue();
        }
    }

    @Test
    void theGracePeriodMustCoverTheLongestAttempt() {
        assertThatThrownBy(() -> new StorageReaperConfig(Duration.ofMinutes(1), Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("grace must be at least the video attempt timeout");
        assertThatThrownBy(() -> new StorageReaperConfig(Duration.ZERO, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interval must be at least");
    }
}
