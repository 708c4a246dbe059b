package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.generations.VideoChunks;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.video.VideoFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker process killed with {@code kill -9} while it renders two videos, one whole and one in chunks: the whole
 * video is made again by another worker process, the chunked one loses only its running chunk; both complete once,
 * are charged once and never refunded, are valid MP4s with every frame, and leave no encoder process, no work file
 * and no segment blob behind.
 */
class VideoCrashTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    /** Chunks of 60 frames: the whole video has 60 (so it is not chunked), the chunked one 600 (10 chunks). */
    static final int CHUNK_FRAMES = 60;

    static Path home;
    static Map<String, String> env = new HashMap<>();
    static Wiring api;
    static ApiClient http;
    WorkerProcesses workers;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("kiln-video-crash");
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_RATE_LIMIT", "0"); // polls as fast as it likes; rate limits have tests of their own
        env.put("KILN_HOME", home.toString());
        env.put("KILN_STORAGE_DIR", home.resolve("storage").toString());
        // One work directory for both worker processes, as on one machine: the second cleans up after the first.
        env.put("KILN_VIDEO_WORK_DIR", home.resolve("video-work").toString());
        env.put("KILN_VIDEO_CHUNK_FRAMES", Integer.toString(CHUNK_FRAMES));
        env.put("KILN_ROLE", "api");
        api = Wiring.start(KilnConfig.from(new Settings(env)));
        http = ApiClient.of(api);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.drainAndClose();
        }
    }

    @AfterEach
    void killWorkers() throws InterruptedException {
        if (workers != null) {
            workers.close();
        }
    }

    @Test
    void aWorkerKilledMidVideoLosesOnlyItsRunningWorkAndLeavesNothingBehind() throws Exception {
        workers = new WorkerProcesses(env, home, "video-crash");
        var user = api.apiKeys.create("vic");
        String key = user.token();
        long before = balance(key);
        // The chunked video has ten chunks and the whole one (60 frames: at the chunk size, so not chunked) is drawn at
        // 1920 wide, so that on a quiet machine too the two render at the same time (with three chunks and 960 wide,
        // the chunked one could be done before the whole one started, and the kill never came); both stay small
        // enough for a loaded machine.
        long chunkedScene = http.scene(key, VideoFixtures.scene(20_000, 30));
        long wholeScene = http.scene(key, VideoFixtures.scene(2_000, 30));
        JsonNode chunked =
                ApiClient.json(http.call(key, "POST", "/v1/scenes/" + chunkedScene + "/generations", mp4(640)), 202);
        JsonNode whole =
                ApiClient.json(http.call(key, "POST", "/v1/scenes/" + wholeScene + "/generations", mp4(1920)), 202);
        long chunkedId = chunked.get("id").longValue();
        long wholeId = whole.get("id").longValue();
        long charged = chunked.get("cost").longValue() + whole.get("cost").longValue();
        VideoChunks chunks = new VideoChunks(db.dataSource());

        Process first = workers.start("first");
        Awaitility.await()
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> rendering(key, wholeId)
                        && chunks.list(chunkedId).stream()
                                .anyMatch(
                                        c -> c.progress() > 0 && c.segmentKey().isEmpty()));
        // The encoders the worker runs: they must not outlive it.
        List<ProcessHandle> encoders = first.toHandle().descendants().toList();
        assertThat(encoders).as("ffmpeg children mid-render").isNotEmpty();
        WorkerProcesses.kill9(first);
        List<VideoChunks.Chunk> atKill = chunks.list(chunkedId);
        assertThat(status(key, wholeId)).as("the kill came mid-video").isEqualTo("processing");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(encoders)
                .as("no orphan encoder")
                .noneMatch(ProcessHandle::isAlive));

        workers.start("second");
        for (long id : List.of(wholeId, chunkedId)) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !status(key, id).equals("processing")
                            && !status(key, id).equals("queued"));
        }

        JsonNode w = get(key, wholeId);
        JsonNode c = get(key, chunkedId);
        assertThat(w.get("status").textValue()).as(w.toString()).isEqualTo("completed");
        assertThat(c.get("status").textValue()).as(c.toString()).isEqualTo("completed");
        assertThat(w.get("attempt").intValue())
                .as("the whole video was made again on the second worker")
                .isEqualTo(2);
        assertValidMp4(key, w, 1920, 1440, 60);
        assertValidMp4(key, c, 640, 480, 600);

        // Only the chunk that was running when the worker died ran again.
        List<VideoChunks.Chunk> after = chunks.list(chunkedId);
        assertThat(after).hasSize(10);
        for (VideoChunks.Chunk k : atKill) {
            int attempts = after.get(k.index()).attempts();
            if (k.segmentKey().isPresent()) {
                assertThat(attempts)
                        .as("chunk %d was done before the kill", k.index())
                        .isEqualTo(1);
            } else if (k.progress() > 0) {
                assertThat(attempts)
                        .as("chunk %d was killed mid-render", k.index())
                        .isEqualTo(2);
            }
        }

        // Completed once, charged once, refunded never.
        assertThat(count(
                        "SELECT count(*) FROM credit_ledger WHERE user_id = ? AND reason = 'generation'",
                        user.userId()))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM credit_ledger WHERE user_id = ? AND reason = 'refund'", user.userId()))
                .isZero();
        assertThat(balance(key)).isEqualTo(before - charged);
        assertThat(count("SELECT count(*) FROM kiln_queue_jobs WHERE state <> 'completed'"))
                .as("every job (parents, chunks, the join) completed")
                .isZero();
        assertThat(count("SELECT count(*) FROM kiln_queue_jobs WHERE kind = 'generation.video.join'"))
                .isEqualTo(1);

        // Nothing left behind: no work file (the dead worker's directory included), no segment, no stray blob.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(workFiles()).as("no temporary files").isEmpty();
            assertThat(blobs())
                    .as("storage holds the two videos' files and nothing else")
                    .isEqualTo(referenced(w, c));
        });
        assertThat(Files.exists(home.resolve("video-work").resolve(Long.toString(first.pid()))))
                .as("the dead worker's work directory was removed")
                .isFalse();
    }

    private static boolean rendering(String key, long id) throws Exception {
        JsonNode g = get(key, id);
        return g.get("status").textValue().equals("processing")
                && "rendering".equals(g.path("stage").textValue())
                && g.path("progress").intValue() >= 5;
    }

    private static String status(String key, long id) throws Exception {
        return get(key, id).get("status").textValue();
    }

    private static JsonNode get(String key, long id) throws Exception {
        return ApiClient.json(http.call(key, "GET", "/v1/generations/" + id, null), 200);
    }

    private static long balance(String key) throws Exception {
        return ApiClient.json(http.call(key, "GET", "/v1/credits", null), 200)
                .get("balance")
                .longValue();
    }

    private static String mp4(int width) {
        return "{\"output\":{\"format\":\"mp4\",\"width\":" + width + "}}";
    }

    private static void assertValidMp4(String key, JsonNode g, int width, int height, int frames) throws Exception {
        assertThat(g.get("output").get("frames").intValue()).isEqualTo(frames);
        byte[] mp4 = http.call(key, "GET", g.get("output").get("url").textValue(), null)
                .body();
        Path saved = Files.createTempFile("kiln-crash", ".mp4");
        try {
            Files.write(saved, mp4);
            JsonNode probe = VideoFixtures.probe(saved);
            assertThat(probe.path("codec_name").asText()).isEqualTo("h264");
            assertThat(probe.path("width").asInt()).isEqualTo(width);
            assertThat(probe.path("height").asInt()).isEqualTo(height);
            assertThat(probe.path("nb_read_frames").asInt()).isEqualTo(frames);
        } finally {
            Files.deleteIfExists(saved);
        }
    }

    /** Regular files under the shared video work directory. */
    private static List<Path> workFiles() throws Exception {
        try (Stream<Path> files = Files.walk(home.resolve("video-work"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /** The blobs in storage, by key. */
    private static Set<String> blobs() throws Exception {
        Path root = home.resolve("storage");
        try (Stream<Path> files = Files.walk(root)) {
            Set<String> keys = new HashSet<>();
            files.filter(Files::isRegularFile)
                    .filter(p -> !p.getParent().equals(root.resolve("tmp")))
                    .forEach(p -> keys.add(p.getFileName().toString()));
            return keys;
        }
    }

    /** The blobs completed generations {@code gs} serve: video, poster, thumbnail. */
    private static Set<String> referenced(JsonNode... gs) {
        Set<String> keys = new HashSet<>();
        for (JsonNode g : gs) {
            for (String url : List.of(
                    g.get("output").get("url").textValue(),
                    g.get("output").get("posterUrl").textValue(),
                    g.get("thumbnailUrl").textValue())) {
                keys.add(url.substring(url.lastIndexOf('/') + 1));
            }
        }
        return keys;
    }

    private static long count(String sql, Object... params) throws SQLException {
        return WorkerProcesses.count(db.dataSource(), sql, params);
    }
}
