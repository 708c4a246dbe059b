package dev.kiln.render.lottie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.engine.Golden;
import dev.kiln.render.engine.Requests;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A ball moving left to right while turning from red to blue: frames 0, 30 and 59 against references. */
class LottieGoldenTest {
    private static final RenderEngine ENGINE = RenderEngine.create(RenderLimits.defaults());

    @Test
    void frameCountAndRateComeFromTheFile() {
        PreparedRender prepared = ENGINE.prepare(Requests.lottieResource("/golden/lottie/ball.json"));

        assertThat(prepared.document().frameCount()).isEqualTo(60);
        assertThat(prepared.document().fps()).isEqualTo(30.0);
        assertThat(prepared.output().width()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 30, 59})
    void frameDrawsLikeTheReference(int frame) {
        PreparedRender prepared = ENGINE.prepare(Requests.lottieResource("/golden/lottie/ball.json"));
        double timeMs = frame * 1000.0 / prepared.document().fps();

        BufferedImage image = prepared.document().draw(200, 200, timeMs, CancellationSignal.NONE);

        assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB_PRE);
        Golden.assertMatches("lottie/ball-frame" + frame, image);
    }

    @Test
    void ballMovesAndChangesColour() {
        PreparedRender prepared = ENGINE.prepare(Requests.lottieResource("/golden/lottie/ball.json"));

        BufferedImage first = prepared.document().draw(200, 200, 0, CancellationSignal.NONE);
        BufferedImage last = prepared.document().draw(200, 200, 59 * 1000.0 / 30, CancellationSignal.NONE);

        // Frame 0: red ball centred at (50,100); frame 59: blue ball centred at (150,100).
        assertThat(first.getRGB(50, 100) & 0xFFFFFF).isEqualTo(rgb(0.9, 0.1, 0.1));
        assertThat(first.getRGB(150, 100) & 0xFFFFFF).isEqualTo(rgb(0.95, 0.95, 0.9));
        assertThat(last.getRGB(150, 100) & 0xFFFFFF).isEqualTo(rgb(0.1, 0.2, 0.9));
        assertThat(last.getRGB(50, 100) & 0xFFFFFF).isEqualTo(rgb(0.95, 0.95, 0.9));
    }

    @Test
    void framesCountFromTheInPoint() {
        var shifted = Requests.lottieResource("/golden/lottie/ball.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode)
                        shifted.get("document").get("animation"))
                .put("ip", 10);
        PreparedRender fromTen = ENGINE.prepare(shifted);
        PreparedRender original = ENGINE.prepare(Requests.lottieResource("/golden/lottie/ball.json"));

        // Frame 5 (not 0: Skottie clamps to ip, which would hide an absolute seek) is comp time 15.
        BufferedImage fifthOfShifted = fromTen.document().draw(200, 200, 5 * 1000.0 / 30, CancellationSignal.NONE);
        BufferedImage fifteenthOfOriginal =
                original.document().draw(200, 200, 15 * 1000.0 / 30, CancellationSignal.NONE);

        assertThat(fromTen.document().frameCount()).isEqualTo(50);
        for (int x = 0; x < 200; x += 7) {
            assertThat(fifthOfShifted.getRGB(x, 100)).as("x=%d", x).isEqualTo(fifteenthOfOriginal.getRGB(x, 100));
        }
    }

    private static int rgb(double r, double g, double b) {
        return (int) Math.round(r * 255) << 16 | (int) Math.round(g * 255) << 8 | (int) Math.round(b * 255);
    }
}
