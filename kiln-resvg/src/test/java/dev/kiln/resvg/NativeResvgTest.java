package dev.kiln.resvg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NativeResvgTest {
    private static final Path FONTS = Path.of("../kiln-render/src/main/resources/dev/kiln/render/fonts");
    private static final String RED_SQUARE = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
            + "<rect width='10' height='10' fill='#ff0000' fill-opacity='0.5'/></svg>";
    /** Minutes of work for resvg: a 9999 px morphology radius over a large area. */
    private static final String ENDLESS = "<svg xmlns='http://www.w3.org/2000/svg' width='2000' height='2000'>"
            + "<filter id='f'><feMorphology radius='9999'/></filter>"
            + "<rect width='2000' height='2000' fill='blue' filter='url(#f)'/></svg>";

    private static NativeResvg engine;

    @BeforeAll
    static void start() throws Exception {
        engine = NativeResvg.start(settings(512L << 20, 4));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static NativeResvg.Settings settings(long addressSpace, int children) throws Exception {
        return new NativeResvg.Settings(
                Map.of("DejaVuSans.ttf", Files.readAllBytes(FONTS.resolve("DejaVuSans.ttf"))),
                "DejaVu Sans",
                addressSpace,
                children);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rendersPremultipliedRgbaAtTheRequestedWidth() throws Exception {
        ArgbPixels own = engine.render(utf8(RED_SQUARE), 0, 1_000_000, () -> false);
        assertThat(own.width()).isEqualTo(10);
        assertThat(own.height()).isEqualTo(10);
        // #ff0000 at 50 %: premultiplied red 128 (or 127), alpha 128 (or 127), no green or blue.
        int px = own.argb()[0];
        assertThat(px >>> 24).isBetween(127, 128);
        assertThat(px >> 16 & 0xff).isBetween(127, 128);
        assertThat(px & 0xffff).isZero();

        ArgbPixels scaled = engine.render(utf8(RED_SQUARE), 40, 1_000_000, () -> false);
        assertThat(scaled.width()).isEqualTo(40);
        assertThat(scaled.height()).isEqualTo(40);
    }

    @Test
    void sameSvgGivesTheSameBytesUnderEightWayConcurrency() throws Exception {
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' width='300' height='200'>"
                + "<defs><linearGradient id='g'><stop offset='0' stop-color='#08f'/><stop offset='1' stop-color='#f80'/>"
                + "</linearGradient><filter id='b'><feGaussianBlur stdDeviation='4'/></filter></defs>"
                + "<circle cx='150' cy='100' r='80' fill='url(#g)' filter='url(#b)'/>"
                + "<text x='20' y='190' font-size='24'>Kiln</text></svg>";
        int[] expected = engine.render(utf8(svg), 300, 1_000_000, () -> false).argb();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() ->
                        engine.render(utf8(svg), 300, 1_000_000, () -> false).argb()));
            }
            for (Future<int[]> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(engine.liveChildren()).isBetween(1, 4);
    }

    @Test
    void textIsDrawnWithTheBundledFont() throws Exception {
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='60'>"
                + "<text x='10' y='45' font-size='40' font-family='Nonexistent Family'>Kiln</text></svg>";
        ArgbPixels pixels = engine.render(utf8(svg), 0, 1_000_000, () -> false);
        int inked = 0;
        for (int p : pixels.argb()) {
            inked += (p >>> 24) > 128 ? 1 : 0;
        }
        assertThat(inked).as("opaque pixels of the glyphs").isGreaterThan(500);
    }

    @Test
    void aCancelledRenderKillsItsChildAndTheNextRenderWorks() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        assertThatThrownBy(() -> engine.render(utf8(ENDLESS), 0, 10_000_000, () -> polls.incrementAndGet() > 3))
                .isInstanceOfSatisfying(
                        ResvgFailure.class, e -> assertThat(e.kind()).isEqualTo(ResvgFailure.Kind.CANCELLED));
        assertThat(engine.render(utf8(RED_SQUARE), 0, 100, () -> false).width()).isEqualTo(10);
    }

    @Test
    void anOversizedOutputIsRefusedBeforeAnyPixelAndKeepsItsChild() throws Exception {
        String huge = "<svg xmlns='http://www.w3.org/2000/svg' width='20000' height='20000'/>";
        assertThatThrownBy(() -> engine.render(utf8(huge), 0, 16_000_000, () -> false))
                .isInstanceOfSatisfying(ResvgFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(ResvgFailure.Kind.TOO_LARGE);
                    assertThat(e.getMessage()).contains("20000x20000");
                });
        assertThatThrownBy(() -> engine.render(utf8(RED_SQUARE), 4000, 1_000_000, () -> false))
                .isInstanceOfSatisfying(
                        ResvgFailure.class, e -> assertThat(e.kind()).isEqualTo(ResvgFailure.Kind.TOO_LARGE));
    }

    @Test
    void notSvgIsRefusedWithResvgsReason() throws Exception {
        assertThatThrownBy(() -> engine.render(utf8("<html>no</html>"), 0, 1_000_000, () -> false))
                .isInstanceOfSatisfying(ResvgFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(ResvgFailure.Kind.REFUSED);
                    assertThat(e.getMessage()).isNotBlank();
                });
        assertThatThrownBy(() -> engine.render(new byte[] {(byte) 0xff, 0, 1, 2}, 0, 1_000_000, () -> false))
                .isInstanceOfSatisfying(
                        ResvgFailure.class, e -> assertThat(e.kind()).isEqualTo(ResvgFailure.Kind.REFUSED));
    }

    @Test
    void aRenderOverTheMemoryCeilingFailsAloneAndTheEngineRecovers() throws Exception {
        try (NativeResvg small = NativeResvg.start(settings(256L << 20, 1))) {
            // 10000 × 10000 × 4 bytes = 381 MiB for the pixmap alone, over a 256 MiB address space.
            String big = "<svg xmlns='http://www.w3.org/2000/svg' width='10000' height='10000'>"
                    + "<rect width='10000' height='10000' fill='green'/></svg>";
            assertThatThrownBy(() -> small.render(utf8(big), 0, 100_000_000, () -> false))
                    .isInstanceOfSatisfying(
                            ResvgFailure.class,
                            e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(ResvgFailure.Kind.OUT_OF_MEMORY));
            assertThat(small.render(utf8(RED_SQUARE), 0, 100, () -> false).height())
                    .isEqualTo(10);
        }
    }

    @Test
    void aKilledChildCostsNothingButItself() throws Exception {
        try (NativeResvg own = NativeResvg.start(settings(512L << 20, 1))) {
            List<Long> pids = own.childPids();
            assertThat(pids).hasSize(1);
            assertThat(Files.readString(Path.of("/proc/" + pids.get(0) + "/oom_score_adj"))
                            .strip())
                    .as("the kernel's OOM killer takes a render child before the JVM")
                    .isEqualTo("1000");
            String stat = Files.readString(Path.of("/proc/" + pids.get(0) + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertThat(Integer.parseInt(fields[16]))
                    .as("nice, as the render workers")
                    .isGreaterThanOrEqualTo(10);
            ProcessHandle child = ProcessHandle.of(pids.get(0)).orElseThrow();
            child.destroyForcibly();
            child.onExit().get(10, TimeUnit.SECONDS);
            assertThat(own.render(utf8(RED_SQUARE), 0, 100, () -> false).width())
                    .isEqualTo(10);
            assertThat(own.childPids()).hasSize(1).doesNotContain(pids.get(0));
        }
    }

    @Test
    void theChildCanReadItsFontsAndNothingElse() throws Exception {
        Path font = engine.fontDirectory().resolve("DejaVuSans.ttf");
        String report = engine.probeSandbox(List.of(font, Path.of("/etc/passwd"), Path.of("/proc/self/maps")));
        assertThat(report)
                .contains("open " + font + ": ok")
                .contains("open /etc/passwd: Permission denied")
                .contains("open /proc/self/maps: Permission denied")
                .contains("create: Permission denied")
                .contains("socket: Operation not permitted")
                .contains("fork: Operation not permitted")
                .contains("execve: Operation not permitted");
    }
}
