package dev.kiln.loadgen;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** A loopback HTTP server whose answer to the n-th request (0-based, in arrival order) is chosen by a function. */
final class TestServer implements AutoCloseable {

    /** What to answer: a status after an optional stall. */
    record Reply(int status, long stallMillis) {
        static Reply of(int status) {
            return new Reply(status, 0);
        }
    }

    /** One received request. */
    record Received(long arrivalNanos, String authorization, String timeoutHeader, String body, String path) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger arrivals = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    TestServer(IntFunction<Reply> replies) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            long arrival = System.nanoTime();
            int n = arrivals.getAndIncrement();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            boolean counted = true;
            try (exchange) {
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                received.add(new Received(
                        arrival,
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("X-Timeout-Ms"),
                        body,
                        exchange.getRequestURI().getPath()));
                Reply reply = replies.apply(n);
                if (reply.stallMillis() > 0) {
                    Thread.sleep(reply.stallMillis());
                }
                // Leave the in-flight count before answering: the client may send its next request as soon as
                // the answer arrives, before this handler has returned.
                inFlight.decrementAndGet();
                counted = false;
                byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(reply.status(), payload.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(payload);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (counted) {
                    inFlight.decrementAndGet();
                }
            }
        });
        server.start();
    }

    /** The URL of {@code path} on this server. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Base URL, e.g. {@code http://127.0.0.1:43210}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int arrivals() {
        return arrivals.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
