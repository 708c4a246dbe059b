package dev.kiln.video;

import static dev.kiln.video.VideoFixtures.ENGINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.Violation;
import org.junit.jupiter.api.Test;

/** A video output's defaults, ranges and caps, each refused with a pointer at the field. */
class VideoRequestsTest {
    static VideoSpec spec(String output) {
        return VideoRequests.prepare(
                        ENGINE,
                        VideoFixtures.request(VideoFixtures.scene(2000, 30), output),
                        VideoLimits.defaults(),
                        CancellationSignal.NONE)
                .spec();
    }

    static String pointerOf(String output) {
        try {
            spec(output);
        } catch (InvalidDocumentException e) {
            return e.violations().stream().map(Violation::pointer).findFirst().orElse("");
        }
        throw new AssertionError("accepted: " + output);
    }

    @Test
    void defaultsComeFromTheDocument() {
        VideoSpec s = spec("{\"format\":\"mp4\"}");
        assertThat(s.fps()).isEqualTo(30);
        assertThat(s.frames()).isEqualTo(60);
        assertThat(s.durationMs()).isEqualTo(2000);
        assertThat(s.width()).isEqualTo(64);
        assertThat(s.crf()).isEqualTo(VideoSpec.crfFor(VideoSpec.DEFAULT_QUALITY));
    }

    @Test
    void aRangeByTimeOrByFrameAndTheRate() {
        VideoSpec byTime = spec("{\"format\":\"gif\",\"fps\":10,\"startMs\":500,\"durationMs\":1000}");
        assertThat(byTime.frames()).isEqualTo(10);
        assertThat(byTime.timeOf(0)).isEqualTo(500);
        assertThat(byTime.timeOf(1)).isEqualTo(600);
        VideoSpec byFrame = spec("{\"format\":\"mp4\",\"startFrame\":30,\"endFrame\":45}");
        assertThat(byFrame.frames()).isEqualTo(15);
        assertThat(byFrame.timeOf(0)).isEqualTo(1000);
    }

    @Test
    void anMp4HasEvenSides() {
        VideoSpec s = spec("{\"format\":\"mp4\",\"width\":33}");
        assertThat(s.width()).isEqualTo(32);
        assertThat(s.height()).isEqualTo(24); // 33 × 48 / 64 = 24.75 → 25 → 24
        assertThat(spec("{\"format\":\"gif\",\"width\":33}").width()).isEqualTo(33);
    }

    @Test
    void eachCapPointsAtItsField() {
        assertThat(pointerOf("{\"format\":\"mp4\",\"durationMs\":36000000}")).isEqualTo("/output/durationMs");
        assertThat(pointerOf("{\"format\":\"mp4\",\"durationMs\":-1}")).isEqualTo("/output/durationMs");
        assertThat(pointerOf("{\"format\":\"mp4\",\"fps\":1000}")).isEqualTo("/output/fps");
        assertThat(pointerOf("{\"format\":\"mp4\",\"fps\":0}")).isEqualTo("/output/fps");
        assertThat(pointerOf("{\"format\":\"mp4\",\"startMs\":2000}")).isEqualTo("/output/startMs");
        assertThat(pointerOf("{\"format\":\"mp4\",\"startMs\":1500,\"durationMs\":1000}"))
                .isEqualTo("/output/durationMs");
        assertThat(pointerOf("{\"format\":\"mp4\",\"startFrame\":10,\"endFrame\":10}"))
                .isEqualTo("/output/endFrame");
        assertThat(pointerOf("{\"format\":\"mp4\",\"endFrame\":61}")).isEqualTo("/output/endFrame");
        assertThat(pointerOf("{\"format\":\"mp4\",\"startMs\":0,\"endFrame\":5}"))
                .isEqualTo("/output/startFrame");
        assertThat(pointerOf("{\"format\":\"mp4\",\"quality\":0}")).isEqualTo("/output/quality");
        assertThat(pointerOf("{\"format\":\"mp4\",\"crf\":52}")).isEqualTo("/output/crf");
        assertThat(pointerOf("{\"format\":\"webp-animated\",\"crf\":20}")).isEqualTo("/output/crf");
        assertThat(pointerOf("{\"format\":\"mp4\",\"codec\":\"hevc\"}")).isEqualTo("/output/codec");
        assertThat(pointerOf("{\"format\":\"mp4\",\"width\":0}")).isEqualTo("/output/width");
        assertThat(pointerOf("{\"format\":\"mp4\",\"width\":1}")).isEqualTo("/output");
    }

    @Test
    void theFrameAndPixelFrameCapsFollowTheLimits() {
        VideoLimits tight = new VideoLimits(java.time.Duration.ofSeconds(60), 60, 50, 50_000, 64L << 20);
        assertThatThrownBy(() -> VideoRequests.prepare(
                        ENGINE,
                        VideoFixtures.request(VideoFixtures.scene(2000, 30), "{\"format\":\"mp4\"}"),
                        tight,
                        CancellationSignal.NONE))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("at most 50");
        assertThatThrownBy(() -> VideoRequests.prepare(
                        ENGINE,
                        VideoFixtures.request(VideoFixtures.scene(2000, 30), "{\"format\":\"mp4\",\"fps\":10}"),
                        tight,
                        CancellationSignal.NONE))
                .isInstanceOf(InvalidDocumentException.class)
                .hasMessageContaining("pixel-frames");
    }
}
