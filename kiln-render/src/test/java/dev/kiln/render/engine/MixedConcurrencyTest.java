package dev.kiln.render.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.scene.SampleScenes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * State must not leak between concurrent jobs: 8 threads, released at one gate, render a mix of scenes, SVGs
 * and Lottie frames in every format through the public engine, 1,000+ times; every output must equal the
 * bytes the same request gave when rendered alone.
 */
class MixedConcurrencyTest {
    static final int THREADS = 8;
    static final int RENDERS_PER_THREAD = 130;

    @Test
    void concurrentRendersOfDistinctDocumentsEqualTheirSerialReferences() throws Exception {
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        List<JsonNode> requests = requests();
        assertThat(requests).hasSizeGreaterThanOrEqualTo(12);
        List<PreparedRender> prepared = new ArrayList<>();
        List<byte[]> reference = new ArrayList<>();
        for (JsonNode r : requests) {
            PreparedRender p = engine.prepare(r);
            prepared.add(p);
            reference.add(engine.render(p, CancellationSignal.NONE).bytes());
        }

        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        AtomicInteger mismatches = new AtomicInteger();
        AtomicInteger renders = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int offset = t;
            threads.add(Thread.ofPlatform().name("render-" + t).start(() -> {
                try {
                    gate.await();
                    for (int i = 0; i < RENDERS_PER_THREAD; i++) {
                        int k = (offset * 7 + i) % prepared.size();
                        // Half the renders re-prepare from JSON, half share the prepared plan.
                        PreparedRender p = i % 2 == 0 ? prepared.get(k) : engine.prepare(requests.get(k));
                        byte[] out = engine.render(p, CancellationSignal.NONE).bytes();
                        renders.incrementAndGet();
                        if (!Arrays.equals(out, reference.get(k))) {
                            mismatches.incrementAndGet();
                            firstFailure.compareAndSet(null, new AssertionError("request " + k + " differed"));
                        }
                    }
                } catch (Throwable e) {
                    firstFailure.compareAndSet(null, e);
                }
            }));
        }
        gate.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(firstFailure.get()).isNull();
        assertThat(mismatches.get()).isZero();
        assertThat(renders.get()).isGreaterThanOrEqualTo(1000);
    }

    /** 8+ distinct small scenes, 2 SVGs and 2 Lottie frames, spread over png, jpeg and webp. */
    static List<JsonNode> requests() throws Exception {
        String[] formats = {"png", "jpeg", "webp"};
        List<JsonNode> out = new ArrayList<>();
        int i = 0;
        for (String scene : SampleScenes.distinctSmallScenes()) {
            ObjectNode req = Requests.JSON.createObjectNode();
            req.set("document", Requests.JSON.readTree(scene));
            req.putObject("output").put("format", formats[i++ % 3]);
            out.add(req);
        }
        out.add(Requests.withOutput(Requests.svg(Requests.resource("/golden/svg/shapes.svg")), "png", 200, null, null));
        out.add(Requests.withOutput(
                Requests.svg(Requests.resource("/golden/svg/gradients.svg")), "webp", 200, null, null));
        out.add(Requests.withOutput(Requests.lottieResource("/golden/lottie/ball.json"), "png", null, null, 10));
        out.add(Requests.withOutput(Requests.lottieResource("/golden/lottie/ball.json"), "jpeg", null, null, 40));
        return out;
    }
}
