package dev.kiln.render.scene;

import static dev.kiln.render.scene.SceneTestSupport.draw;
import static dev.kiln.render.scene.SceneTestSupport.parse;
import static dev.kiln.render.scene.SceneTestSupport.pixels;
import static dev.kiln.render.scene.SceneTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.PreparedDocument;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Determinism, thread safety, scaling, cancellation and the public engine path. */
class SceneDrawTest {

    @Test
    void sameDocumentDrawsIdenticalPixelsTwice() {
        List<String> scenes = new ArrayList<>(SampleScenes.distinctSmallScenes());
        scenes.add(SampleScenes.REFERENCE_CARD);
        for (String json : scenes) {
            PreparedDocument doc = parse(json);
            int[] first = pixels(draw(doc, 250));
            int[] second = pixels(draw(doc, 250));
            int[] reparsed = pixels(draw(parse(json), 250));
            assertThat(second).isEqualTo(first);
            assertThat(reparsed).isEqualTo(first);
        }
    }

    @Test
    void concurrentRendersMatchTheirSerialReferences() throws InterruptedException {
        List<String> scenes = SampleScenes.distinctSmallScenes();
        assertThat(scenes).hasSizeGreaterThanOrEqualTo(8);
        List<PreparedDocument> docs =
                scenes.stream().map(SceneTestSupport::parse).toList();
        // Different times per scene so animated ones are exercised mid-animation.
        double[] times = new double[docs.size()];
        List<int[]> references = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            times[i] = (i * 137) % 1000;
            references.add(pixels(draw(docs.get(i), times[i])));
        }
        // The references must really differ, or a mixed-up output could pass.
        assertThat(references.stream()
                        .map(java.util.Arrays::hashCode)
                        .distinct()
                        .count())
                .isEqualTo(references.size());

        int threads = 8;
        int rendersPerThread = 130; // 1,040 in total
        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<String> firstFailure = new AtomicReference<>();
        AtomicInteger mismatches = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int worker = w;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    gate.await();
                    for (int n = 0; n < rendersPerThread; n++) {
                        int i = (worker + n) % docs.size();
                        int[] actual = pixels(draw(docs.get(i), times[i]));
                        if (!java.util.Arrays.equals(actual, references.get(i))) {
                            mismatches.incrementAndGet();
                            firstFailure.compareAndSet(
                                    null,
                                    "thread " + worker + " render " + n + ": scene " + i
                                            + " differs from its serial reference");
                        }
                        done.incrementAndGet();
                    }
                } catch (Throwable t) {
                    firstFailure.compareAndSet(null, "thread " + worker + " threw " + t);
                }
            }));
        }
        gate.countDown();
        for (Thread t : workers) {
            t.join();
        }
        assertThat(firstFailure.get()).isNull();
        assertThat(mismatches.get()).isZero();
        assertThat(done.get()).isEqualTo(threads * rendersPerThread).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void drawScalesTheWholeSceneToTheRequestedSize() {
        PreparedDocument doc = parse("""
                {"type":"scene","width":100,"height":50,"background":"#ffffff","layers":[
                  {"type":"rect","x":50,"y":0,"width":50,"height":50,"fill":"#ff0000"}]}
                """);
        BufferedImage img = doc.draw(400, 100, 0, CancellationSignal.NONE);
        assertThat(img.getWidth()).isEqualTo(400);
        assertThat(img.getHeight()).isEqualTo(100);
        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB_PRE);
        assertThat(img.getRGB(100, 50)).isEqualTo(0xffffffff); // left half stays background
        assertThat(img.getRGB(300, 50)).isEqualTo(0xffff0000); // right half, scaled ×4 × ×2
        assertThat(img.getRGB(199, 99)).isEqualTo(0xffffffff);
        assertThat(img.getRGB(201, 0)).isEqualTo(0xffff0000);
    }

    @Test
    void animatedValuesFollowKeyframesAndEasing() {
        PreparedDocument doc = parse("""
                {"type":"scene","width":100,"height":10,"duration":1000,"fps":10,"layers":[
                  {"type":"rect","x":0,"y":0,"width":10,"height":10,"fill":"#000000",
                   "animations":[{"property":"x","keyframes":[{"t":0,"value":0},{"t":1000,"value":90}]}]}]}
                """);
        assertThat(doc.frameCount()).isEqualTo(10);
        assertThat(doc.fps()).isEqualTo(10.0);
        BufferedImage mid = draw(doc, 500);
        assertThat(mid.getRGB(50, 5) >>> 24).isEqualTo(255); // x = 45 → covers 45..55
        assertThat(mid.getRGB(5, 5) >>> 24).isZero();
        BufferedImage after = draw(doc, 5000); // past the end holds the last value
        assertThat(after.getRGB(95, 5) >>> 24).isEqualTo(255);
    }

    @Test
    void stillSceneHasOneFrameAndNoFps() {
        PreparedDocument doc = parse(SampleScenes.REFERENCE_CARD);
        assertThat(doc.frameCount()).isEqualTo(1);
        assertThat(doc.fps()).isZero();
        assertThat(doc.intrinsicWidth()).isEqualTo(1200);
        assertThat(doc.intrinsicHeight()).isEqualTo(630);
        PreparedDocument defaultFps =
                parse("{\"type\":\"scene\",\"width\":9,\"height\":9,\"duration\":2000,\"layers\":[]}");
        assertThat(defaultFps.fps()).isEqualTo(30.0);
        assertThat(defaultFps.frameCount()).isEqualTo(60);
    }

    @Test
    void hugeShadowOnAnUpscaledRenderStaysBoundedAndVisible() {
        // The rect is off-canvas; only its shadow (offset onto the canvas) is visible. blur 500 at ×13 output
        // scale is σ ≈ 3,250 px over a 2.6 Mpx-tall shape: the mask is downscaled and cropped to the surface,
        // so this stays small and fast instead of running out of memory.
        PreparedDocument doc = parse("""
                {"type":"scene","width":300,"height":160,"background":"#ffffff","layers":[
                  {"type":"rect","x":-10300,"y":-100000,"width":10000,"height":200000,"fill":"#000000",
                   "shadow":{"dx":10000,"dy":0,"blur":500,"color":"#000000"}}]}
                """);
        BufferedImage img = doc.draw(3900, 2080, 0, CancellationSignal.NONE);
        int centre = img.getRGB(1950, 1040);
        assertThat(centre >>> 24).isEqualTo(255);
        assertThat((centre >> 16) & 0xff).isLessThan(32); // 1.8 σ inside the shadow's edge: nearly black
    }

    @Test
    void groupOpacityOffscreenIsCroppedToTheSurface() {
        // Regression: a BufferedImage's Graphics2D reports unbounded device bounds, so the offscreen for a
        // huge translucent group was sized to the group (2.6 M px square here) instead of the canvas.
        PreparedDocument doc = parse("""
                {"type":"scene","width":300,"height":160,"background":"#ffffff","layers":[
                  {"type":"group","opacity":0.5,"layers":[
                    {"type":"rect","x":-100000,"y":-100000,"width":200000,"height":200000,"fill":"#000000"}]}]}
                """);
        BufferedImage img = doc.draw(3900, 2080, 0, CancellationSignal.NONE);
        int centre = img.getRGB(1950, 1040);
        assertThat((centre >> 16) & 0xff).isBetween(126, 129);
    }

    @Test
    void drawStopsWhenCancelledBetweenLayers() {
        PreparedDocument doc = parse(SampleScenes.REFERENCE_CARD);
        AtomicInteger polls = new AtomicInteger();
        CancellationSignal afterThree = () -> polls.incrementAndGet() > 3;
        assertThatThrownBy(() -> doc.draw(1200, 630, 0, afterThree)).isInstanceOf(RenderCancelledException.class);
        assertThat(polls.get()).isEqualTo(4);
    }

    @Test
    void publicEngineAcceptsAScene() {
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        PreparedRender prepared = engine.prepare(tree(
                "{\"document\":" + SampleScenes.REFERENCE_CARD + ",\"output\":{\"format\":\"png\",\"width\":600}}"));
        assertThat(prepared.output().width()).isEqualTo(600);
        assertThat(prepared.output().height()).isEqualTo(315);
        BufferedImage img = prepared.document()
                .draw(prepared.output().width(), prepared.output().height(), 0, CancellationSignal.NONE);
        assertThat(img.getWidth()).isEqualTo(600);
        assertThat(img.getRGB(300, 5) >>> 24).isEqualTo(255); // the opaque gradient background

        PreparedRender frame =
                engine.prepare(tree("{\"document\":" + SampleScenes.ANIMATED + ",\"output\":{\"frame\":29}}"));
        assertThat(frame.output().frame()).isEqualTo(29);
        assertThatThrownBy(() ->
                        engine.prepare(tree("{\"document\":" + SampleScenes.ANIMATED + ",\"output\":{\"frame\":30}}")))
                .isInstanceOf(dev.kiln.render.InvalidDocumentException.class)
                .hasMessageContaining("/output/frame");
    }

    @Test
    void unknownFontFamilyFallsBackToTheBundledFont() {
        String a = "{\"type\":\"scene\",\"width\":120,\"height\":40,\"layers\":[{\"type\":\"text\",\"width\":120,"
                + "\"text\":\"Hello\",\"fontSize\":20,\"fontFamily\":\"%s\"}]}";
        int[] dejavu = pixels(draw(parse(a.formatted("DejaVu Sans")), 0));
        int[] unknown = pixels(draw(parse(a.formatted("Comic Nonexistent")), 0));
        assertThat(unknown).isEqualTo(dejavu);
        assertThat(java.util.Arrays.stream(dejavu).anyMatch(p -> p != 0)).isTrue();
    }
}
