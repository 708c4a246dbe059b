package dev.kiln.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    private static LoadSpec.Builder open(URI target, double rate, Duration duration) {
        return LoadSpec.builder(target)
                .ratePerSecond(rate)
                .duration(duration)
                .body("{}")
                .apiKey("test-key")
                .requestTimeout(Duration.ofSeconds(5));
    }

    @Test
    void countsEveryOutcomeClassExactly() throws Exception {
        // Per block of 10 arrivals: 6 × 200, 2 × 429, 1 × 504, 1 × 500.
        try (TestServer server = new TestServer(n -> switch (n % 10) {
            case 6, 7 -> TestServer.Reply.of(429);
            case 8 -> TestServer.Reply.of(504);
            case 9 -> TestServer.Reply.of(500);
            default -> TestServer.Reply.of(200);
        })) {
            LoadReport report = LoadGenerator.run(
                    open(server.uri("/v1/renders"), 100, Duration.ofMillis(400)).build());

            assertThat(report.offered()).isEqualTo(40);
            assertThat(server.arrivals()).isEqualTo(40);
            assertThat(report.count(Outcome.SUCCESS)).isEqualTo(24);
            assertThat(report.count(Outcome.REJECTED)).isEqualTo(8);
            assertThat(report.count(Outcome.TIMEOUT)).isEqualTo(4);
            assertThat(report.count(Outcome.HTTP_ERROR)).isEqualTo(4);
            assertThat(report.count(Outcome.CONNECTION_ERROR)).isZero();
            assertThat(report.count(Outcome.DROPPED)).isZero();
            assertThat(report.errors()).isEqualTo(16);
            ClassStats ok = report.stats(Outcome.SUCCESS);
            assertThat(ok.p50Ms()).isPositive().isLessThanOrEqualTo(ok.p99Ms());
            assertThat(ok.p99Ms()).isLessThanOrEqualTo(ok.p999Ms());
            assertThat(ok.p999Ms()).isLessThanOrEqualTo(ok.maxMs());
            assertThat(report.stats(Outcome.CONNECTION_ERROR).maxMs()).isZero();
        }
    }

    @Test
    void stalledAnswersNeitherSlowTheScheduleNorHideTheirLatency() throws Exception {
        // Every 5th arrival stalls 800 ms and then answers 504; the rest answer 200 at once.
        long stallMillis = 800;
        try (TestServer server =
                new TestServer(n -> n % 5 == 0 ? new TestServer.Reply(504, stallMillis) : TestServer.Reply.of(200))) {
            LoadReport report = LoadGenerator.run(
                    open(server.uri("/v1/renders"), 50, Duration.ofMillis(500)).build());

            assertThat(report.offered()).isEqualTo(25);
            assertThat(report.sent()).isEqualTo(25);
            assertThat(server.arrivals()).isEqualTo(25);
            assertThat(report.count(Outcome.TIMEOUT)).isEqualTo(5);
            assertThat(report.count(Outcome.SUCCESS)).isEqualTo(20);
            assertThat(report.stats(Outcome.TIMEOUT).minMs()).isGreaterThanOrEqualTo(stallMillis);
            // A closed loop would need 5 × 800 ms to send these; the open schedule sends all within ~0.5 s.
            List<TestServer.Received> received = server.received();
            long first = received.stream()
                    .mapToLong(TestServer.Received::arrivalNanos)
                    .min()
                    .orElseThrow();
            long last = received.stream()
                    .mapToLong(TestServer.Received::arrivalNanos)
                    .max()
                    .orElseThrow();
            assertThat(Duration.ofNanos(last - first)).isLessThan(Duration.ofMillis(5 * stallMillis / 2));
        }
    }

    @Test
    void latencyCountsFromIntendedSendTimeWhenTheGeneratorRunsLate() throws Exception {
        // The third send is delayed 300 ms inside the generator (as a GC pause would); the server answers at once.
        AtomicInteger parks = new AtomicInteger();
        Ticker hiccup = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void parkUntil(long deadlineNanos) throws InterruptedException {
                Ticker.SYSTEM.parkUntil(deadlineNanos);
                if (parks.incrementAndGet() == 3) {
                    Thread.sleep(300);
                }
            }
        };
        try (TestServer server = new TestServer(n -> TestServer.Reply.of(200))) {
            LoadSpec spec =
                    open(server.uri("/v1/renders"), 20, Duration.ofMillis(500)).build();
            LoadReport report = new LoadGenerator(spec, hiccup, Clock.systemUTC()).execute();

            assertThat(report.count(Outcome.SUCCESS)).isEqualTo(10);
            assertThat(report.stats(Outcome.SUCCESS).maxMs()).isGreaterThanOrEqualTo(300);
            assertThat(report.maxSendLag()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void warmupRequestsAreSentButNotCounted() throws Exception {
        try (TestServer server = new TestServer(n -> TestServer.Reply.of(200))) {
            LoadReport report = LoadGenerator.run(open(server.uri("/v1/renders"), 50, Duration.ofMillis(200))
                    .warmup(Duration.ofMillis(200))
                    .build());

            assertThat(report.warmupRequests()).isEqualTo(10);
            assertThat(report.offered()).isEqualTo(10);
            assertThat(report.count(Outcome.SUCCESS)).isEqualTo(10);
            assertThat(server.arrivals()).isEqualTo(20);
        }
    }

    @Test
    void requestsBeyondTheOutstandingCapAreCountedAsDropped() throws Exception {
        try (TestServer server = new TestServer(n -> new TestServer.Reply(200, 1_500))) {
            LoadReport report = LoadGenerator.run(open(server.uri("/v1/renders"), 50, Duration.ofMillis(300))
                    .maxOutstanding(2)
                    .build());

            assertThat(report.offered()).isEqualTo(15);
            assertThat(report.count(Outcome.SUCCESS)).isEqualTo(2);
            assertThat(report.count(Outcome.DROPPED)).isEqualTo(13);
            assertThat(report.errors()).isEqualTo(13);
            assertThat(server.arrivals()).isEqualTo(2);
        }
    }

    @Test
    void clientTimeoutEndsSlowRequestsAsConnectionErrors() throws Exception {
        try (TestServer server = new TestServer(n -> new TestServer.Reply(200, 3_000))) {
            LoadReport report = LoadGenerator.run(open(server.uri("/v1/renders"), 20, Duration.ofMillis(200))
                    .requestTimeout(Duration.ofMillis(250))
                    .build());

            assertThat(report.count(Outcome.CONNECTION_ERROR)).isEqualTo(4);
            assertThat(report.count(Outcome.SUCCESS)).isZero();
            // Ended by the 250 ms timeout, not sooner. The client's timer starts a few microseconds before the report's
            // clock does (249.984 ms once in a fresh-clone run), so the bound allows one millisecond.
            assertThat(report.stats(Outcome.CONNECTION_ERROR).minMs()).isGreaterThanOrEqualTo(249);
        }
    }

    @Test
    void refusedConnectionsAreConnectionErrors() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        LoadReport report = LoadGenerator.run(
                open(URI.create("http://127.0.0.1:" + port + "/v1/renders"), 20, Duration.ofMillis(200))
                        .build());

        assertThat(report.count(Outcome.CONNECTION_ERROR)).isEqualTo(4);
        assertThat(report.errors()).isEqualTo(4);
    }

    @Test
    void sendsBearerKeyBodyAndExtraHeaders() throws Exception {
        try (TestServer server = new TestServer(n -> TestServer.Reply.of(200))) {
            LoadGenerator.run(open(server.uri("/v1/renders"), 20, Duration.ofMillis(100))
                    .body("{\"a\":1}")
                    .header("X-Timeout-Ms", "1500")
                    .build());

            assertThat(server.received()).hasSize(2).allSatisfy(r -> {
                assertThat(r.authorization()).isEqualTo("Bearer test-key");
                assertThat(r.timeoutHeader()).isEqualTo("1500");
                assertThat(r.body()).isEqualTo("{\"a\":1}");
            });
        }
    }

    @Test
    void requestsRotateOverEveryTarget() throws Exception {
        try (TestServer server = new TestServer(n -> TestServer.Reply.of(200))) {
            List<java.net.URI> targets = List.of(
                    server.uri("/v1/generations/1"), server.uri("/v1/generations/2"), server.uri("/v1/generations/3"));
            LoadReport report = LoadGenerator.run(LoadSpec.builder(targets.getFirst())
                    .method("GET")
                    .targets(targets)
                    .mode(LoadSpec.Mode.SEQUENTIAL)
                    .requests(9)
                    .build());

            assertThat(report.count(Outcome.SUCCESS)).isEqualTo(9);
            assertThat(server.received())
                    .extracting(TestServer.Received::path)
                    .containsExactly(
                            "/v1/generations/1",
                            "/v1/generations/2",
                            "/v1/generations/3",
                            "/v1/generations/1",
                            "/v1/generations/2",
                            "/v1/generations/3",
                            "/v1/generations/1",
                            "/v1/generations/2",
                            "/v1/generations/3");
        }
        assertThatThrownBy(() -> LoadSpec.builder(java.net.URI.create("http://127.0.0.1:1/a"))
                        .targets(List.of(java.net.URI.create("http://127.0.0.1:1/b")))
                        .ratePerSecond(1)
                        .build())
                .hasMessageContaining("target must be the first of targets");
        assertThatThrownBy(() -> LoadSpec.builder(java.net.URI.create("http://127.0.0.1:1/a"))
                        .targets(List.of(
                                java.net.URI.create("http://127.0.0.1:1/a"),
                                java.net.URI.create("http://example.com/b")))
                        .ratePerSecond(1)
                        .build())
                .hasMessageContaining("not loopback");
    }

    @Test
    void sequentialModeSendsOneRequestAtATime() throws Exception {
        try (TestServer server = new TestServer(n -> new TestServer.Reply(n % 4 == 3 ? 429 : 200, 2))) {
            LoadReport report = LoadGenerator.run(LoadSpec.builder(server.uri("/v1/renders"))
                    .mode(LoadSpec.Mode.SEQUENTIAL)
                    .requests(20)
                    .body("{}")
                    .build());

            assertThat(report.offered()).isEqualTo(20);
            assertThat(report.count(Outcome.SUCCESS)).isEqualTo(15);
            assertThat(report.count(Outcome.REJECTED)).isEqualTo(5);
            assertThat(server.arrivals()).isEqualTo(20);
            assertThat(server.maxInFlight()).isEqualTo(1);
            assertThat(report.offeredRatePerSecond()).isPositive();
        }
    }

    @Test
    void saturateModeNeverExceedsConcurrencyAndCountsEveryRequest() throws Exception {
        try (TestServer server = new TestServer(n -> new TestServer.Reply(200, 20))) {
            LoadReport report = LoadGenerator.run(LoadSpec.builder(server.uri("/v1/renders"))
                    .mode(LoadSpec.Mode.SATURATE)
                    .concurrency(3)
                    .duration(Duration.ofMillis(300))
                    .body("{}")
                    .build());

            assertThat(server.maxInFlight()).isBetween(1, 3);
            assertThat(report.offered()).isPositive().isEqualTo(report.count(Outcome.SUCCESS));
            assertThat((long) server.arrivals()).isEqualTo(report.offered());
            assertThat(report.goodputPerSecond()).isPositive();
        }
    }

    @Test
    void interruptingARunInAnyModeEndsItWithInterruptedException() throws Exception {
        try (TestServer server = new TestServer(n -> new TestServer.Reply(200, 100))) {
            List<LoadSpec> specs = List.of(
                    open(server.uri("/v1/renders"), 10, Duration.ofSeconds(30)).build(),
                    LoadSpec.builder(server.uri("/v1/renders"))
                            .mode(LoadSpec.Mode.SEQUENTIAL)
                            .requests(1_000)
                            .build(),
                    LoadSpec.builder(server.uri("/v1/renders"))
                            .mode(LoadSpec.Mode.SATURATE)
                            .duration(Duration.ofSeconds(30))
                            .build());
            for (LoadSpec spec : specs) {
                CompletableFuture<Throwable> failure = new CompletableFuture<>();
                Thread runner = Thread.ofPlatform().start(() -> {
                    try {
                        LoadGenerator.run(spec);
                        failure.complete(null);
                    } catch (Throwable t) {
                        failure.complete(t);
                    }
                });
                Thread.sleep(300);
                runner.interrupt();

                assertThat(failure.get(10, TimeUnit.SECONDS))
                        .as(spec.mode().name())
                        .isInstanceOf(InterruptedException.class);
            }
        }
    }

    @Test
    void aRunWithAnInvalidHeaderFailsBeforeSendingAnything() throws IOException {
        try (TestServer server = new TestServer(n -> TestServer.Reply.of(200))) {
            LoadSpec spec = open(server.uri("/v1/renders"), 20, Duration.ofMillis(100))
                    .header("Host", "elsewhere")
                    .build();

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadGenerator.run(spec))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Host");
            assertThat(server.arrivals()).isZero();
        }
    }
}
