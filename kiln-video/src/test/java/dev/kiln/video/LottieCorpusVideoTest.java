package dev.kiln.video;

import static dev.kiln.video.VideoFixtures.ENGINE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.OutputFormat;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.PreparedRender;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.Ticker;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real Lottie files (issue 8), unmodified, from the corpus that kiln-render's lottie-web comparison uses (its README
 * names each file's source and licence): shapes (drop), masks (dalek, 11 masked layers, an old bodymovin 3.1.6
 * file) and text drawn from embedded glyphs (banner). Each becomes an MP4 that ffprobe confirms, and a frame of it
 * matches the still render of the same time.
 */
class LottieCorpusVideoTest {
    static final Path CORPUS = Path.of("../kiln-render/src/test/resources/lottie/corpus");
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

    @ParameterizedTest
    @ValueSource(strings = {"drop", "dalek", "banner"})
    void aRealLottieFileBecomesAValidMp4WhoseFramesMatchTheStills(String name) throws Exception {
        ObjectNode doc = VideoFixtures.JSON.createObjectNode().put("type", "lottie");
        doc.set("animation", VideoFixtures.JSON.readTree(Files.readString(CORPUS.resolve(name + ".json"))));
        // Two seconds at 10 fps, 160 px wide: every file's own rate and size differ from these.
        PreparedVideo v = VideoEncoderTest.prepare(
                doc, "{\"format\":\"mp4\",\"width\":160,\"fps\":10,\"durationMs\":2000,\"crf\":12}");
        EncodedVideo out = encoder.encode(
                v,
                work.resolve("job"),
                CancellationSignal.NONE,
                VideoEncoderTest.deadlineIn(Duration.ofMinutes(2)),
                (stage, percent) -> true);

        JsonNode probe = VideoFixtures.probe(out.file());
        assertThat(probe.path("codec_name").asText()).isEqualTo("h264");
        assertThat(probe.path("pix_fmt").asText()).isEqualTo("yuv420p");
        assertThat(probe.path("width").asInt())
                .isEqualTo(160)
                .isEqualTo(out.spec().width());
        assertThat(probe.path("height").asInt()).isEqualTo(out.spec().height());
        int w = doc.path("animation").path("w").asInt();
        int h = doc.path("animation").path("h").asInt();
        assertThat((double) out.spec().height()).as("aspect kept").isCloseTo(160.0 * h / w, Offset.offset(2.0));
        assertThat(probe.path("nb_read_frames").asInt()).isEqualTo(20);
        assertThat(probe.path("r_frame_rate").asText()).isEqualTo("10/1");
        assertThat(probe.path("format").path("duration").asDouble()).isCloseTo(2.0, Offset.offset(0.15));
        assertThat(out.bytes()).isEqualTo(Files.size(out.file()));

        // Frame 12 (1.2 s) of the MP4 against the still render of the same time.
        BufferedImage decoded = VideoFixtures.frame(out.file(), 12, work.resolve("frame12.png"));
        PreparedRender still = new PreparedRender(
                v.frames().document(),
                new OutputSpec(
                        OutputFormat.PNG, 90, out.spec().width(), out.spec().height(), 0, 1200.0));
        BufferedImage expected = ImageIO.read(new ByteArrayInputStream(
                ENGINE.render(still, CancellationSignal.NONE).bytes()));
        assertThat(VideoEncoderTest.meanAbsDifference(decoded, expected))
                .as("mean per-channel difference, 0–255")
                .isLessThan(6.0);
        // Not a blank video: the frame has content (not a single colour).
        assertThat(distinctColours(expected)).isGreaterThan(8);
    }

    private static long distinctColours(BufferedImage image) {
        return java.util.stream.IntStream.range(0, image.getWidth() * image.getHeight())
                .map(i -> image.getRGB(i % image.getWidth(), i / image.getWidth()) & 0xF0F0F0)
                .distinct()
                .count();
    }
}
