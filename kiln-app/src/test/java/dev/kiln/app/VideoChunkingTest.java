package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.generations.VideoChunks;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.storage.BlobKey;
import dev.kiln.video.Ffmpeg;
import dev.kiln.video.VideoFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A video longer than {@code KILN_VIDEO_CHUNK_FRAMES} renders as frame-range child jobs joined without re-encoding:
 * the MP4 has every frame, a chunk whose encoder fails once is retried alone, and the segments are gone after.
 */
class VideoChunkingTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static Wiring wiring;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("kiln-home");
        Ffmpeg real = VideoFixtures.ffmpeg();
        // The real ffmpeg, except that the first encoder of chunk 1 fails.
        Path wrapper = home.resolve("ffmpeg");
        Path marker = home.resolve("chunk-1-failed-once");
        StringBuilder env = new StringBuilder();
        real.environment()
                .forEach((k, v) -> env.append(k).append("='").append(v).append("' "));
        Files.writeString(wrapper, """
                #!/bin/sh
                for a in "$@"; do
                  if [ "$a" = segment-1.mp4 ] && [ ! -e '%s' ]; then
                    touch '%s'
                    echo "simulated failure of chunk 1" >&2
                    exit 1
                  fi
                done
                %s
                exec '%s' "$@"
                """.formatted(marker, marker, env.isEmpty() ? "" : "export " + env, real.ffmpeg()));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> e = new HashMap<>();
        e.put("KILN_PORT", "0");
        e.put("KILN_DB_NAME", db.config().database());
        e.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        e.put("KILN_RATE_LIMIT", "0"); // polls as fast as it likes; rate limits have tests of their own
        e.put("KILN_HOME", home.toString());
        e.put("KILN_RENDER_WORKERS", "4");
        e.put("KILN_FFMPEG", wrapper.toString());
        e.put("KILN_VIDEO_CHUNK_FRAMES", "20");
        wiring = Wiring.start(KilnConfig.from(new Settings(e)));
        VideoPipelineTest.wiring = wiring;
        VideoPipelineTest.base = "http://127.0.0.1:" + wiring.server.port();
        VideoPipelineTest.key = wiring.apiKeys.create("cho").token();
        VideoPipelineTest.project = VideoPipelineTest.json(
                        VideoPipelineTest.call("POST", "/v1/projects", "{\"name\":\"long\"}", Map.of()), 201)
                .get("id")
                .longValue();
    }

    @AfterAll
    static void stop() {
        if (wiring != null) {
            wiring.drainAndClose();
        }
    }

    @Test
    void aLongVideoRendersInChunksJoinedWithoutReencodingAndAFailedChunkIsRetriedAlone() throws Exception {
        long scene = VideoPipelineTest.scene(VideoFixtures.scene(2000, 30));
        JsonNode g = VideoPipelineTest.json(
                VideoPipelineTest.call(
                        "POST", "/v1/scenes/" + scene + "/generations", "{\"output\":{\"format\":\"mp4\"}}", Map.of()),
                202);
        long id = g.get("id").longValue();
        JsonNode done = VideoPipelineTest.awaitStatus("/v1/generations/" + id, "completed");
        JsonNode out = done.get("output");
        assertThat(out.get("frames").intValue()).isEqualTo(60);
        assertThat(out.get("durationMs").longValue()).isEqualTo(2000);
        assertThat(done.get("progress").intValue()).isEqualTo(100);

        List<VideoChunks.Chunk> chunks = new VideoChunks(wiring.database.dataSource()).list(id);
        assertThat(chunks).extracting(VideoChunks.Chunk::frames).containsExactly(20, 20, 20);
        assertThat(chunks)
                .extracting(VideoChunks.Chunk::attempts)
                .as("only chunk 1 ran twice")
                .containsExactly(1, 2, 1);
        // The join deletes them right after its commit, which the client may see first.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (VideoChunks.Chunk c : chunks) {
                BlobKey segment = BlobKey.parse(c.segmentKey().orElseThrow()).orElseThrow();
                assertThat(wiring.store.size(segment))
                        .as("segments are deleted once joined")
                        .isEmpty();
            }
        });
        assertThat(WorkerProcesses.count(db.dataSource(), "SELECT count(*) FROM video_segments"))
                .as("and their records, the failed attempt's included")
                .isZero();

        byte[] mp4 = VideoPipelineTest.call("GET", out.get("url").textValue(), null, Map.of())
                .body();
        Path saved = Files.createTempFile("kiln-chunked", ".mp4");
        try {
            Files.write(saved, mp4);
            JsonNode probe = VideoFixtures.probe(saved);
            assertThat(probe.path("codec_name").asText()).isEqualTo("h264");
            assertThat(probe.path("pix_fmt").asText()).isEqualTo("yuv420p");
            assertThat(probe.path("width").asInt()).isEqualTo(64);
            assertThat(probe.path("nb_read_frames").asInt())
                    .as("every frame of the three segments")
                    .isEqualTo(60);
            assertThat(probe.path("format").path("duration").asDouble()).isBetween(1.95, 2.05);
        } finally {
            Files.deleteIfExists(saved);
        }
        assertThat(VideoPipelineTest.workFiles()).isEmpty();
        assertThat(VideoPipelineTest.liveChildren()).isEmpty();
    }
}
