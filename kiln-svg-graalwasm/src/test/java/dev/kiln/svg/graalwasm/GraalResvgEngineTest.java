package dev.kiln.svg.graalwasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.svg.ResvgEngine;
import dev.kiln.svg.ResvgException;
import dev.kiln.svg.ResvgInterruptedException;
import dev.kiln.svg.ResvgLimits;
import dev.kiln.svg.RgbaImage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GraalResvgEngineTest {
    private static final String HALF_RED = "<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20'>"
            + "<rect width='20' height='20' fill='red' fill-opacity='0.5'/>"
            + "<circle cx='30' cy='10' r='8' fill='#0a8'/></svg>";

    /** feMorphology erodes in O(radius²) per pixel: with radius 9999 this runs for many minutes unless stopped. */
    private static final String HOSTILE = "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='200'>"
            + "<filter id='m'><feMorphology radius='9999'/></filter>"
            + "<rect x='20' y='20' width='160' height='160' fill='seagreen' filter='url(#m)'/></svg>";

    private static GraalResvgEngine engine;

    @BeforeAll
    static void start() {
        engine = new GraalResvgEngine(ResvgLimits.defaults(), GraalResvgEngine.Isolation.CONTEXT_PER_RENDER);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void runsOnTheOptimizingTruffleRuntimeNotTheFallbackInterpreter() {
        // The surefire argLine enables JVMCI and puts the Graal compiler on the upgrade module path; without them
        // the polyglot engine reports "Interpreted" (and warns that it uses a fallback runtime).
        assertThat(engine.implementationName()).isEqualTo("GraalVM CE");
        assertThat(engine.optimizing()).isTrue();
    }

    @Test
    void givesTheSameBytesAsTheChicoryEngineForTheSameModule() throws Exception {
        String svg = Files.readString(Suite.root().resolve("painting/mix-blend-mode/opacity-on-element.svg"));
        RgbaImage chicory = new ResvgEngine(ResvgLimits.defaults()).render(svg, 120);
        RgbaImage graal = engine.render(svg, 120);
        assertThat(graal.width()).isEqualTo(chicory.width());
        assertThat(graal.height()).isEqualTo(chicory.height());
        assertThat(graal.rgba()).isEqualTo(chicory.rgba());
        assertThat(engine.render(HALF_RED, 0).straightArgb(10, 10) & 0xffffff).isEqualTo(0xff0000);
    }

    @Test
    void bothIsolationsGiveTheSameBytesOnFourThreadsAtOnce() throws Exception {
        String svg = Files.readString(Suite.root().resolve("masking/mask/on-group-with-transform.svg"));
        byte[] single = engine.render(svg, 150).rgba();
        try (GraalResvgEngine pooled =
                new GraalResvgEngine(ResvgLimits.defaults(), GraalResvgEngine.Isolation.INSTANCE_PER_RENDER)) {
            CountDownLatch gate = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<byte[]>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    GraalResvgEngine e = t % 2 == 0 ? engine : pooled;
                    results.add(pool.submit(() -> {
                        gate.await();
                        return e.render(svg, 150).rgba();
                    }));
                }
                gate.countDown();
                for (Future<byte[]> r : results) {
                    assertThat(r.get()).isEqualTo(single);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aHostileFilterStopsAtItsDeadline() {
        assertThatThrownBy(() -> engine.render(HOSTILE, 0, Duration.ofMillis(300)))
                .isInstanceOf(ResvgInterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(engine.render(HALF_RED, 0).width()).isEqualTo(40);
    }

    @Test
    void interruptingTheRenderThreadStopsItAndFreesTheThread() throws Exception {
        for (GraalResvgEngine.Isolation isolation : GraalResvgEngine.Isolation.values()) {
            try (GraalResvgEngine e = new GraalResvgEngine(ResvgLimits.defaults(), isolation)) {
                ExecutorService worker = Executors.newSingleThreadExecutor();
                try {
                    CountDownLatch started = new CountDownLatch(1);
                    Future<RgbaImage> render = worker.submit(() -> {
                        started.countDown();
                        return e.render(HOSTILE, 0);
                    });
                    started.await();
                    assertThatThrownBy(() -> render.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
                    // The deadline guard's move: Future.cancel interrupts the render thread.
                    render.cancel(/* mayInterruptIfRunning= */ true);
                    assertThat(worker.submit(() -> e.render(HALF_RED, 0).width())
                                    .get(60, TimeUnit.SECONDS))
                            .as(isolation.name())
                            .isEqualTo(40);
                } finally {
                    worker.shutdownNow();
                }
            }
        }
    }

    @Test
    void aRenderOverTheMemoryCeilingFails() {
        String blurred = "<svg xmlns='http://www.w3.org/2000/svg' width='1000' height='1000'>"
                + "<filter id='b'><feGaussianBlur stdDeviation='30'/></filter>"
                + "<rect width='1000' height='1000' fill='navy' filter='url(#b)'/></svg>";
        // 4 MiB of WebAssembly memory cannot hold the module's data plus a 1000 × 1000 pixmap and its blur buffers.
        try (GraalResvgEngine small =
                new GraalResvgEngine(new ResvgLimits(64, 1_000_000), GraalResvgEngine.Isolation.CONTEXT_PER_RENDER)) {
            assertThatThrownBy(() -> small.render(blurred, 0)).isInstanceOf(ResvgException.class);
        }
        assertThat(engine.render(blurred, 100).width()).isEqualTo(100);
    }

    @Test
    void anOutputOverThePixelCapIsRefusedBeforeDrawing() {
        try (GraalResvgEngine capped = new GraalResvgEngine(
                new ResvgLimits(ResvgLimits.DEFAULT_MAX_MEMORY_PAGES, 1_000_000),
                GraalResvgEngine.Isolation.CONTEXT_PER_RENDER)) {
            String big = "<svg xmlns='http://www.w3.org/2000/svg' width='2000' height='2000'/>";
            assertThatThrownBy(() -> capped.render(big, 0))
                    .isInstanceOf(ResvgException.class)
                    .hasMessageContaining("2000 × 2000");
        }
    }

    @Test
    void aDocumentResvgCannotParseIsAnError() {
        assertThatThrownBy(() -> engine.render("<svg", 0))
                .isInstanceOf(ResvgException.class)
                .hasMessageStartingWith("resvg parse");
    }
}
