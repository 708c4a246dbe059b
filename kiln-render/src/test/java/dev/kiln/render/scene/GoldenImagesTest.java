package dev.kiln.render.scene;

import static dev.kiln.render.scene.SceneTestSupport.draw;
import static dev.kiln.render.scene.SceneTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The golden metric accepts antialiasing noise and rejects a real change. */
class GoldenImagesTest {
    private static final String SQUARE = """
            {"type":"scene","width":100,"height":100,"background":"#ffffff","layers":[
              {"type":"rect","x":%d,"y":20,"width":40,"height":40,"fill":"#2563eb"}]}
            """;

    @Test
    void identicalImagesMatch() {
        BufferedImage a = draw(parse(SQUARE.formatted(20)), 0);
        assertThat(GoldenImages.compare(a, draw(parse(SQUARE.formatted(20)), 0)).failed())
                .isFalse();
    }

    @Test
    void smallChannelNoiseIsTolerated() {
        BufferedImage a = draw(parse(SQUARE.formatted(20)), 0);
        BufferedImage noisy = draw(parse(SQUARE.formatted(20)), 0);
        for (int x = 0; x < 100; x++) {
            int p = noisy.getRGB(x, 50);
            noisy.setRGB(x, 50, (p & 0xffffff00) | Math.max(0, (p & 0xff) - GoldenImages.CHANNEL_TOLERANCE));
        }
        assertThat(GoldenImages.compare(a, noisy).failed()).isFalse();
    }

    @Test
    void aMovedShapeFails() {
        BufferedImage a = draw(parse(SQUARE.formatted(20)), 0);
        GoldenImages.Diff diff = GoldenImages.compare(a, draw(parse(SQUARE.formatted(23)), 0));
        assertThat(diff.failed()).isTrue();
        assertThat(diff.summary()).contains("differ by more than");
        assertThat(diff.image().getRGB(21, 30)).isEqualTo(0xffff0000);
    }

    @Test
    void aDifferentSizeFails() {
        BufferedImage a = draw(parse(SQUARE.formatted(20)), 0);
        assertThat(GoldenImages.compare(a, new BufferedImage(50, 50, BufferedImage.TYPE_INT_ARGB_PRE))
                        .failed())
                .isTrue();
    }
}
