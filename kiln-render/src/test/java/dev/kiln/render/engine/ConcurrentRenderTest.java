package dev.kiln.render.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One prepared render shared by several threads must give the same bytes as a lone render: prepared documents
 * hold only immutable state, and each render builds its own JSVG tree, Skottie animation and surface.
 */
class ConcurrentRenderTest {
    private static final int THREADS = 4;
    private static final int RENDERS_PER_THREAD = 15;

    @Test
    void sharedPreparedRendersGiveIdenticalBytesOnEveryThread() throws Exception {
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        PreparedRender lottie = engine.prepare(
                Requests.withOutput(Requests.lottieResource("/golden/lottie/ball.json"), "png", null, null, 20));
        PreparedRender svg = engine.prepare(
                Requests.withOutput(Requests.svg(Requests.resource("/golden/svg/card.svg")), "jpeg", 300, null, null));
        byte[] lottieExpected = engine.render(lottie, CancellationSignal.NONE).bytes();
        byte[] svgExpected = engine.render(svg, CancellationSignal.NONE).bytes();

        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                results.add(pool.submit(() -> {
                    gate.await();
                    int mismatches = 0;
                    for (int i = 0; i < RENDERS_PER_THREAD; i++) {
                        byte[] l =
                                engine.render(lottie, CancellationSignal.NONE).bytes();
                        byte[] s = engine.render(svg, CancellationSignal.NONE).bytes();
                        mismatches += Arrays.equals(l, lottieExpected) ? 0 : 1;
                        mismatches += Arrays.equals(s, svgExpected) ? 0 : 1;
                    }
                    return mismatches;
                }));
            }
            gate.countDown();
            for (Future<Integer> r : results) {
                // get() rethrows the first failure of that thread
                assertThat(r.get())
                        .as("renders differing from the single-thread bytes")
                        .isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
