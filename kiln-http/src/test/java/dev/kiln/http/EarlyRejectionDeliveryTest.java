package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.renderpool.PoolConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10: in a 1-CPU box a burst of 120 renders of a 60 KB SVG ended with 4 connections closed and no HTTP answer.
 * An early 429 is written before the body is read; closing the socket with the body unread makes the kernel reset
 * the connection, and a client still uploading never reads its answer. Half of these clients ask for {@code
 * Connection: close} (where Helidon does not drain the body itself) and a third upload slowly, so that the answer
 * is written long before the body has arrived. A write that fails counts as a lost answer, as it does for clients
 * that abort on a send error.
 */
class EarlyRejectionDeliveryTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final int BURST = 120;

    @Test
    void everyRequestOfABurstOfLargeBodiesRejectedBeforeItsBodyIsReadGetsItsAnswer() throws Exception {
        GatedRenderer renderer = new GatedRenderer(RenderEngine.create(RenderLimits.defaults()));
        // One worker, no queue: while the gated render holds the worker, every request is refused before its body
        // is read (RenderPool.rejectEarly).
        PoolConfig pool = new PoolConfig(1, 0, Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (TestServer server = TestServer.start(db.database(), pool, renderer, TestServer.http());
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<?> holder =
                    CompletableFuture.supplyAsync(() -> server.post("/v1/renders", Docs.blue("png")));
            await().atMost(Duration.ofSeconds(10)).until(() -> renderer.started.get() == 1);
            byte[] body = largeBody(256 * 1024);
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                boolean close = i % 2 == 0;
                boolean slow = i % 3 == 0;
                answers.add(clients.submit(() -> {
                    gate.await();
                    return exchange(server, body, close, slow);
                }));
            }
            gate.countDown();
            Map<String, Integer> tally = new TreeMap<>();
            for (Future<String> f : answers) {
                tally.merge(f.get(), 1, Integer::sum);
            }
            renderer.open();
            holder.join();
            assertThat(tally).as("every client got its 429").isEqualTo(Map.of("429", BURST));
            assertThat(server.post("/v1/renders", Docs.blue("png")).statusCode())
                    .as("the server stays healthy")
                    .isEqualTo(200);
        }
    }

    static byte[] largeBody(int bytes) {
        StringBuilder svg = new StringBuilder("<svg xmlns='http://www.w3.org/2000/svg' width='100' height='100'>");
        while (svg.length() < bytes) {
            svg.append("<rect x='1' y='1' width='3' height='3' fill='#336699'/>");
        }
        svg.append("</svg>");
        return Docs.svgRender(svg.toString(), "png").getBytes(StandardCharsets.UTF_8);
    }

    /** One request on its own connection; the status code, or what went wrong instead of an answer. */
    static String exchange(TestServer server, byte[] body, boolean close, boolean slow) {
        try (Socket s = new Socket("127.0.0.1", server.server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/renders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + server.key
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + (close ? "\r\nConnection: close" : "") + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int step = slow ? body.length / 8 + 1 : body.length;
            for (int off = 0; off < body.length; off += step) {
                try {
                    out.write(body, off, Math.min(step, body.length - off));
                    out.flush();
                } catch (IOException e) {
                    return "reset while sending the body: " + e.getMessage();
                }
                if (slow) {
                    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                }
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                head.write(c);
            }
            String line = head.toString(StandardCharsets.US_ASCII);
            if (!line.startsWith("HTTP/1.1 ")) {
                return "no answer: '" + line + "'";
            }
            return line.substring(9, 12);
        } catch (IOException e) {
            return "no answer: " + e;
        }
    }
}
