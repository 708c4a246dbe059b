package dev.kiln.render.scene;

import static dev.kiln.render.scene.SceneTestSupport.draw;
import static dev.kiln.render.scene.SceneTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.internal.PreparedDocument;
import java.awt.image.BufferedImage;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Renders one small scene per feature and compares it with its reviewed reference PNG. */
class SceneGoldenTest {

    static Stream<Arguments> features() {
        return SampleScenes.FEATURES.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("features")
    void featureMatchesGolden(String name, String json) {
        BufferedImage image = draw(parse(json), 0);
        assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB_PRE);
        GoldenImages.assertMatches(name, image);
    }

    @Test
    void animationAtThreeTimesMatchesGolden() {
        PreparedDocument doc = parse(SampleScenes.ANIMATED);
        assertThat(doc.fps()).isEqualTo(30.0);
        assertThat(doc.frameCount()).isEqualTo(30);
        for (int t : new int[] {0, 500, 1000}) {
            GoldenImages.assertMatches("animation-t" + t, draw(doc, t));
        }
    }

    @Test
    void referenceCardMatchesGoldenAtNaturalAndHalfSize() {
        PreparedDocument doc = parse(SampleScenes.REFERENCE_CARD);
        GoldenImages.assertMatches("reference-card", draw(doc, 0));
        BufferedImage half = doc.draw(600, 315, 0, CancellationSignal.NONE);
        assertThat(half.getWidth()).isEqualTo(600);
        assertThat(half.getHeight()).isEqualTo(315);
        GoldenImages.assertMatches("reference-card-600", half);
    }
}
