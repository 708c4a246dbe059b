package dev.kiln.render.scene;

import static dev.kiln.render.scene.SceneTestSupport.parse;
import static dev.kiln.render.scene.SceneTestSupport.pixels;
import static dev.kiln.render.scene.SceneTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.internal.FrameSequence;
import dev.kiln.render.internal.PreparedDocument;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A video's frame cache: frames drawn with it equal frames drawn afresh, within the stated tolerance. */
class SceneSequenceTest {
    static final long PLENTY = 64L << 20;

    /** The reference card, 10 s long, its glow drifting and its panel (with its 32 px shadow) turning: VideoBench's. */
    static String animatedCard() {
        ObjectNode doc = (ObjectNode) tree(SampleScenes.REFERENCE_CARD);
        doc.put("duration", 10_000).put("fps", 30);
        ArrayNode layers = (ArrayNode) doc.get("layers");
        ((ObjectNode) layers.get(0))
                .set(
                        "animations",
                        tree(
                                "[{\"property\":\"x\",\"keyframes\":[{\"t\":0,\"value\":820},{\"t\":10000,\"value\":-200}]}]"));
        ((ObjectNode) layers.get(1))
                .set(
                        "animations",
                        tree(
                                "[{\"property\":\"rotation\",\"keyframes\":[{\"t\":0,\"value\":0},{\"t\":10000,\"value\":12}]}]"));
        return doc.toString();
    }

    /** The image's own pixel array (not a copy). */
    static int[] data(BufferedImage image) {
        return ((java.awt.image.DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }

    /** Largest difference of any 8-bit channel between two premultiplied ARGB frames. */
    static int maxDiff(BufferedImage a, BufferedImage b) {
        int[] x = pixels(a);
        int[] y = pixels(b);
        assertThat(y).hasSameSizeAs(x);
        int max = 0;
        for (int i = 0; i < x.length; i++) {
            for (int shift = 0; shift < 32; shift += 8) {
                max = Math.max(max, Math.abs(((x[i] >>> shift) & 0xff) - ((y[i] >>> shift) & 0xff)));
            }
        }
        return max;
    }

    /** The largest difference over {@code times} between the cached frames and fresh draws. */
    static int worst(PreparedDocument doc, FrameSequence seq, int w, int h, double[] times) {
        int worst = 0;
        for (double t : times) {
            BufferedImage cached = seq.draw(t, CancellationSignal.NONE);
            BufferedImage fresh = doc.draw(w, h, t, CancellationSignal.NONE);
            worst = Math.max(worst, maxDiff(cached, fresh));
        }
        return worst;
    }

    @Test
    void theAnimatedCardMatchesFreshFramesWithinTheTolerance() {
        PreparedDocument doc = parse(animatedCard());
        double[] times = {0, 33.3, 1234, 5000, 7777, 9966.7};
        for (int[] size : new int[][] {{1200, 630}, {1920, 1008}}) {
            FrameSequence seq = doc.sequence(size[0], size[1], PLENTY);
            int worst = worst(doc, seq, size[0], size[1], times);
            System.out.printf("animated card %dx%d: max channel difference %d%n", size[0], size[1], worst);
            assertThat(worst).isLessThanOrEqualTo(SceneSequence.TOLERANCE);
            // The base frame, the static layers above the panel and the panel's shadow mask are kept.
            assertThat(seq.cachedBytes()).isGreaterThan(4L * size[0] * size[1]);
        }
    }

    @Test
    void aStaticLayerAboveAnAnimatedOneStaysAboveIt() {
        // An opaque bar moves under a static opaque square and a static text: a run merged into the base would
        // end up beneath the bar, a difference of up to 255.
        String json = """
                {"type":"scene","width":400,"height":200,"background":"#0f172a","duration":1000,"fps":30,
                 "layers":[
                  {"type":"rect","x":10,"y":10,"width":120,"height":60,"fill":"#22c55e"},
                  {"type":"rect","x":0,"y":80,"width":90,"height":40,"radius":6,"fill":"#ef4444",
                   "animations":[{"property":"x","keyframes":[{"t":0,"value":0},{"t":1000,"value":310}]}]},
                  {"type":"rect","x":150,"y":60,"width":80,"height":80,"fill":"#3b82f6",
                   "shadow":{"dx":4,"dy":4,"blur":6,"color":"#00000099"}},
                  {"type":"text","x":140,"y":92,"width":200,"text":"above","fontSize":24,"color":"#fde047"},
                  {"type":"ellipse","x":300,"y":20,"width":60,"height":60,"fill":"#a855f7",
                   "animations":[{"property":"opacity","keyframes":[{"t":0,"value":1},{"t":1000,"value":0.2}]}]},
                  {"type":"rect","x":320,"y":40,"width":60,"height":120,"opacity":0.6,"fill":"#f97316"}
                 ]}
                """;
        PreparedDocument doc = parse(json);
        FrameSequence seq = doc.sequence(400, 200, PLENTY);
        double[] times = {0, 200, 450, 500, 620, 999};
        int worst = worst(doc, seq, 400, 200, times);
        System.out.printf("static above animated: max channel difference %d%n", worst);
        assertThat(worst).isLessThanOrEqualTo(SceneSequence.TOLERANCE);
        // At t = 500 the bar (x 155–245, y 80–120) is under the blue square (x 150–230): the square shows there;
        // at t = 620 (bar x 192–282) the bar shows right of the square and its shadow.
        assertThat(seq.draw(500, CancellationSignal.NONE).getRGB(220, 110) & 0xffffff)
                .isEqualTo(0x3b82f6);
        assertThat(seq.draw(620, CancellationSignal.NONE).getRGB(270, 100) & 0xffffff)
                .isEqualTo(0xef4444);
        // Base (background and the green rect) plus two kept runs, each cropped to what it paints.
        assertThat(seq.cachedBytes()).isBetween(4L * 400 * 200, 2 * 4L * 400 * 200);
    }

    @Test
    void aShadowTurnedAllTheWayRoundStaysWithinTheTolerance() {
        // The box blur is not exactly isotropic: turning its result is not quite blurring the turned shape. A sharp
        // rect with a small blur (sigma 5), a round one with a wide blur, an ellipse, and text that moves.
        String json = """
                {"type":"scene","width":640,"height":360,"background":"#e2e8f0","duration":4000,"fps":30,
                 "layers":[
                  {"type":"rect","x":170,"y":90,"width":300,"height":180,"radius":24,"fill":"#ffffff",
                   "shadow":{"dx":10,"dy":18,"blur":40,"color":"#0f172acc"},
                   "animations":[
                    {"property":"rotation","keyframes":[{"t":0,"value":0},{"t":4000,"value":360}]},
                    {"property":"x","keyframes":[{"t":0,"value":120},{"t":4000,"value":220}]},
                    {"property":"y","keyframes":[{"t":0,"value":60},{"t":4000,"value":110}]}]},
                  {"type":"rect","x":470,"y":250,"width":120,"height":70,"fill":"#1d4ed8",
                   "shadow":{"dx":-6,"dy":8,"blur":10,"color":"#000000aa"},
                   "animations":[{"property":"rotation","keyframes":[{"t":0,"value":0},{"t":4000,"value":-270}]}]},
                  {"type":"ellipse","x":30,"y":240,"width":160,"height":90,"fill":"#f59e0b",
                   "shadow":{"dx":0,"dy":10,"blur":24,"color":"#7c2d12cc"},
                   "animations":[{"property":"rotation","keyframes":[{"t":0,"value":0},{"t":4000,"value":180}]}]},
                  {"type":"text","x":20,"y":20,"width":600,"text":"moving","fontSize":30,"color":"#0f172a",
                   "shadow":{"dx":0,"dy":3,"blur":16,"color":"#000000aa"},
                   "animations":[{"property":"x","keyframes":[{"t":0,"value":20},{"t":4000,"value":133.3}]}]},
                  {"type":"text","x":20,"y":70,"width":600,"text":"turning","fontSize":30,"color":"#0f172a",
                   "shadow":{"dx":0,"dy":3,"blur":16,"color":"#000000aa"},
                   "animations":[{"property":"rotation","keyframes":[{"t":0,"value":-30},{"t":4000,"value":30}]}]}
                 ]}
                """;
        PreparedDocument doc = parse(json);
        double[] times = new double[25];
        for (int i = 0; i < times.length; i++) {
            times[i] = i * 4000.0 / (times.length - 1);
        }
        for (int[] size : new int[][] {{640, 360}, {1280, 720}}) {
            FrameSequence seq = doc.sequence(size[0], size[1], PLENTY);
            int worst = worst(doc, seq, size[0], size[1], times);
            System.out.printf("turned shadow %dx%d: max channel difference %d%n", size[0], size[1], worst);
            assertThat(worst).isLessThanOrEqualTo(SceneSequence.TOLERANCE);
            // The background is a frame; the rects', the ellipse's and the moving text's shadows are kept as masks
            // (the turning text's is drawn afresh).
            assertThat(seq.cachedBytes()).isGreaterThan(4L * size[0] * size[1]);
        }
    }

    @Test
    void anUnevenlyScaledCardDrawsItsTurningShadowAfresh() {
        // 517 × 301 scales the scene unevenly: the turning panel's kept mask would need a shear, not a rigid motion,
        // so no kept shadow may be blended (neither sampled nor as spans) and the frames stay within the tolerance.
        PreparedDocument doc = parse(animatedCard());
        FrameSequence seq = doc.sequence(517, 301, PLENTY);
        int worst = worst(doc, seq, 517, 301, new double[] {0, 2500, 9966.7});
        System.out.printf("animated card 517x301: max channel difference %d%n", worst);
        assertThat(worst).isLessThanOrEqualTo(SceneSequence.TOLERANCE);
    }

    @Test
    void withoutCacheBytesTheFramesArePixelIdentical() {
        PreparedDocument doc = parse(animatedCard());
        FrameSequence seq = doc.sequence(1200, 630, 0);
        for (double t : new double[] {0, 4321, 9966.7}) {
            assertThat(pixels(seq.draw(t, CancellationSignal.NONE)))
                    .isEqualTo(pixels(doc.draw(1200, 630, t, CancellationSignal.NONE)));
        }
        assertThat(seq.cachedBytes()).isZero();
    }

    @Test
    void theCacheKeepsNoMoreThanItsBytes() {
        PreparedDocument doc = parse(animatedCard());
        long frame = 4L * 1200 * 630;
        // Room for the base frame and the shadow mask but not the static text run (about half a frame).
        long budget = frame + frame / 4;
        FrameSequence seq = doc.sequence(1200, 630, budget);
        int worst = worst(doc, seq, 1200, 630, new double[] {0, 5000, 9966.7});
        assertThat(worst).isLessThanOrEqualTo(SceneSequence.TOLERANCE);
        assertThat(seq.cachedBytes()).isGreaterThan(frame).isLessThanOrEqualTo(budget);
    }

    @Test
    void eachSequenceKeepsItsOwnSurfacesAndEveryFrameIsNew() {
        PreparedDocument doc = parse(animatedCard());
        FrameSequence a = doc.sequence(600, 315, PLENTY);
        FrameSequence b = doc.sequence(600, 315, PLENTY);
        BufferedImage first = a.draw(1000, CancellationSignal.NONE);
        // The video pipeline copies frames of this type straight out of their pixel array.
        assertThat(first.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB_PRE);
        assertThat(a.cachedBytes()).isPositive();
        assertThat(b.cachedBytes())
                .as("another job's sequence has drawn nothing yet")
                .isZero();
        int[] expected = pixels(first);
        // Scribbling over a frame the caller owns must not reach the kept base or the next frame.
        first.getRaster().setDataElements(0, 0, 600, 315, new int[600 * 315]);
        BufferedImage again = a.draw(1000, CancellationSignal.NONE);
        assertThat(again).isNotSameAs(first);
        assertThat(pixels(again)).isEqualTo(expected);
        assertThat(pixels(b.draw(1000, CancellationSignal.NONE))).isEqualTo(expected);
    }

    @Test
    void framesDrawnOnSeveralThreadsAtOnceMatchSerialOnes() throws Exception {
        PreparedDocument doc = parse(animatedCard());
        double[] times = {0, 1000, 2000, 3000, 4000, 5000, 6000, 7000};
        FrameSequence serial = doc.sequence(600, 315, PLENTY);
        List<int[]> expected = new ArrayList<>();
        for (double t : times) {
            expected.add(pixels(serial.draw(t, CancellationSignal.NONE)));
        }
        FrameSequence shared = doc.sequence(600, 315, PLENTY);
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> got = new ArrayList<>();
            for (double t : times) {
                got.add(pool.submit(() -> {
                    gate.await();
                    return pixels(shared.draw(t, CancellationSignal.NONE));
                }));
            }
            gate.countDown();
            for (int i = 0; i < times.length; i++) {
                assertThat(got.get(i).get()).isEqualTo(expected.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * An overlay's stretches (what its blend visits instead of its whole box) hold every non-zero pixel exactly once,
     * in row order, and only pixels of their own row: so the blend writes the same pixels as visiting the whole box.
     */
    @Test
    void anOverlaysStretchesHoldEveryNonZeroPixelOnce() {
        java.util.Random random = new java.util.Random(8);
        for (int round = 0; round < 50; round++) {
            int w = 1 + random.nextInt(200);
            int h = 1 + random.nextInt(20);
            int[] px = new int[w * h];
            double density = random.nextDouble() * random.nextDouble();
            for (int i = 0; i < px.length; i++) {
                if (random.nextDouble() < density) {
                    px[i] = random.nextInt() | 1;
                }
            }
            if (round == 0) {
                java.util.Arrays.fill(px, 0);
            }
            int[] runs = SceneSequence.runs(px, w, h);
            assertThat(runs.length % 3).isZero();
            int[] seen = new int[px.length];
            int lastRow = -1;
            int lastEnd = 0;
            for (int r = 0; r < runs.length; r += 3) {
                int y = runs[r];
                int from = runs[r + 1];
                int end = runs[r + 2];
                assertThat(y).isBetween(0, h - 1);
                assertThat(from)
                        .isGreaterThanOrEqualTo(y == lastRow ? lastEnd : 0)
                        .isLessThan(end);
                assertThat(end).isLessThanOrEqualTo(w);
                assertThat(y).isGreaterThanOrEqualTo(lastRow);
                // A stretch starts and ends on a non-zero pixel.
                assertThat(px[y * w + from]).isNotZero();
                assertThat(px[y * w + end - 1]).isNotZero();
                for (int x = from; x < end; x++) {
                    seen[y * w + x]++;
                }
                lastRow = y;
                lastEnd = end;
            }
            for (int i = 0; i < px.length; i++) {
                assertThat(seen[i])
                        .as("pixel %d", i)
                        .isEqualTo(px[i] != 0 ? 1 : seen[i])
                        .isLessThanOrEqualTo(1);
            }
        }
    }

    /**
     * A frame drawn into a recycled pixel array (a video's frames once they went down the pipe) is the same frame,
     * pixel for pixel, in that very array, with the cache and without it; an array of the wrong size is not used.
     */
    @Test
    void aFrameDrawnIntoARecycledArrayIsTheSameFrame() {
        PreparedDocument doc = parse(animatedCard());
        for (long bytes : new long[] {PLENTY, 0}) {
            FrameSequence seq = doc.sequence(300, 158, bytes);
            int[] spent = data(seq.draw(1_000, CancellationSignal.NONE));
            int[] fresh = pixels(seq.draw(7_500, CancellationSignal.NONE));
            BufferedImage again = seq.draw(7_500, CancellationSignal.NONE, spent);
            assertThat(data(again)).as("cache bytes %d", bytes).isSameAs(spent).isEqualTo(fresh);
            assertThat(again.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB_PRE);
            int[] wrong = new int[300 * 158 - 1];
            assertThat(data(seq.draw(7_500, CancellationSignal.NONE, wrong)))
                    .isNotSameAs(wrong)
                    .isEqualTo(fresh);
        }
    }
}
