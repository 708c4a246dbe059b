package dev.kiln.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A test client for {@code text/event-stream}: frames are read on a virtual thread and handed over with timeouts. */
final class SseClient implements AutoCloseable {
    /** One event: its id, name and data line. */
    record Event(long id, String name, String data) {}

    /** The end of the stream (the server closed it). */
    static final Event END = new Event(-1, "end", "");

    // Virtual threads deliver the bodies, so the client side adds no platform thread per stream either.
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
            .build();

    final HttpResponse<Stream<String>> response;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile int heartbeats;
    private volatile String retry;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        if (response.statusCode() == 200) {
            Thread.ofVirtual().name("sse-client").start(this::read);
        }
    }

    /** Opens the events of generation {@code id} on {@code base}, resuming after {@code lastEventId} if given. */
    static SseClient open(String base, String key, long id, Optional<Long> lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/generations/" + id + "/events"))
                .header("Authorization", "Bearer " + key)
                .header("Accept", "text/event-stream")
                .GET();
        lastEventId.ifPresent(l -> b.header("Last-Event-ID", Long.toString(l)));
        return new SseClient(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofLines()));
    }

    int status() {
        return response.statusCode();
    }

    int heartbeats() {
        return heartbeats;
    }

    String retry() {
        return retry;
    }

    /** The next event, {@link #END} once the server closed the stream; fails after {@code wait}. */
    Event next(Duration wait) throws InterruptedException {
        Event e = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + wait);
        }
        return e;
    }

    private void read() {
        long id = -1;
        String name = "message";
        StringBuilder data = new StringBuilder();
        try {
            Iterator<String> lines = response.body().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, name, data.toString()));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    heartbeats++;
                } else if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                } else if (line.startsWith("retry: ")) {
                    retry = line.substring(7);
                }
            }
        } catch (RuntimeException e) {
            // closed by close(): the end
        }
        events.add(END);
    }

    @Override
    public void close() {
        response.body().close();
    }
}
