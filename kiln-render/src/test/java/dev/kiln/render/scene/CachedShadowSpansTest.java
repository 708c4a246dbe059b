package dev.kiln.render.scene;

import static dev.kiln.render.scene.SceneTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.render.CancellationSignal;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A kept shadow's opaque interior is blended as constant spans and only its blurred edge band is sampled: the pixels
 * must be exactly those of sampling every pixel, whatever the mask's shape and the frame's motion.
 */
class CachedShadowSpansTest {

    /** Draws every kept shadow of {@code json}'s scene at {@code times}, with spans and without, onto noise. */
    private static long compare(String json, int width, int height, double[] times) {
        Scene scene = (Scene) parse(json);
        AffineTransform device =
                AffineTransform.getScaleInstance((double) width / scene.width(), (double) height / scene.height());
        Painter reference = new Painter(0, CancellationSignal.NONE);
        long solid = 0;
        int kept = 0;
        for (Layer layer : scene.layers()) {
            if (!CachedShadow.eligible(layer)) {
                continue;
            }
            CachedShadow shadow = CachedShadow.build(reference, layer, device, Long.MAX_VALUE);
            if (shadow == null) {
                continue;
            }
            kept++;
            solid += shadow.solidPixels();
            for (double t : times) {
                Painter at = new Painter(t, CancellationSignal.NONE);
                AffineTransform frame = new AffineTransform(device);
                frame.concatenate(at.localTransform(layer));
                double dx = at.positionX(layer) - shadow.refX();
                double dy = at.positionY(layer) - shadow.refY();
                int[] noise = new int[width * height];
                Random random = new Random(Double.hashCode(t));
                for (int i = 0; i < noise.length; i++) {
                    // Premultiplied: no channel above alpha.
                    int a = random.nextInt(256);
                    noise[i] =
                            a << 24 | random.nextInt(a + 1) << 16 | random.nextInt(a + 1) << 8 | random.nextInt(a + 1);
                }
                int[] spans = noise.clone();
                int[] sampled = noise.clone();
                Rectangle surface = new Rectangle(0, 0, width, height);
                assertThat(shadow.draw(spans, width, height, surface, frame, dx, dy, true))
                        .isTrue();
                assertThat(shadow.draw(sampled, width, height, surface, frame, dx, dy, false))
                        .isTrue();
                assertThat(spans).as("t = %s", t).isEqualTo(sampled);
                assertThat(spans).as("the shadow lands on the frame").isNotEqualTo(noise);
            }
        }
        assertThat(kept).as("shadows kept").isPositive();
        return solid;
    }

    @Test
    void theTurningCardPanelsInteriorIsSpansAndItsPixelsAreTheSampledOnes() {
        double[] times = {0, 33.3, 2500, 5000, 7777, 9966.7};
        for (int[] size : new int[][] {{1200, 630}, {1920, 1008}, {600, 315}}) {
            long solid = compare(SceneSequenceTest.animatedCard(), size[0], size[1], times);
            assertThat(solid).as("the panel's shadow has a flat interior").isPositive();
        }
    }

    @Test
    void shapesTurningEitherWayAndARingThatMovesGiveTheSampledPixels() {
        // Rotation both ways (the mask's rows run up and down a frame row), all the way round, a ring path whose
        // rows have two opaque runs (only the longer is a span) and a shape moving by a fraction of a pixel.
        String json = """
                {"type":"scene","width":640,"height":360,"background":"#e2e8f0","duration":4000,"fps":30,
                 "layers":[
                  {"type":"rect","x":170,"y":90,"width":300,"height":180,"radius":24,"fill":"#ffffff",
                   "shadow":{"dx":10,"dy":18,"blur":40,"color":"#0f172acc"},
                   "animations":[
                    {"property":"rotation","keyframes":[{"t":0,"value":0},{"t":4000,"value":360}]},
                    {"property":"x","keyframes":[{"t":0,"value":120},{"t":4000,"value":220.3}]}]},
                  {"type":"ellipse","x":30,"y":200,"width":200,"height":140,"fill":"#f59e0b",
                   "shadow":{"dx":0,"dy":10,"blur":16,"color":"#7c2d12"},
                   "animations":[{"property":"rotation","keyframes":[{"t":0,"value":0},{"t":4000,"value":-200}]}]},
                  {"type":"path","x":400,"y":150,"fill":"#000000",
                   "d":"M0 0 H200 V200 H0 Z M60 60 V140 H140 V60 Z","fillRule":"evenodd",
                   "shadow":{"dx":3,"dy":3,"blur":12,"color":"#000000aa"},
                   "animations":[{"property":"x","keyframes":[{"t":0,"value":400},{"t":4000,"value":317.7}]}]}
                 ]}
                """;
        double[] times = new double[13];
        for (int i = 0; i < times.length; i++) {
            times[i] = i * 4000.0 / (times.length - 1) + 0.37 * i;
        }
        assertThat(compare(json, 640, 360, times)).isPositive();
        assertThat(compare(json, 1280, 720, times)).isPositive();
    }

    @Test
    void aThinBarsShadowIsFlatOnlyAlongItsLengthAndGivesTheSampledPixels() {
        // A thin bar under a wide blur: its mask never reaches the bar's alpha, but is flat along the bar's length at
        // a lower value, turning by a few degrees so each frame row crosses many mask rows of different values.
        String json = """
                {"type":"scene","width":640,"height":360,"background":"#0f172a","duration":1000,"fps":30,
                 "layers":[
                  {"type":"rect","x":100,"y":170,"width":440,"height":6,"fill":"#ffffff",
                   "shadow":{"dx":0,"dy":8,"blur":30,"color":"#000000"},
                   "animations":[{"property":"rotation","keyframes":[{"t":0,"value":0},{"t":1000,"value":20}]}]}
                 ]}
                """;
        assertThat(compare(json, 640, 360, new double[] {0, 1, 400, 999})).isPositive();
    }
}
