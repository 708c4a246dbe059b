package dev.kiln.video;

import static dev.kiln.video.VideoFixtures.ENGINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.OutputFormat;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.Ticker;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The frame pipeline against the real ffmpeg: valid files out, and a hung, crashed or cancelled encoder cleaned up. */
class VideoEncoderTest {
    static RenderPool pool;
    static VideoEncoder encoder;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        pool = VideoFixtures.pool();
        encoder = new VideoEncoder(VideoFixtures.ffmpeg(), pool, ENGINE, Ticker.SYSTEM, 1);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static PreparedVideo prepare(JsonNode document, String output) {
        return VideoRequests.prepare(
                ENGINE, VideoFixtures.request(document, output), VideoLimits.defaults(), CancellationSignal.NONE);
    }

    static long deadlineIn(Duration d) {
        return Ticker.SYSTEM.nanos() + d.toNanos();
    }

    EncodedVideo encode(PreparedVideo v, List<String> stages) throws Exception {
        return encoder.encode(
                v,
                work.resolve("job"),
                CancellationSignal.NONE,
                deadlineIn(Duration.ofMinutes(2)),
                (stage, percent) -> {
                    stages.add(stage + ":" + percent);
                    return true;
                });
    }

    @Test
    void anAnimatedSceneBecomesAnH264Mp4WithFaststartWhoseFramesMatchTheStills() throws Exception {
        PreparedVideo v = prepare(VideoFixtures.scene(500, 20), "{\"format\":\"mp4\",\"crf\":12}");
        List<String> stages = new ArrayList<>();
        EncodedVideo out = encode(v, stages);

        JsonNode probe = VideoFixtures.probe(out.file());
        assertThat(probe.path("codec_name").asText()).isEqualTo("h264");
        assertThat(probe.path("pix_fmt").asText()).isEqualTo("yuv420p");
        assertThat(probe.path("width").asInt()).isEqualTo(64);
        assertThat(probe.path("height").asInt()).isEqualTo(48);
        assertThat(probe.path("nb_read_frames").asInt()).isEqualTo(10);
        assertThat(probe.path("r_frame_rate").asText()).isEqualTo("20/1");
        assertThat(probe.path("format").path("duration").asDouble())
                .isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.06));
        byte[] bytes = Files.readAllBytes(out.file());
        assertThat(out.bytes()).isEqualTo(bytes.length);
        assertThat(indexOf(bytes, "moov")).as("+faststart puts the index first").isLessThan(indexOf(bytes, "mdat"));
        assertThat(stages).first().asString().startsWith("rendering:");
        assertThat(stages).contains("encoding:90", "finalizing:95");

        // Frame 6 of the MP4 against the still render of the same time (6 × 50 ms).
        BufferedImage decoded = VideoFixtures.frame(out.file(), 6, work.resolve("frame6.png"));
        PreparedRender still =
                new PreparedRender(v.frames().document(), new OutputSpec(OutputFormat.PNG, 90, 64, 48, 0, 300.0));
        BufferedImage expected = ImageIO.read(new ByteArrayInputStream(
                ENGINE.render(still, CancellationSignal.NONE).bytes()));
        assertThat(meanAbsDifference(decoded, expected))
                .as("mean per-channel difference, 0–255")
                .isLessThan(6.0);

        assertThat(ImageIO.read(new ByteArrayInputStream(out.poster())).getWidth())
                .isEqualTo(64);
        assertThat(new String(out.thumbnail(), 8, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("WEBP");
    }

    @Test
    void aGifGetsAGeneratedPaletteAndEveryFrame() throws Exception {
        PreparedVideo v = prepare(VideoFixtures.scene(500, 20), "{\"format\":\"gif\"}");
        EncodedVideo out = encode(v, new ArrayList<>());
        JsonNode probe = VideoFixtures.probe(out.file());
        assertThat(probe.path("codec_name").asText()).isEqualTo("gif");
        assertThat(probe.path("width").asInt()).isEqualTo(64);
        assertThat(probe.path("height").asInt()).isEqualTo(48);
        assertThat(probe.path("nb_read_frames").asInt()).isEqualTo(10);
        assertThat(Files.exists(work.resolve("job").resolve("palette.png"))).isTrue();
    }

    @Test
    void anAnimatedWebpHasAFramePerOutputFrame() throws Exception {
        PreparedVideo v = prepare(VideoFixtures.scene(500, 20), "{\"format\":\"webp-animated\",\"quality\":60}");
        EncodedVideo out = encode(v, new ArrayList<>());
        int[] webp = VideoFixtures.webpFramesAndSize(Files.readAllBytes(out.file()));
        assertThat(webp).containsExactly(10, 64, 48);
    }

    @Test
    void aLottieAnimationBecomesAnMp4AtTheRequestedSizeAndRate() throws Exception {
        PreparedVideo v = prepare(VideoFixtures.lottie(), "{\"format\":\"mp4\",\"width\":100,\"fps\":15}");
        EncodedVideo out = encode(v, new ArrayList<>());
        JsonNode probe = VideoFixtures.probe(out.file());
        assertThat(probe.path("codec_name").asText()).isEqualTo("h264");
        assertThat(probe.path("width").asInt()).isEqualTo(100);
        assertThat(probe.path("height").asInt()).isEqualTo(100);
        assertThat(probe.path("nb_read_frames").asInt()).as("2 s at 15 fps").isEqualTo(30);
        assertThat(out.spec().durationMs()).isEqualTo(2000);
    }

    @Test
    void aHungEncoderIsKilledAtTheDeadlineAndTheVideoFailsClearly() throws Exception {
        VideoEncoder hung =
                new VideoEncoder(VideoFixtures.fakeFfmpeg(work, "exec sleep 600"), pool, ENGINE, Ticker.SYSTEM, 1);
        PreparedVideo v = prepare(VideoFixtures.scene(10_000, 30), "{\"format\":\"mp4\"}");
        assertThatThrownBy(() -> hung.encode(
                        v,
                        work.resolve("job"),
                        CancellationSignal.NONE,
                        deadlineIn(Duration.ofMillis(800)),
                        (s, p) -> true))
                .isInstanceOf(VideoDeadlineException.class)
                .hasMessageContaining("deadline")
                .hasMessageContaining("killed");
        assertThat(liveChildren()).as("no encoder left running").isEmpty();
    }

    @Test
    void aCrashingEncoderFailsTheVideoWithItsExitAndStderr() throws Exception {
        VideoEncoder crashing = new VideoEncoder(
                VideoFixtures.fakeFfmpeg(
                        work, "head -c 30000 >/dev/null; echo 'simulated encoder crash' >&2; kill -9 $$"),
                pool,
                ENGINE,
                Ticker.SYSTEM,
                1);
        PreparedVideo v = prepare(VideoFixtures.scene(2_000, 30), "{\"format\":\"mp4\"}");
        assertThatThrownBy(() -> crashing.encode(
                        v,
                        work.resolve("job"),
                        CancellationSignal.NONE,
                        deadlineIn(Duration.ofMinutes(1)),
                        (s, p) -> true))
                .isInstanceOf(EncoderFailedException.class)
                .hasMessageContaining("killed by signal 9")
                .hasMessageContaining("simulated encoder crash");
        assertThat(liveChildren()).isEmpty();
    }

    @Test
    void cancellingMidRenderKillsTheEncoderWithinABatch() throws Exception {
        PreparedVideo v = prepare(VideoFixtures.scene(60_000, 60), "{\"format\":\"mp4\"}");
        AtomicBoolean cancelled = new AtomicBoolean();
        List<Integer> reports = new ArrayList<>();
        assertThatThrownBy(() -> encoder.encode(
                        v, work.resolve("job"), cancelled::get, deadlineIn(Duration.ofMinutes(2)), (stage, percent) -> {
                            reports.add(percent);
                            if (reports.size() == 3) {
                                cancelled.set(true);
                            }
                            return true;
                        }))
                .isInstanceOf(RenderCancelledException.class);
        assertThat(reports)
                .as("stopped within a batch of the cancel, far from the 3,600th frame")
                .hasSizeLessThan(6);
        assertThat(liveChildren()).isEmpty();
    }

    @Test
    void aProgressReportThatSaysStopEndsTheVideo() throws Exception {
        PreparedVideo v = prepare(VideoFixtures.scene(60_000, 60), "{\"format\":\"webp-animated\"}");
        List<Integer> reports = new ArrayList<>();
        assertThatThrownBy(() -> encoder.encode(
                        v,
                        work.resolve("job"),
                        CancellationSignal.NONE,
                        deadlineIn(Duration.ofMinutes(2)),
                        (stage, percent) -> {
                            reports.add(percent);
                            return reports.size() < 2;
                        }))
                .isInstanceOf(RenderCancelledException.class);
        assertThat(reports).hasSize(2);
        assertThat(liveChildren()).isEmpty();
    }

    static List<ProcessHandle> liveChildren() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return Integer.MAX_VALUE;
    }

    static double meanAbsDifference(BufferedImage a, BufferedImage b) {
        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).isEqualTo(b.getHeight());
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) {
                    sum += Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
