package dev.kiln.loadgen;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one {@link LoadSpec} against a loopback HTTP service and reports latency per outcome class.
 *
 * <p>In the open model a single scheduler thread starts request {@code i} at {@code t0 + i / rate} on its own virtual
 * thread, so a slow answer never delays the next send, and latency is measured from that intended time: if the
 * generator itself runs late, the delay is charged to the request instead of vanishing (no coordinated omission).
 */
final class LoadGenerator {

    /** Extra time after the last request's timeout before stragglers (e.g. a stalled body) are aborted. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private final LoadSpec spec;
    private final Ticker ticker;
    private final Clock wallClock;
    private final Tally warmup = new Tally();
    private final Tally measured = new Tally();
    /** Every target's request; request {@code i} of the run is {@code rotation[i % length]}. */
    private HttpRequest[] rotation;

    private final java.util.concurrent.atomic.AtomicLong sends = new java.util.concurrent.atomic.AtomicLong();

    LoadGenerator(LoadSpec spec, Ticker ticker, Clock wallClock) {
        this.spec = spec;
        this.ticker = ticker;
        this.wallClock = wallClock;
    }

    /** Runs the load described by {@code spec} to completion; the run is bounded in requests and time. */
    public static LoadReport run(LoadSpec spec) throws InterruptedException {
        return new LoadGenerator(spec, Ticker.SYSTEM, Clock.systemUTC()).execute();
    }

    LoadReport execute() throws InterruptedException {
        var startedAt = wallClock.instant();
        rotation = spec.targets().stream().map(this::request).toArray(HttpRequest[]::new);
        HttpRequest request = rotation[0];
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(spec.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // Never route through a proxy: the loopback check must hold for the actual connection.
                .proxy(HttpClient.Builder.NO_PROXY)
                .executor(threads)
                .build();
        try {
            Window window =
                    switch (spec.mode()) {
                        case OPEN -> open(client, request, threads);
                        case SEQUENTIAL -> sequential();
                        case SATURATE -> saturate(client, request, threads);
                    };
            long end = Math.max(window.endNanos(), measured.lastCompletionNanos());
            Duration elapsed = Duration.ofNanos(Math.max(1, end - window.startNanos()));
            return new LoadReport(
                    spec,
                    startedAt,
                    elapsed,
                    warmup.offeredCount(),
                    measured.offeredCount(),
                    Duration.ofNanos(measured.maxSendLagNanos()),
                    measured.stats());
        } finally {
            client.shutdownNow();
            threads.shutdownNow();
            if (!client.awaitTermination(DRAIN_GRACE)
                    || !threads.awaitTermination(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                // Nothing left that records into the report; a lingering socket must not keep the caller waiting.
                System.getLogger(LoadGenerator.class.getName())
                        .log(System.Logger.Level.WARNING, "load generator threads did not stop within " + DRAIN_GRACE);
            }
        }
    }

    private record Window(long startNanos, long endNanos) {}

    private Window open(HttpClient client, HttpRequest request, ExecutorService threads) throws InterruptedException {
        double rate = spec.ratePerSecond();
        long warmupCount = Math.round(LoadSpec.seconds(spec.warmup()) * rate);
        long measuredCount = Math.max(1, Math.round(LoadSpec.seconds(spec.duration()) * rate));
        long total = warmupCount + measuredCount;
        double nanosPerRequest = 1e9 / rate;
        Semaphore outstanding = new Semaphore(spec.maxOutstanding());
        long t0 = ticker.nanoTime();
        for (long i = 0; i < total; i++) {
            long intended = t0 + (long) (i * nanosPerRequest);
            ticker.parkUntil(intended);
            Tally tally = i < warmupCount ? warmup : measured;
            tally.offered();
            if (!outstanding.tryAcquire()) {
                tally.dropped();
                continue;
            }
            tally.sendLag(ticker.nanoTime() - intended);
            threads.execute(() -> {
                try {
                    exchange(client, request, intended, tally);
                } finally {
                    outstanding.release();
                }
            });
        }
        long lastSend = ticker.nanoTime();
        Duration drain = spec.requestTimeout().plus(DRAIN_GRACE);
        if (!outstanding.tryAcquire(spec.maxOutstanding(), drain.toNanos(), TimeUnit.NANOSECONDS)) {
            // Stragglers past their timeout (e.g. a response body that never ends): abort so the run ends.
            client.shutdownNow();
            outstanding.tryAcquire(spec.maxOutstanding(), DRAIN_GRACE.toNanos(), TimeUnit.NANOSECONDS);
        }
        long measureStart = t0 + (long) (warmupCount * nanosPerRequest);
        long windowEnd = Math.max(t0 + (long) (total * nanosPerRequest), lastSend);
        return new Window(measureStart, windowEnd);
    }

    /**
     * One request at a time on one keep-alive connection of {@link BlockingHttp1}, on this thread: the closed loop
     * measures the server's latency, not the client's thread hand-offs.
     */
    private Window sequential() throws InterruptedException {
        Map<String, String> headers = headers();
        byte[][] wire = spec.targets().stream()
                .map(t -> BlockingHttp1.encode(spec.method(), t, headers, spec.body()))
                .toArray(byte[][]::new);
        try (BlockingHttp1 http = new BlockingHttp1(spec.targets().getFirst(), spec.requestTimeout())) {
            long warmupEnd = ticker.nanoTime() + spec.warmup().toNanos();
            while (ticker.nanoTime() < warmupEnd) {
                warmup.offered();
                exchange(http, wire, ticker.nanoTime(), warmup);
                stopIfInterrupted();
            }
            long start = ticker.nanoTime();
            for (int i = 0; i < spec.requests(); i++) {
                measured.offered();
                // Closed loop: the next request is due when the previous one ends, so actual send time is intended.
                exchange(http, wire, ticker.nanoTime(), measured);
                stopIfInterrupted();
            }
            return new Window(start, ticker.nanoTime());
        }
    }

    /** {@link #exchange(HttpClient, HttpRequest, long, Tally)} for the sequential mode's blocking connection. */
    private void exchange(BlockingHttp1 http, byte[][] wire, long startNanos, Tally tally) {
        byte[] next =
                wire.length == 1 ? wire[0] : wire[(int) Math.floorMod(sends.getAndIncrement(), (long) wire.length)];
        Outcome outcome;
        try {
            outcome = Outcome.ofStatus(http.exchange(next));
        } catch (IOException e) {
            outcome = Outcome.CONNECTION_ERROR;
        }
        tally.record(outcome, startNanos, ticker.nanoTime());
    }

    /** {@link #exchange} keeps the interrupt flag; a loop must stop on it rather than fail every later send. */
    private static void stopIfInterrupted() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("load run interrupted");
        }
    }

    private Window saturate(HttpClient client, HttpRequest request, ExecutorService threads)
            throws InterruptedException {
        long measureStart = ticker.nanoTime() + spec.warmup().toNanos();
        long end = measureStart + spec.duration().toNanos();
        CountDownLatch done = new CountDownLatch(spec.concurrency());
        AtomicBoolean aborted = new AtomicBoolean();
        for (int c = 0; c < spec.concurrency(); c++) {
            threads.execute(() -> {
                try {
                    long sendAt;
                    while (!aborted.get()
                            && !Thread.currentThread().isInterrupted()
                            && (sendAt = ticker.nanoTime()) < end) {
                        Tally tally = sendAt < measureStart ? warmup : measured;
                        tally.offered();
                        exchange(client, request, sendAt, tally);
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        Duration bound =
                spec.warmup().plus(spec.duration()).plus(spec.requestTimeout()).plus(DRAIN_GRACE);
        if (!done.await(bound.toNanos(), TimeUnit.NANOSECONDS)) {
            aborted.set(true);
            client.shutdownNow();
            done.await(DRAIN_GRACE.toNanos(), TimeUnit.NANOSECONDS);
        }
        return new Window(measureStart, end);
    }

    /** Sends one request and records its outcome; never throws, so every started request is counted once. */
    private void exchange(HttpClient client, HttpRequest request, long startNanos, Tally tally) {
        Outcome outcome;
        try {
            // discarding() still reads the whole body, so latency covers the complete response.
            HttpRequest next = rotation.length == 1
                    ? request
                    : rotation[(int) Math.floorMod(sends.getAndIncrement(), (long) rotation.length)];
            HttpResponse<Void> response = client.send(next, HttpResponse.BodyHandlers.discarding());
            outcome = Outcome.ofStatus(response.statusCode());
        } catch (IOException e) {
            outcome = Outcome.CONNECTION_ERROR;
        } catch (InterruptedException e) {
            // Only happens when the run is being torn down; the request did not complete.
            Thread.currentThread().interrupt();
            outcome = Outcome.CONNECTION_ERROR;
        }
        tally.record(outcome, startNanos, ticker.nanoTime());
    }

    /** Every request's headers, in sending order: the body's type, the API key, then the spec's own. */
    private Map<String, String> headers() {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (spec.body() != null) {
            headers.put("Content-Type", "application/json");
        }
        if (spec.apiKey() != null) {
            headers.put("Authorization", "Bearer " + spec.apiKey());
        }
        headers.putAll(spec.headers());
        return headers;
    }

    private HttpRequest request(java.net.URI target) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(spec.requestTimeout());
        for (Map.Entry<String, String> header : headers().entrySet()) {
            try {
                builder.header(header.getKey(), header.getValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "header '" + header.getKey() + "' cannot be set: " + e.getMessage(), e);
            }
        }
        HttpRequest.BodyPublisher body = spec.body() == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(spec.body());
        return builder.method(spec.method(), body).build();
    }
}
