package dev.kiln.render.scene;

import static dev.kiln.render.scene.SceneTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.internal.FrameSequence;
import dev.kiln.render.internal.PreparedDocument;
import java.awt.geom.AffineTransform;
import org.junit.jupiter.api.Test;

/**
 * A moving layer's content kept as a raster and placed by a fraction of a pixel: kept only when smooth (the card's
 * glow), never for a hard edge, and the frames stay within the frame cache's tolerance.
 */
class CachedSpriteTest {

    private static CachedSprite build(String json, int layer, int width, int height) {
        Scene scene = (Scene) parse(json);
        AffineTransform device =
                AffineTransform.getScaleInstance((double) width / scene.width(), (double) height / scene.height());
        Layer l = scene.layers().get(layer);
        assertThat(CachedSprite.eligible(l)).isTrue();
        return CachedSprite.build(new Painter(0, CancellationSignal.NONE), l, device, Long.MAX_VALUE);
    }

    @Test
    void theCardsDriftingGlowIsKeptAndItsFramesStayWithinTheTolerance() {
        String card = SceneSequenceTest.animatedCard();
        for (int[] size : new int[][] {{1200, 630}, {1920, 1008}}) {
            CachedSprite glow = build(card, 0, size[0], size[1]);
            assertThat(glow).as("the radial glow passes the half-pixel check").isNotNull();
            // The glow at 1920 wide: 560 scene units × 1.6, plus the margins.
            assertThat(glow.bytes()).isGreaterThan(4L * 560 * 560 * size[0] / 1200 * size[0] / 1200);
        }
        // The turning panel is not a sprite: it turns.
        assertThat(CachedSprite.eligible(((Scene) parse(card)).layers().get(1))).isFalse();
    }

    /** A hard-edged bar and a soft radial blob, both moving by fractions of a pixel each frame, x and y. */
    static final String MOVING = """
            {"type":"scene","width":400,"height":240,"background":"#0f172a","duration":1000,"fps":30,
             "layers":[
              {"type":"rect","x":10,"y":20,"width":120,"height":50,"radius":8,"fill":"#f8fafc",
               "animations":[{"property":"x","keyframes":[{"t":0,"value":10},{"t":1000,"value":247.3}]},
                             {"property":"y","keyframes":[{"t":0,"value":20},{"t":1000,"value":61.9}]}]},
              {"type":"ellipse","x":150,"y":60,"width":200,"height":160,"opacity":0.8,
               "fill":{"type":"radial","stops":[{"offset":0,"color":"#22d3eecc"},{"offset":1,"color":"#22d3ee00"}]},
               "animations":[{"property":"x","keyframes":[{"t":0,"value":150},{"t":1000,"value":-31.7}]},
                             {"property":"y","keyframes":[{"t":0,"value":60},{"t":1000,"value":90.4}]}]},
              {"type":"text","x":40,"y":150,"width":300,"text":"static","fontSize":28,"color":"#fde047"}
             ]}
            """;

    @Test
    void aHardEdgeFailsTheCheckAndIsDrawnAfresh() {
        assertThat(build(MOVING, 0, 400, 240))
                .as("bilinear placement would blur the bar's edge")
                .isNull();
        assertThat(build(MOVING, 0, 1000, 600)).isNull();
    }

    @Test
    void framesOfMovingLayersMatchFreshOnesWithinTheTolerance() {
        PreparedDocument doc = parse(MOVING);
        double[] times = new double[17];
        for (int i = 0; i < times.length; i++) {
            times[i] = i * 62.3;
        }
        for (int[] size : new int[][] {{400, 240}, {1000, 600}}) {
            FrameSequence seq = doc.sequence(size[0], size[1], SceneSequenceTest.PLENTY);
            int worst = SceneSequenceTest.worst(doc, seq, size[0], size[1], times);
            System.out.printf("moving layers %dx%d: max channel difference %d%n", size[0], size[1], worst);
            // A sprite used for the bar would differ by about 30 at its edges.
            assertThat(worst).isLessThanOrEqualTo(CachedSprite.CHECK_TOLERANCE + 1);
        }
    }
}
