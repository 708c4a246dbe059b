package dev.kiln.svg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ResvgEngineTest {
    private static final String HALF_RED = "<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20'>"
            + "<rect width='20' height='20' fill='red' fill-opacity='0.5'/>"
            + "<circle cx='30' cy='10' r='8' fill='#0a8'/></svg>";

    private final ResvgEngine engine = new ResvgEngine(ResvgLimits.defaults());

    @Test
    void rendersPremultipliedRgbaAtTheRequestedWidth() {
        RgbaImage at = engine.render(HALF_RED, 0);
        assertThat(at.width()).isEqualTo(40);
        assertThat(at.height()).isEqualTo(20);
        // 50 % red: premultiplied R = A ≈ 128, straight = opaque red at half alpha.
        int i = (10 * 40 + 10) * 4;
        assertThat(at.rgba()[i] & 0xff).isEqualTo(at.rgba()[i + 3] & 0xff).isBetween(127, 128);
        assertThat(at.straightArgb(10, 10) & 0xffffff).isEqualTo(0xff0000);

        RgbaImage scaled = engine.render(HALF_RED, 80);
        assertThat(scaled.width()).isEqualTo(80);
        assertThat(scaled.height()).isEqualTo(40);
    }

    @Test
    void sameSvgGivesTheSameBytesOnEightThreadsAtOnce() throws Exception {
        String svg = java.nio.file.Files.readString(
                SuiteSample.root().resolve("painting/mix-blend-mode/opacity-on-element.svg"));
        byte[] single = engine.render(svg, 200).rgba();
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    gate.await();
                    return engine.render(svg, 200).rgba();
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

    @Test
    void anInterruptedThreadStopsTheRenderAndKeepsItsFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> engine.render(HALF_RED, 400)).isInstanceOf(ResvgInterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anOutputOverTheCapIsRefusedBeforeDrawing() {
        ResvgEngine capped = new ResvgEngine(new ResvgLimits(ResvgLimits.DEFAULT_MAX_MEMORY_PAGES, 1_000_000));
        String big = "<svg xmlns='http://www.w3.org/2000/svg' width='2000' height='2000'/>";
        assertThatThrownBy(() -> capped.render(big, 0))
                .isInstanceOf(ResvgException.class)
                .hasMessageContaining("2000 × 2000");
        assertThat(capped.render(big, 1000).height()).isEqualTo(1000);
    }

    @Test
    void aRenderOverTheMemoryCeilingFailsWithoutTouchingTheJvmHeap() {
        // 4 MiB of WebAssembly memory cannot hold the module's data plus a 1000 × 1000 pixmap and its blur buffers.
        ResvgEngine small = new ResvgEngine(new ResvgLimits(64, 1_000_000));
        String blurred = "<svg xmlns='http://www.w3.org/2000/svg' width='1000' height='1000'>"
                + "<filter id='b'><feGaussianBlur stdDeviation='30'/></filter>"
                + "<rect width='1000' height='1000' fill='navy' filter='url(#b)'/></svg>";
        assertThatThrownBy(() -> small.render(blurred, 0)).isInstanceOf(ResvgException.class);
        assertThat(engine.render(blurred, 100).width()).isEqualTo(100);
    }

    @Test
    void aHostileFilterIsStoppedAtItsDeadlineAndTheThreadIsFreeAgain() throws Exception {
        // feMorphology erodes in O(radius²) per pixel: with radius 9999 this runs for many minutes unless stopped.
        String hostile = "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='200'>"
                + "<filter id='m'><feMorphology radius='9999'/></filter>"
                + "<rect x='20' y='20' width='160' height='160' fill='seagreen' filter='url(#m)'/></svg>";
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch started = new CountDownLatch(1);
            Future<RgbaImage> render = worker.submit(() -> {
                started.countDown();
                return engine.render(hostile, 0);
            });
            started.await();
            // The deadline guard's move: interrupt the render thread (Future.cancel does exactly that).
            assertThatThrownBy(() -> render.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            render.cancel(/* mayInterruptIfRunning= */ true);
            // The same single thread takes the next render only once the hostile one has let go of it.
            assertThat(worker.submit(() -> engine.render(HALF_RED, 0).width()).get(30, TimeUnit.SECONDS))
                    .isEqualTo(40);
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    void aDocumentResvgCannotParseIsAnError() {
        assertThatThrownBy(() -> engine.render("<svg", 0))
                .isInstanceOf(ResvgException.class)
                .hasMessageStartingWith("resvg parse");
    }
}
