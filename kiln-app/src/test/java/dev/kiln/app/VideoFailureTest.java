package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.video.VideoFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Encoders that misbehave, through the queue: one that hangs (never reads its input) is killed at the video's
 * deadline, one that crashes ({@code kill -9} of itself mid-stream) fails its attempt with its stderr; each attempt is
 * retried, the last failure fails the generation with a clear error and refunds it, no child process or temporary
 * file survives, and the service stays healthy.
 */
class VideoFailureTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static Wiring wiring;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("kiln-home");
        // Stands in for ffmpeg: crashes on a GIF, hangs on anything else.
        Path fake = home.resolve("ffmpeg");
        Files.writeString(fake, """
                #!/bin/sh
                for a in "$@"; do
                  if [ "$a" = video.gif ] || [ "$a" = palette.png ]; then
                    head -c 20000 >/dev/null
                    echo "simulated encoder crash" >&2
                    kill -9 $$
                  fi
                done
                exec sleep 600
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new HashMap<>();
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_RATE_LIMIT", "0"); // polls as fast as it likes; rate limits have tests of their own
        env.put("KILN_HOME", home.toString());
        env.put("KILN_RENDER_WORKERS", "4");
        env.put("KILN_FFMPEG", fake.toString());
        env.put("KILN_VIDEO_DEADLINE", "1s");
        wiring = Wiring.start(KilnConfig.from(new Settings(env)));
        VideoPipelineTest.wiring = wiring;
        VideoPipelineTest.base = "http://127.0.0.1:" + wiring.server.port();
        VideoPipelineTest.key = wiring.apiKeys.create("fay").token();
        VideoPipelineTest.project = VideoPipelineTest.json(
                        VideoPipelineTest.call("POST", "/v1/projects", "{\"name\":\"broken\"}", Map.of()), 201)
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
    void aHungEncoderIsKilledAtTheDeadlineAndACrashedOneFailsItsAttemptBothRetriedThenRefunded() throws Exception {
        long scene = VideoPipelineTest.scene(VideoFixtures.scene(5_000, 30));
        long before = VideoPipelineTest.balance();
        String hung = VideoPipelineTest.call(
                        "POST", "/v1/scenes/" + scene + "/generations", "{\"output\":{\"format\":\"mp4\"}}", Map.of())
                .headers()
                .firstValue("Location")
                .orElseThrow();
        String crashed = VideoPipelineTest.call(
                        "POST", "/v1/scenes/" + scene + "/generations", "{\"output\":{\"format\":\"gif\"}}", Map.of())
                .headers()
                .firstValue("Location")
                .orElseThrow();

        JsonNode h = VideoPipelineTest.awaitStatus(hung, "failed");
        assertThat(h.get("attempt").intValue())
                .as("retried before failing for good")
                .isEqualTo(3);
        assertThat(h.get("error").get("code").textValue()).isEqualTo("deadline-exceeded");
        assertThat(h.get("error").get("message").textValue())
                .contains("deadline")
                .contains("encoder was killed");

        JsonNode c = VideoPipelineTest.awaitStatus(crashed, "failed");
        assertThat(c.get("attempt").intValue()).isEqualTo(3);
        assertThat(c.get("error").get("code").textValue()).isEqualTo("encoder-failed");
        assertThat(c.get("error").get("message").textValue())
                .contains("killed by signal 9")
                .contains("simulated encoder crash");

        assertThat(VideoPipelineTest.balance()).as("both refunded").isEqualTo(before);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(VideoPipelineTest.liveChildren()).as("no encoder left").isEmpty();
            assertThat(VideoPipelineTest.workFiles())
                    .as("no temporary files left")
                    .isEmpty();
        });
        assertThat(VideoPipelineTest.call("GET", "/healthz", null, Map.of()).statusCode())
                .isEqualTo(200);
        assertThat(VideoPipelineTest.call("GET", "/readyz", null, Map.of()).statusCode())
                .isEqualTo(200);
    }
}
