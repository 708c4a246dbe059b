package dev.kiln.platform.generations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.Platform;
import dev.kiln.platform.testing.TestDatabase;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A chunked video's plan: ranges, the parent's progress as the sum of its chunks', and exactly one last chunk. */
class VideoChunksTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String REQUEST = "{\"document\":{\"type\":\"svg\",\"svg\":\"<svg/>\"}}";

    private final Platform platform = Platform.create(db.dataSource(), new PlaceholderGenerationJobs());
    private final GenerationRuns runs = new GenerationRuns(db.dataSource());
    private final VideoChunks chunks = new VideoChunks(db.dataSource());

    private long processingVideo() {
        long userId =
                new ApiKeys(db.dataSource(), Clock.systemUTC(), 100).create("u").userId();
        long project = platform.projects().create(userId, "p").id();
        long scene = platform.scenes().create(userId, project, "s", REQUEST).id();
        Generation g = platform.generations()
                .submit(new Generations.Submit(userId, scene, REQUEST, 1, Optional.empty(), GenerationKind.VIDEO))
                .generation();
        assertThat(runs.begin(g.id(), 1)).isPresent();
        return g.id();
    }

    @Test
    void rangesAreEvenAndCoverEveryFrame() {
        assertThat(VideoChunks.split(60, 20))
                .containsExactly(
                        new VideoChunks.Range(0, 0, 20),
                        new VideoChunks.Range(1, 20, 20),
                        new VideoChunks.Range(2, 40, 20));
        List<VideoChunks.Range> odd = VideoChunks.split(61, 20);
        assertThat(odd).hasSize(4);
        assertThat(odd.stream().mapToInt(VideoChunks.Range::frames).sum()).isEqualTo(61);
        assertThat(odd.stream().mapToInt(VideoChunks.Range::frames).min().orElseThrow())
                .isEqualTo(15);
        assertThat(odd.get(3).startFrame() + odd.get(3).frames()).isEqualTo(61);
    }

    @Test
    void theVideosProgressIsTheFrameWeightedSumOfItsChunks() throws Exception {
        long id = processingVideo();
        try (Connection tx = db.dataSource().getConnection()) {
            chunks.plan(
                    tx,
                    id,
                    List.of(
                            new VideoChunks.Range(0, 0, 10),
                            new VideoChunks.Range(1, 10, 10),
                            new VideoChunks.Range(2, 20, 20)));
        }
        assertThat(chunks.begin(id, 0))
                .hasValueSatisfying(w -> assertThat(w.frames()).isEqualTo(10));
        assertThat(chunks.progress(id, 0, 100)).isTrue();
        assertThat(progress(id)).isEqualTo(10 * 90 / 40); // 22
        assertThat(chunks.progress(id, 2, 50)).isTrue();
        assertThat(progress(id)).isEqualTo((10 * 100 + 20 * 50) * 90 / 4000); // 45
        assertThat(chunks.progress(id, 2, 0))
                .as("a retried chunk starts again from 0")
                .isTrue();
        assertThat(progress(id)).isEqualTo(22);
    }

    @Test
    void exactlyOneCompletingChunkIsTheLastAndACancelledVideoStopsItsChunks() throws Exception {
        long id = processingVideo();
        try (Connection tx = db.dataSource().getConnection()) {
            chunks.plan(tx, id, VideoChunks.split(40, 20));
        }
        try (Connection tx = db.dataSource().getConnection()) {
            tx.setAutoCommit(false);
            assertThat(chunks.complete(tx, id, 1, "a".repeat(64) + ".mp4", 10))
                    .isEqualTo(VideoChunks.Completion.RECORDED);
            tx.commit();
        }
        try (Connection tx = db.dataSource().getConnection()) {
            tx.setAutoCommit(false);
            assertThat(chunks.complete(tx, id, 0, "b".repeat(64) + ".mp4", 10)).isEqualTo(VideoChunks.Completion.LAST);
            chunks.joinEnqueued(tx, id, 77);
            tx.commit();
        }
        try (Connection tx = db.dataSource().getConnection()) {
            tx.setAutoCommit(false);
            assertThat(chunks.complete(tx, id, 0, "b".repeat(64) + ".mp4", 10))
                    .as("a chunk run again after the join was enqueued")
                    .isEqualTo(VideoChunks.Completion.RECORDED);
            tx.commit();
        }
        assertThat(chunks.segments(id))
                .containsExactly(Optional.of("b".repeat(64) + ".mp4"), Optional.of("a".repeat(64) + ".mp4"));

        long other = processingVideo();
        try (Connection tx = db.dataSource().getConnection()) {
            chunks.plan(tx, other, VideoChunks.split(40, 20));
        }
        Generation g = platform.generations().get(userIdOf(other), other);
        platform.generations().cancel(g.userId(), other);
        assertThat(chunks.progress(other, 0, 10)).as("the chunk should stop").isFalse();
        assertThat(chunks.begin(other, 1)).isEmpty();
        try (Connection tx = db.dataSource().getConnection()) {
            assertThat(chunks.complete(tx, other, 0, "c".repeat(64) + ".mp4", 10))
                    .isEqualTo(VideoChunks.Completion.GONE);
        }
    }

    private int progress(long id) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                var ps = c.prepareStatement("SELECT progress FROM generations WHERE id = ?")) {
            ps.setLong(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private long userIdOf(long id) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                var ps = c.prepareStatement("SELECT user_id FROM generations WHERE id = ?")) {
            ps.setLong(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
