package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.RenderOutput;
import dev.kiln.render.Renderer;
import dev.kiln.renderpool.PoolConfig;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression (issue 10, burst on a fresh replica): a burst against an idle server passed the early queue check all
 * at once, every request parsed its document on its virtual thread's carrier, and the 429s waited behind the parses.
 * Now the render pool holds a slot from the body's read to the submit, and parsing runs off the carriers.
 */
class BurstParsingTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    /** Parsing waits for the test's gate, on whatever thread the server gives it; rendering is the real engine's. */
    static final class GatedParser implements Renderer {
        private final Renderer delegate = RenderEngine.create(RenderLimits.defaults());
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger parsing = new AtomicInteger();
        final ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();

        @Override
        public PreparedRender prepare(JsonNode request) {
            threads.add(Thread.currentThread());
            parsing.incrementAndGet();
            try {
                if (!gate.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return delegate.prepare(request);
        }

        @Override
        public RenderOutput render(PreparedRender prepared, CancellationSignal cancel) {
            return delegate.render(prepared, cancel);
        }
    }

    @Test
    void aBurstIsRefusedWhileTheAdmittedDocumentsAreStillBeingParsed() throws Exception {
        GatedParser renderer = new GatedParser();
        // 1 worker and no queue: one request may be parsing, the rest must be refused meanwhile.
        PoolConfig pool = new PoolConfig(1, 0, Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(5));
        Map<String, String> budget = Map.of("X-Timeout-Ms", Long.toString(HttpConfig.DEFAULT_MAX_TIMEOUT.toMillis()));
        try (TestServer server = TestServer.start(db.database(), pool, renderer, TestServer.http());
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<byte[]>>> admitted = new ArrayList<>();
            admitted.add(clients.submit(() -> server.post("/v1/renders", Docs.blue("png"), budget)));
            Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> renderer.parsing.get() == 1);

            // With the parse still held, later requests are answered at once, before any document of theirs is read.
            List<Future<HttpResponse<byte[]>>> burst = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                burst.add(clients.submit(() -> server.post("/v1/renders", Docs.blue("png"), budget)));
            }
            for (Future<HttpResponse<byte[]>> f : burst) {
                HttpResponse<byte[]> res = f.get(1, TimeUnit.MINUTES);
                assertThat(res.statusCode())
                        .as("refused while the gate is still closed")
                        .isEqualTo(429);
                assertThat(res.headers().firstValue("Retry-After")).isPresent();
            }
            assertThat(renderer.parsing.get())
                    .as("no refused document was parsed")
                    .isEqualTo(1);

            renderer.gate.countDown();
            for (Future<HttpResponse<byte[]>> f : admitted) {
                assertThat(f.get(1, TimeUnit.MINUTES).statusCode()).isEqualTo(200);
            }
            // Slots held during parsing were turned into the renders, and are free again afterwards.
            assertThat(server.post("/v1/renders", Docs.blue("png"), budget).statusCode())
                    .isEqualTo(200);
        }
        for (Thread t : renderer.threads) {
            assertThat(t.isVirtual())
                    .as("parsing never runs on a request's carrier")
                    .isFalse();
            assertThat(t.getName()).startsWith("kiln-prepare-");
            assertThat(t.getPriority()).isEqualTo(Thread.MIN_PRIORITY);
        }
    }
}
