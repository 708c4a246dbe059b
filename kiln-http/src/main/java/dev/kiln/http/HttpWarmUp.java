package dev.kiln.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.Renderer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the request path before readiness turns true, so that a fresh replica meets its first burst with compiled
 * code rather than the interpreter (docs/capacity-model.md, "Warm-up").
 *
 * <p>First a few renders straight on the engine (not through the pool, whose service-time estimate must not learn
 * a cold JVM's times), then {@link #REQUESTS} requests over loopback to {@code POST /v1/renders}, each on a new
 * connection, as a burst's are. They carry {@link #HEADER} with a random per-process token, which {@link KilnFilter}
 * takes instead of an API key only on that route and only with this exact token; the handler then reads (or skips)
 * the body, parses the document on the CPU offload, and answers the 429 a full queue answers, without touching the
 * pool. Warm-up requests are left out of every metric. The whole warm-up stops at its budget, done or not.
 */
final class HttpWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(HttpWarmUp.class);
    static final String HEADER = "X-Kiln-Warm-Up";
    /** How many loopback requests; enough for C1 and most C2 compiles of the request path. */
    static final int REQUESTS = 1_500;

    private static final int PARALLEL = 4;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What one warm-up did. */
    record Report(int requests, int answered429, int engineRenders, Duration elapsed, boolean finished) {}

    private final String token;
    private final byte[] tokenBytes;

    HttpWarmUp() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random);
        this.tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** True for this process's own warm-up requests: the exact token, compared in constant time. */
    boolean isWarmUp(Optional<String> header) {
        return header.isPresent()
                && MessageDigest.isEqual(tokenBytes, header.get().strip().getBytes(StandardCharsets.US_ASCII));
    }

    /** Warms the engine, then the HTTP path on {@code port}; returns when done or when {@code budget} is spent. */
    Report run(Renderer renderer, int port, Duration budget) {
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        int renders = warmEngine(renderer, deadline);
        List<byte[]> requests = requests(port);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        Thread[] senders = new Thread[PARALLEL];
        for (int t = 0; t < PARALLEL; t++) {
            senders[t] = Thread.ofVirtual().name("kiln-warm-up-" + t).start(() -> {
                for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
                    if (System.nanoTime() - deadline >= 0) {
                        return;
                    }
                    try {
                        if (send(port, requests.get(i % requests.size())) == 429) {
                            rejected.incrementAndGet();
                        }
                    } catch (IOException e) {
                        if (failures.getAndIncrement() == 0) {
                            LOG.warn("warm-up request failed: {}", e.toString());
                        }
                    }
                }
            });
        }
        boolean interrupted = false;
        for (Thread t : senders) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
                for (Thread s : senders) {
                    s.interrupt();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        int sent = Math.min(next.get(), REQUESTS);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        boolean finished = sent == REQUESTS && failures.get() == 0;
        Report report = new Report(sent, rejected.get(), renders, elapsed, finished);
        LOG.info(
                "warm-up: {} engine renders and {} requests in {} ms{}",
                renders,
                sent,
                elapsed.toMillis(),
                finished ? "" : " (stopped at its budget or on errors)");
        return report;
    }

    /** Renders the sample scene and SVG in each format once, or until the deadline. */
    private static int warmEngine(Renderer renderer, long deadline) {
        JsonNode scene = sceneDocument();
        JsonNode svg = svgDocument(40);
        int done = 0;
        for (String format : List.of("png", "jpeg", "webp")) {
            for (JsonNode document : List.of(scene, svg)) {
                if (System.nanoTime() - deadline >= 0) {
                    return done;
                }
                try {
                    PreparedRender p =
                            renderer.prepare(body(document, format), () -> System.nanoTime() - deadline >= 0);
                    renderer.render(p, () -> System.nanoTime() - deadline >= 0);
                    done++;
                } catch (RuntimeException e) {
                    LOG.warn("warm-up render failed: {}", e.toString());
                    return done;
                }
            }
        }
        return done;
    }

    /** The raw requests: a scene and an SVG body, each read and parsed or skipped unread. */
    private List<byte[]> requests(int port) {
        byte[] scene = bytes(body(sceneDocument(), "png"));
        byte[] svg = bytes(body(svgDocument(200), "png"));
        return List.of(
                request(port, scene, "parse"), request(port, svg, "early"),
                request(port, svg, "parse"), request(port, scene, "early"));
    }

    private byte[] request(int port, byte[] body, String mode) {
        String head = "POST /v1/renders HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + HEADER + ": " + token + "\r\n"
                + HEADER + "-Mode: " + mode + "\r\n"
                + "Content-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /**
     * Sends one request on a new connection and returns the status. The response is read by its Content-Length:
     * the server may keep the socket open a while after answering {@code Connection: close}.
     */
    private static int send(int port, byte[] request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed before the response head ended");
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.US_ASCII);
            int status = Integer.parseInt(text.substring(9, 12));
            long length = 0;
            for (String line : text.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(line.substring(15).strip());
                }
            }
            in.skipNBytes(length);
            return status;
        }
    }

    private static ObjectNode body(JsonNode document, String format) {
        ObjectNode body = MAPPER.createObjectNode();
        body.set("document", document);
        body.putObject("output").put("format", format);
        return body;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A small card: gradient background, shadowed rounded rectangle, path and text. */
    private static JsonNode sceneDocument() {
        String json = """
                {"type":"scene","width":600,"height":315,
                 "background":{"type":"linear","from":[0,0],"to":[1,1],
                   "stops":[{"offset":0,"color":"#0b1020"},{"offset":1,"color":"#1e3a8a"}]},
                 "layers":[
                   {"type":"ellipse","x":400,"y":-80,"width":280,"height":280,
                    "fill":{"type":"radial","stops":[{"offset":0,"color":"#f97316cc"},{"offset":1,"color":"#f9731600"}]}},
                   {"type":"rect","x":30,"y":30,"width":540,"height":255,"radius":16,"fill":"#ffffff14",
                    "stroke":{"color":"#ffffff33","width":2},"shadow":{"dx":0,"dy":6,"blur":16,"color":"#00000080"}},
                   {"type":"path","x":55,"y":55,"d":"M40 0 C52 22 72 34 72 60 A32 32 0 0 1 8 60 C8 44 18 36 24 24 Z",
                    "fill":"#fbbf24"},
                   {"type":"text","x":100,"y":60,"width":400,"text":"Warming up","fontSize":32,"fontWeight":700,
                    "color":"#ffffff"}]}
                """;
        try {
            return MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SVG of {@code shapes} blurred, gradient-filled circles (the shape of a heavy real-world card). */
    private static JsonNode svgDocument(int shapes) {
        StringBuilder svg = new StringBuilder(
                "<svg xmlns='http://www.w3.org/2000/svg' width='600' height='315'><defs><linearGradient id='g'>"
                        + "<stop offset='0' stop-color='#1d2b64'/><stop offset='1' stop-color='#f8cdda'/>"
                        + "</linearGradient><filter id='b'><feGaussianBlur stdDeviation='3'/></filter></defs>");
        for (int i = 0; i < shapes; i++) {
            svg.append("<circle cx='")
                    .append((i * 37) % 600)
                    .append("' cy='")
                    .append((i * 53) % 315)
                    .append("' r='")
                    .append(20 + i % 45)
                    .append("' fill='url(#g)' fill-opacity='0.35'")
                    .append(i % 4 == 0 ? " filter='url(#b)'" : "")
                    .append("/>");
        }
        svg.append("<text x='20' y='40' font-size='24'>Kiln</text></svg>");
        return MAPPER.createObjectNode().put("type", "svg").put("svg", svg.toString());
    }
}
