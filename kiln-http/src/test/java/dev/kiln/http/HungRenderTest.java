package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.RenderOutput;
import dev.kiln.render.Renderer;
import dev.kiln.render.svg.SvgSandbox;
import dev.kiln.renderpool.PoolConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11: no document takes capacity away for good. resvg's {@code negative-stdDeviation.svg} once sent JSVG into
 * an endless loop and, sent twice, took an instance out for ever.
 */
class HungRenderTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final String NEGATIVE_BLUR = "<svg viewBox=\"0 0 200 200\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<filter id=\"f\"><feGaussianBlur stdDeviation=\"-50\"/></filter>"
            + "<rect x=\"20\" y=\"20\" width=\"160\" height=\"160\" fill=\"seagreen\" filter=\"url(#f)\"/></svg>";

    static final Duration BUDGET = Duration.ofMillis(2000);
    /**
     * These documents never finish on their own, so any answer long before the client's 30 s timeout comes from
     * the deadline. The bound is loose on purpose (issue 10: a loaded 2-core machine missed "budget + 1 s"); how
     * close to the budget the answer comes is a benchmark figure, not a unit-test assertion.
     */
    static final Duration ANSWER_BOUND = BUDGET.plusSeconds(8);

    static final PoolConfig TWO_WORKERS = new PoolConfig(
            2, 8, Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(5), 2, Duration.ofSeconds(2));

    @Test
    void negativeBlurSentTwiceAtOnceIsAnsweredInBudgetAndLeavesFullCapacity() throws Exception {
        try (TestServer server = TestServer.start(
                db.database(), TWO_WORKERS, RenderEngine.create(RenderLimits.defaults()), TestServer.http())) {
            List<Answer> answers = twiceAtOnce(server, Docs.svgRender(NEGATIVE_BLUR, "png"));

            for (Answer a : answers) {
                assertThat(a.status()).as("refused at prepare time").isEqualTo(422);
                assertThat(a.tookNanos()).isLessThan(ANSWER_BOUND.toNanos());
            }
            assertFullCapacity(server);
        }
    }

    /** Every hang the fuzzer and the suite scan found (kiln-render's {@code hangs/}), sent twice at once. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "feDropShadow-negative-stdDeviation.svg",
                "feGaussianBlur-negative-stdDeviation-y.svg",
                "feGaussianBlur-negative-stdDeviation.svg",
                "path-number-after-closepath.svg",
                "stroke-dasharray-tiny-dashes.svg"
            })
    void everyKnownHangIsAnsweredInBudgetAndLeavesFullCapacity(String file) throws Exception {
        String svg;
        try (var in = HungRenderTest.class.getResourceAsStream("/hangs/" + file)) {
            svg = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (TestServer server = TestServer.start(
                db.database(), TWO_WORKERS, RenderEngine.create(RenderLimits.defaults()), TestServer.http())) {
            for (Answer a : twiceAtOnce(server, Docs.svgRender(svg, "png"))) {
                assertThat(a.status()).as(file).isIn(422, 504);
                assertThat(a.tookNanos()).isLessThan(ANSWER_BOUND.toNanos());
            }
            assertFullCapacity(server);
        }
    }

    /** Validation is never the only defence: the same loop reached past the pre-pass stops at the budget. */
    @Test
    void jsvgLoopPastValidationIsStoppedAtTheBudgetAndTheWorkersComeBack() throws Exception {
        try (TestServer server = TestServer.start(db.database(), TWO_WORKERS, new PrepassBypass(), TestServer.http())) {
            List<Answer> answers = twiceAtOnce(server, Docs.svgRender(PrepassBypass.MARKED, "png"));

            for (Answer a : answers) {
                assertThat(a.status()).isEqualTo(504);
                assertThat(a.tookNanos()).isLessThan(ANSWER_BOUND.toNanos());
            }
            assertFullCapacity(server);
            assertThat(server.pool.snapshot().abandoned())
                    .as("interrupted, not abandoned")
                    .isZero();
        }
    }

    /** Code that ignores both cancellation and interrupts (native code) is abandoned, replaced, then fails liveness. */
    @Test
    void renderIgnoringInterruptsIsAbandonedReplacedAndFailsLivenessUntilItEnds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Renderer stubborn = new Stubborn(RenderEngine.create(RenderLimits.defaults()), release);
        try (TestServer server = TestServer.start(db.database(), TWO_WORKERS, stubborn, TestServer.http())) {
            List<Answer> answers = twiceAtOnce(server, Docs.blue("png"));
            for (Answer a : answers) {
                assertThat(a.status()).isEqualTo(504);
                assertThat(a.tookNanos()).isLessThan(ANSWER_BOUND.toNanos());
            }

            // Past deadline + grace both workers are abandoned and replaced: capacity is back.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.pool.snapshot().abandoned() == 2);
            assertThat(server.pool.snapshot().running()).isZero();
            assertThat(server.get("/readyz").statusCode()).isEqualTo(200);

            // Past the wedge limit only a restart can stop those threads: liveness says so.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.get("/healthz").statusCode() == 503);
            assertThat(new String(server.get("/healthz").body(), StandardCharsets.UTF_8))
                    .contains("wedged");

            release.countDown(); // the stuck threads finally return, and exit
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.pool.snapshot().abandoned() == 0);
            assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
            assertFullCapacity(server);
        }
    }

    record Answer(int status, long tookNanos) {}

    /** Sends {@code body} twice at once with the 2 s budget; HostileSvgTest uses it too. */
    static List<Answer> twiceAtOnce(TestServer server, String body) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<CompletableFuture<Answer>> calls = List.of(1, 2).stream()
                .map(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> res =
                            server.post("/v1/renders", body, Map.of("X-Timeout-Ms", Long.toString(BUDGET.toMillis())));
                    return new Answer(res.statusCode(), System.nanoTime() - t0);
                }))
                .toList();
        gate.countDown();
        return calls.stream().map(CompletableFuture::join).toList();
    }

    /** Both workers idle and serving, ready and live, and no render thread burning CPU. */
    private static void assertFullCapacity(TestServer server) throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> server.pool.snapshot().running() == 0);
        assertThat(server.pool.isLive()).isTrue();
        assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(new CpuFlat()::settled);
        List<CompletableFuture<HttpResponse<byte[]>>> two = List.of(1, 2).stream()
                .map(i -> CompletableFuture.supplyAsync(() -> server.post("/v1/renders", Docs.blue("png"))))
                .toList();
        for (CompletableFuture<HttpResponse<byte[]>> f : two) {
            assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    /** Render threads' total CPU time stays under 50 ms per half-second poll: nothing is spinning. */
    static final class CpuFlat {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private long last = -1;

        boolean settled() {
            long now = renderCpuNanos();
            boolean flat = last >= 0 && now - last < Duration.ofMillis(50).toNanos();
            last = now;
            return flat;
        }

        private long renderCpuNanos() {
            long total = 0;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("kiln-render-") && !t.getName().equals("kiln-render-watchdog")) {
                    long cpu = threads.getThreadCpuTime(t.threadId());
                    total += Math.max(0, cpu);
                }
            }
            return total;
        }
    }

    /** Validates the request normally, then draws the endless-loop SVG straight through JSVG, as if it had slipped past. */
    static final class PrepassBypass implements Renderer {
        /** A harmless SVG whose marker comment asks for the bypass; any other request renders normally. */
        static final String MARKED = Docs.BLUE_SVG.replace("</svg>", "<!-- kiln-test-hang --></svg>");

        private final RenderEngine engine = RenderEngine.create(RenderLimits.defaults());

        @Override
        public PreparedRender prepare(JsonNode request) {
            PreparedRender valid = engine.prepare(request);
            if (!request.toString().contains("kiln-test-hang")) {
                return valid;
            }
            var hung = SvgSandbox.rasterizer()
                    .load(NEGATIVE_BLUR.getBytes(StandardCharsets.UTF_8), 200, 200)
                    .orElseThrow();
            return new PreparedRender(hung, valid.output());
        }

        @Override
        public RenderOutput render(PreparedRender prepared, CancellationSignal cancel) {
            return engine.render(prepared, cancel);
        }
    }

    /** Spins, ignoring cancellation and interrupts, until released: what native code stuck in a loop looks like. */
    static final class Stubborn implements Renderer {
        private final Renderer delegate;
        private final CountDownLatch release;

        Stubborn(Renderer delegate, CountDownLatch release) {
            this.delegate = delegate;
            this.release = release;
        }

        @Override
        public PreparedRender prepare(JsonNode request) {
            return delegate.prepare(request);
        }

        @Override
        public RenderOutput render(PreparedRender prepared, CancellationSignal cancel) {
            while (release.getCount() > 0) {
                Thread.interrupted(); // deaf to interrupts, as native code is
                java.util.concurrent.locks.LockSupport.parkNanos(
                        Duration.ofMillis(5).toNanos());
            }
            return delegate.render(prepared, CancellationSignal.NONE);
        }
    }
}
