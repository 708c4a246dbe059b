package dev.kiln.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BlockingHttp1Test {

    /**
     * A raw loopback server that answers each request on a connection with the next canned response, so the client
     * meets every framing it must read: Content-Length, chunked with an extension and a trailer, an interim 100, a
     * 304 without a body, and a body that ends with the connection.
     */
    private static final class RawServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        final List<String> requestLines = new CopyOnWriteArrayList<>();
        final List<String> headers = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        RawServer(List<String> responses) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            AtomicInteger next = new AtomicInteger();
            acceptor = Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(c, responses, next));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket c, List<String> responses, AtomicInteger next) {
            try (c) {
                BufferedReader r =
                        new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = c.getOutputStream();
                String line;
                while ((line = r.readLine()) != null) {
                    requestLines.add(line);
                    int length = 0;
                    for (String h = r.readLine(); h != null && !h.isEmpty(); h = r.readLine()) {
                        headers.add(h);
                        if (h.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(h.substring(15).trim());
                        }
                    }
                    char[] body = new char[length];
                    int read = 0;
                    while (read < length) {
                        read += r.read(body, read, length - read);
                    }
                    String response = responses.get(next.getAndIncrement() % responses.size());
                    out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (response.contains("Connection: close")
                            || !response.contains("\r\n\r\n")
                            || response.startsWith("HTTP/1.1 200 OK\r\nX-Ends: eof")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            acceptor.interrupt();
        }
    }

    @Test
    void readsEveryFramingAndKeepsTheConnectionUnlessTold() throws Exception {
        List<String> responses = List.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n",
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many Requests\r\nContent-Length: 2\r\n\r\n{}",
                "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n",
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx",
                "HTTP/1.1 200 OK\r\nX-Ends: eof\r\n\r\nbody until the end");
        try (RawServer server = new RawServer(responses);
                BlockingHttp1 http = new BlockingHttp1(server.uri("/"), Duration.ofSeconds(10))) {
            byte[] get = BlockingHttp1.encode(
                    "GET", server.uri("/v1/dashboard?limit=30"), Map.of("Authorization", "Bearer k"), null);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                statuses.add(http.exchange(get));
            }

            assertThat(statuses).containsExactly(200, 404, 429, 304, 503, 200, 200);
            // one connection for the first five answers, a new one after "Connection: close", another after EOF
            assertThat(server.connections.get()).isEqualTo(3);
            assertThat(server.requestLines).allMatch(l -> l.equals("GET /v1/dashboard?limit=30 HTTP/1.1"));
            assertThat(server.headers).contains("Authorization: Bearer k");
        }
    }

    @Test
    void sendsTheBodyWithItsLengthAndRefusesHeadersItCannotSend() throws Exception {
        try (RawServer server = new RawServer(List.of("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
                BlockingHttp1 http = new BlockingHttp1(server.uri("/"), Duration.ofSeconds(10))) {
            byte[] post = BlockingHttp1.encode(
                    "POST", server.uri("/v1/renders"), Map.of("Content-Type", "application/json"), "{\"a\":1}");
            assertThat(http.exchange(post)).isEqualTo(201);
            assertThat(server.headers).contains("Content-Length: 7", "Content-Type: application/json");
        }
        URI any = URI.create("http://127.0.0.1:1/");
        assertThatThrownBy(() -> BlockingHttp1.encode("GET", any, Map.of("Host", "elsewhere"), null))
                .hasMessageContaining("Host");
        assertThatThrownBy(() -> BlockingHttp1.encode("GET", any, Map.of("X-A", "b\r\nX-Injected: 1"), null))
                .hasMessageContaining("X-A");
    }

    @Test
    void aGarbledAnswerOrARefusedConnectionIsAnIOExceptionAndTheNextExchangeReconnects() throws Exception {
        try (RawServer server =
                        new RawServer(List.of("garbage\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
                BlockingHttp1 http = new BlockingHttp1(server.uri("/"), Duration.ofSeconds(10))) {
            byte[] get = BlockingHttp1.encode("GET", server.uri("/"), Map.of(), null);
            assertThatThrownBy(() -> http.exchange(get)).isInstanceOf(IOException.class);
            assertThat(http.exchange(get)).isEqualTo(200);
            assertThat(server.connections.get()).isEqualTo(2);
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (BlockingHttp1 http =
                new BlockingHttp1(URI.create("http://127.0.0.1:" + closedPort + "/"), Duration.ofSeconds(2))) {
            byte[] get =
                    BlockingHttp1.encode("GET", URI.create("http://127.0.0.1:" + closedPort + "/"), Map.of(), null);
            assertThatThrownBy(() -> http.exchange(get)).isInstanceOf(IOException.class);
        }
    }
}
