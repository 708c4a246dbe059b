package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.platform.testing.TestDatabase;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.RenderOutput;
import dev.kiln.render.Renderer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live status over Server-Sent Events across two instances sharing one database: instance A (role {@code all}) runs
 * the jobs with a renderer that waits for the test's permit, instance B (role {@code api}) serves the streams, so
 * every live event a client of B sees travelled through PostgreSQL's NOTIFY from A's worker.
 */
class GenerationEventsTest {
    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * Each generation renders an SVG of its own width, and its render waits for that width's gate, so a test decides
     * when its generation leaves {@code processing} and no test's release lets another's generation through.
     */
    static final Map<Integer, CountDownLatch> gates = new ConcurrentHashMap<>();

    static final AtomicInteger widths = new AtomicInteger(40);

    static Wiring a;
    static Wiring b;
    static String baseA;
    static String baseB;
    static final HttpClient client = HttpClient.newHttpClient();

    record Gated(Renderer engine) implements Renderer {
        @Override
        public PreparedRender prepare(JsonNode request) {
            return engine.prepare(request);
        }

        @Override
        public RenderOutput render(PreparedRender prepared, CancellationSignal cancel) {
            CountDownLatch gate = gates.get(prepared.output().width());
            try {
                if (gate != null && !gate.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released this render");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return engine.render(prepared, cancel);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        String home = Files.createTempDirectory("kiln-home").toString();
        a = Wiring.start(
                KilnConfig.from(new Settings(env(home, "all"))),
                new Gated(RenderEngine.create(RenderLimits.defaults())));
        baseA = "http://127.0.0.1:" + a.server.port();
        Map<String, String> envB = env(home, "api");
        envB.put("KILN_SSE_MAX_STREAMS", "3");
        envB.put("KILN_SSE_MAX_STREAMS_PER_USER", "2");
        envB.put("KILN_SSE_HEARTBEAT", "100ms");
        b = Wiring.start(KilnConfig.from(new Settings(envB)));
        baseB = "http://127.0.0.1:" + b.server.port();
        Awaitility.await().atMost(WAIT).until(() -> b.events.listening());
    }

    static Map<String, String> env(String home, String role) {
        Map<String, String> env = new HashMap<>();
        env.put("KILN_PORT", "0");
        env.put("KILN_DB_NAME", db.config().database());
        env.put("KILN_WARM_UP", "0s"); // WarmUpTest (kiln-http) covers it; here it would only compete for the CPU
        env.put("KILN_RATE_LIMIT", "0"); // polls as fast as it likes; rate limits have tests of their own
        env.put("KILN_HOME", home);
        env.put("KILN_RENDER_WORKERS", "2");
        env.put("KILN_ROLE", role);
        return env;
    }

    @AfterAll
    static void stop() {
        gates.values().forEach(CountDownLatch::countDown);
        if (b != null) {
            b.drainAndClose();
        }
        if (a != null) {
            a.drainAndClose();
        }
    }

    @Test
    void aClientOfTheOtherInstanceSeesEveryStateInOrderAndResumesAfterAReconnect() throws Exception {
        String alice = a.apiKeys.create("alice").token();
        int width = widths.incrementAndGet();
        long generation = submit(alice, width);

        List<SseClient.Event> seen = new ArrayList<>();
        long resumeAfter;
        try (SseClient first = SseClient.open(baseB, alice, generation, Optional.empty())) {
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
            SseClient.Event queued = first.next(WAIT);
            assertThat(data(queued).get("status").textValue()).isEqualTo("queued");
            assertThat(queued.name()).isEqualTo("status");
            SseClient.Event processing = first.next(WAIT); // live: A's worker claimed it, B heard the NOTIFY
            assertThat(data(processing).get("status").textValue()).isEqualTo("processing");
            assertThat(data(processing).get("stage").textValue()).isEqualTo("rendering");
            assertThat(data(processing).get("attempt").intValue()).isEqualTo(1);
            assertThat(processing.id()).isGreaterThan(queued.id());
            seen.add(queued);
            seen.add(processing);
            Awaitility.await().atMost(WAIT).until(() -> first.heartbeats() > 0);
            assertThat(first.retry()).isEqualTo("2000");
            resumeAfter = processing.id();
        }
        // Disconnected: the render finishes while nobody watches, and the rest is read back from the log.
        release(width);
        Awaitility.await().atMost(WAIT).until(() -> status(alice, generation).equals("completed"));
        try (SseClient again = SseClient.open(baseB, alice, generation, Optional.of(resumeAfter))) {
            SseClient.Event storing = again.next(WAIT);
            assertThat(storing.name()).isEqualTo("progress");
            assertThat(data(storing).get("stage").textValue()).isEqualTo("storing");
            assertThat(data(storing).get("progress").intValue()).isEqualTo(90);
            SseClient.Event completed = again.next(WAIT);
            assertThat(completed.name()).isEqualTo("status");
            assertThat(data(completed).get("status").textValue()).isEqualTo("completed");
            assertThat(data(completed).get("progress").intValue()).isEqualTo(100);
            assertThat(data(completed).get("output").get("url").textValue()).startsWith("/v1/files/");
            assertThat(again.next(WAIT))
                    .as("the stream ends after the terminal state")
                    .isEqualTo(SseClient.END);
            seen.add(storing);
            seen.add(completed);
        }
        assertThat(seen).extracting(SseClient.Event::id).isSorted().doesNotHaveDuplicates();

        // From the start, after the end: the whole history in order, then the end of the stream.
        try (SseClient replay = SseClient.open(baseA, alice, generation, Optional.empty())) {
            List<SseClient.Event> all = new ArrayList<>();
            for (SseClient.Event e = replay.next(WAIT); e != SseClient.END; e = replay.next(WAIT)) {
                all.add(e);
            }
            assertThat(all).isEqualTo(seen);
        }
        // Resuming after the terminal event: nothing more to say, so the stream ends at once.
        try (SseClient late = SseClient.open(
                baseB, alice, generation, Optional.of(seen.getLast().id()))) {
            assertThat(late.next(WAIT)).isEqualTo(SseClient.END);
        }
    }

    @Test
    void aGenerationWhoseEventsWerePrunedStreamsItsFinalStateOnceAndALiveOneKeepsItsLog() throws Exception {
        String judy = a.apiKeys.create("judy").token();
        int doneWidth = widths.incrementAndGet();
        long done = submit(judy, doneWidth);
        release(doneWidth);
        Awaitility.await().atMost(WAIT).until(() -> status(judy, done).equals("completed"));
        int liveWidth = widths.incrementAndGet();
        long live = submit(judy, liveWidth);
        long queuedEvent;
        try (SseClient s = opened(judy, live)) {
            queuedEvent = s.next(WAIT).id();
        }

        // Two days on: every finished generation is past its 24 h, the live one is not.
        var retention = new dev.kiln.platform.events.EventRetention(
                db.dataSource(),
                dev.kiln.platform.events.EventRetentionConfig.defaults(),
                java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofDays(2)));
        assertThat(retention.prune()).isPositive();

        try (SseClient s = SseClient.open(baseB, judy, done, Optional.empty())) {
            SseClient.Event last = s.next(WAIT);
            assertThat(last.name()).isEqualTo("status");
            assertThat(last.id()).as("not in the log: no id to resume after").isEqualTo(-1);
            assertThat(data(last).get("status").textValue()).isEqualTo("completed");
            assertThat(data(last).get("output").get("url").textValue()).startsWith("/v1/files/");
            assertThat(s.next(WAIT)).isEqualTo(SseClient.END);
        }
        try (SseClient s = SseClient.open(baseB, judy, live, Optional.of(queuedEvent))) {
            assertThat(data(s.next(WAIT)).get("status").textValue())
                    .as("resumes after Last-Event-ID")
                    .isEqualTo("processing");
            release(liveWidth);
            assertThat(data(s.next(WAIT)).get("stage").textValue()).isEqualTo("storing");
            assertThat(data(s.next(WAIT)).get("status").textValue()).isEqualTo("completed");
            assertThat(s.next(WAIT)).isEqualTo(SseClient.END);
        }
    }

    @Test
    void liveEventsOfARunningGenerationArriveWhileConnected() throws Exception {
        String carol = a.apiKeys.create("carol").token();
        int width = widths.incrementAndGet();
        long generation = submit(carol, width);
        try (SseClient stream = SseClient.open(baseB, carol, generation, Optional.empty())) {
            assertThat(data(stream.next(WAIT)).get("status").textValue()).isEqualTo("queued");
            assertThat(data(stream.next(WAIT)).get("status").textValue()).isEqualTo("processing");
            release(width); // the render finishes now, on instance A, while B's client watches
            assertThat(data(stream.next(WAIT)).get("stage").textValue()).isEqualTo("storing");
            assertThat(data(stream.next(WAIT)).get("status").textValue()).isEqualTo("completed");
            assertThat(stream.next(WAIT)).isEqualTo(SseClient.END);
        }
    }

    @Test
    void eventsCommittedWhileTheListenerReconnectsAreNotLost() throws Exception {
        String ivan = a.apiKeys.create("ivan").token();
        int width = widths.incrementAndGet();
        long generation = submit(ivan, width);
        try (SseClient stream = SseClient.open(baseB, ivan, generation, Optional.empty())) {
            assertThat(data(stream.next(WAIT)).get("status").textValue()).isEqualTo("queued");
            assertThat(data(stream.next(WAIT)).get("status").textValue()).isEqualTo("processing");
            // Cut every instance's LISTEN connection, then let the render finish while they are reconnecting.
            try (var c = db.dataSource().getConnection();
                    var rs = c.createStatement()
                            .executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                    + " WHERE datname = current_database()"
                                    + " AND query = 'LISTEN kiln_generation_events'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("both instances listen").isEqualTo(2);
            }
            release(width);
            assertThat(data(stream.next(WAIT)).get("stage").textValue()).isEqualTo("storing");
            assertThat(data(stream.next(WAIT)).get("status").textValue()).isEqualTo("completed");
            assertThat(stream.next(WAIT)).isEqualTo(SseClient.END);
        }
        Awaitility.await().atMost(WAIT).until(() -> b.events.listening());
    }

    @Test
    void fiftyOpenStreamsHoldNoConnectionAndNoPlatformThreadEach() throws Exception {
        int width = widths.incrementAndGet();
        List<SseClient> streams = new ArrayList<>();
        try {
            List<String> keys = new ArrayList<>();
            List<Long> generations = new ArrayList<>();
            for (int u = 0; u < 5; u++) {
                String key = a.apiKeys.create("many-" + u).token();
                keys.add(key);
                generations.add(submit(key, width));
            }
            int platformBefore = Thread.getAllStackTraces().size(); // virtual threads are not listed
            for (int u = 0; u < 5; u++) {
                for (int i = 0; i < 10; i++) {
                    SseClient s = SseClient.open(baseA, keys.get(u), generations.get(u), Optional.empty());
                    assertThat(s.status()).isEqualTo(200);
                    streams.add(s);
                }
            }
            for (SseClient s : streams) {
                assertThat(data(s.next(WAIT)).get("status").textValue()).isEqualTo("queued");
            }
            int platformAfter = Thread.getAllStackTraces().size();
            assertThat(platformAfter - platformBefore)
                    .as("platform threads added by 50 open streams (server and client in this JVM)")
                    .isLessThan(10);
            assertThat(a.database.poolStats().active())
                    .as("pooled connections in use with 50 streams open: the listeners, the worker's render, no stream")
                    .isLessThanOrEqualTo(4);
        } finally {
            release(width);
        }
        for (SseClient s : streams) {
            SseClient.Event e;
            do {
                e = s.next(WAIT);
            } while (e != SseClient.END && !data(e).get("status").textValue().equals("completed"));
            if (e != SseClient.END) {
                assertThat(s.next(WAIT)).isEqualTo(SseClient.END);
            }
        }
        streams.forEach(SseClient::close);
    }

    @Test
    void openStreamsAreCappedPerUserAndPerInstance() throws Exception {
        String dave = a.apiKeys.create("dave").token();
        String erin = a.apiKeys.create("erin").token();
        String frank = a.apiKeys.create("frank").token();
        int width = widths.incrementAndGet();
        long daves = submit(dave, width);
        long erins = submit(erin, width);
        long franks = submit(frank, width);
        // Streams other tests closed from the client side end at their next heartbeat; start from none open.
        Awaitility.await().atMost(WAIT).until(() -> openStreams(dave) == 0);
        List<SseClient> held = new ArrayList<>();
        try {
            held.add(opened(dave, daves));
            held.add(opened(dave, daves));
            HttpResponse<byte[]> third = get(dave, "/v1/generations/" + daves + "/events");
            assertThat(third.statusCode()).as("a third stream of one user").isEqualTo(429);
            assertThat(third.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
            assertThat(JSON.readTree(third.body()).get("type").textValue())
                    .isEqualTo("urn:kiln:problem:too-many-streams");

            held.add(opened(erin, erins));
            assertThat(openStreams(dave)).as("the gauge on /metrics").isEqualTo(3);
            HttpResponse<byte[]> full = get(frank, "/v1/generations/" + franks + "/events");
            assertThat(full.statusCode()).as("the instance's fourth stream").isEqualTo(429);
            assertThat(JSON.readTree(full.body()).get("detail").textValue()).contains("this instance");

            held.removeFirst().close(); // the server notices at its next heartbeat and frees the slot
            Awaitility.await().atMost(WAIT).until(() -> {
                SseClient s = SseClient.open(baseB, frank, franks, Optional.empty());
                if (s.status() == 200) {
                    held.add(s);
                    return true;
                }
                return false;
            });
        } finally {
            held.forEach(SseClient::close);
            release(width); // let the three generations finish so they leave the worker
        }
    }

    @Test
    void anotherUsersGenerationAndABadLastEventIdAreRefused() throws Exception {
        String grace = a.apiKeys.create("grace").token();
        String heidi = a.apiKeys.create("heidi").token();
        int width = widths.incrementAndGet();
        long generation = submit(grace, width);
        try {
            HttpResponse<byte[]> other = get(heidi, "/v1/generations/" + generation + "/events");
            assertThat(other.statusCode()).isEqualTo(404);
            assertThat(other.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            HttpResponse<byte[]> bad = call(
                    grace,
                    "GET",
                    baseB + "/v1/generations/" + generation + "/events",
                    Map.of("Last-Event-ID", "yesterday"));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("detail").textValue()).contains("Last-Event-ID");
        } finally {
            release(width);
        }
    }

    /** Instance B's {@code kiln_http_event_streams_open} gauge, from its {@code /metrics}. */
    static int openStreams(String key) throws Exception {
        String metrics = new String(
                call(key, "GET", baseB + "/metrics", Map.of()).body(), java.nio.charset.StandardCharsets.UTF_8);
        return metrics.lines()
                .filter(l -> l.startsWith("kiln_http_event_streams_open"))
                .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow();
    }

    static SseClient opened(String key, long generation) throws Exception {
        SseClient s = SseClient.open(baseB, key, generation, Optional.empty());
        assertThat(s.status()).isEqualTo(200);
        return s;
    }

    static void release(int width) {
        gates.get(width).countDown();
    }

    /** Submits a generation of a {@code width}-pixel SVG, whose render waits for {@link #release(int)}. */
    static long submit(String key, int width) throws Exception {
        gates.computeIfAbsent(width, w -> new CountDownLatch(1));
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' width='" + width + "' height='20'>" + "<rect width='"
                + width + "' height='20' fill='#3366ff'/></svg>";
        String doc = JSON.createObjectNode().put("type", "svg").put("svg", svg).toString();
        JsonNode project = json(call(key, "POST", baseA + "/v1/projects", "{\"name\":\"p\"}"), 201);
        JsonNode scene = json(
                call(
                        key,
                        "POST",
                        baseA + "/v1/projects/" + project.get("id").longValue() + "/scenes",
                        "{\"name\":\"s\",\"document\":" + doc + "}"),
                201);
        JsonNode g = json(
                call(key, "POST", baseA + "/v1/scenes/" + scene.get("id").longValue() + "/generations", "{}"), 202);
        return g.get("id").longValue();
    }

    static String status(String key, long generation) throws Exception {
        return json(get(key, "/v1/generations/" + generation), 200)
                .get("status")
                .textValue();
    }

    static JsonNode data(SseClient.Event e) throws Exception {
        return JSON.readTree(e.data());
    }

    static HttpResponse<byte[]> get(String key, String path) throws Exception {
        return call(key, "GET", baseB + path, Map.of());
    }

    static HttpResponse<byte[]> call(String key, String method, String url, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(r::header);
        return client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> call(String key, String method, String url, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> res, int status) throws Exception {
        assertThat(res.statusCode())
                .as(new String(res.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(status);
        return JSON.readTree(res.body());
    }
}
