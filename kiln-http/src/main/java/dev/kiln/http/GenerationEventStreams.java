package dev.kiln.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.platform.events.GenerationEvent;
import dev.kiln.platform.events.GenerationEventHub;
import dev.kiln.platform.events.GenerationEvents;
import dev.kiln.platform.generations.Generation;
import dev.kiln.platform.generations.Generations;
import dev.kiln.render.Violation;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/generations/{id}/events}: a generation's status and progress as Server-Sent Events. Each stream runs
 * on its request's virtual thread and waits on its own small queue, which the instance's one
 * {@link GenerationEventHub} fills; it takes a pooled connection only for the moment of a read (its backlog, or a
 * resync), never for its lifetime. Event ids are the ids of the event log, so {@code Last-Event-ID} resumes exactly
 * after the last event a client saw. The stream ends after the terminal status.
 */
final class GenerationEventStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationEventStreams.class);

    static final String LAST_EVENT_ID = "Last-Event-ID";
    /** Events a stream buffers while it writes; beyond this it drops them and reads the log again. */
    static final int QUEUE_CAPACITY = 64;

    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Generations generations;
    private final GenerationEventHub hub;
    private final GenerationEvents log;
    private final EventStreamConfig config;
    private final StreamLimiter limiter;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    GenerationEventStreams(Generations generations, GenerationEventHub hub, EventStreamConfig config) {
        this.generations = generations;
        this.hub = hub;
        this.log = hub.events();
        this.config = config;
        this.limiter = new StreamLimiter(config.maxStreams(), config.maxStreamsPerUser());
    }

    /** Streams open now on this instance. */
    int open() {
        return limiter.open();
    }

    void stream(ServerRequest req, ServerResponse res) {
        long userId = Api.userId();
        long id = GenerationHandlers.id(req);
        long after = lastEventId(req);
        if (closing) {
            throw ProblemException.of(ProblemType.DRAINING, "the instance is shutting down");
        }
        Generation generation = generations.get(userId, id); // 404 for another user's generation
        StreamLimiter.Outcome outcome = limiter.acquire(userId);
        if (outcome.permit().isEmpty()) {
            String detail = outcome.refusal() == StreamLimiter.Refusal.USER
                    ? "you already have " + config.maxStreamsPerUser() + " event streams open on this instance;"
                            + " close one (or poll GET /v1/generations/" + id + ")"
                    : "this instance already serves " + config.maxStreams() + " event streams; retry shortly";
            throw new ProblemException(ProblemType.TOO_MANY_STREAMS, detail, List.of(), Map.of("Retry-After", "5"));
        }
        try (StreamLimiter.Permit permit = outcome.permit().get();
                Stream stream = new Stream(id);
                GenerationEventHub.Subscription sub = hub.subscribe(id, stream)) {
            open.add(stream);
            stream.run(res, after, generation);
        }
    }

    /** Ends every open stream (the instance is draining); clients reconnect elsewhere with their Last-Event-ID. */
    @Override
    public void close() {
        closing = true;
        open.forEach(Stream::end);
    }

    /** {@code Last-Event-ID} (or {@code ?lastEventId=} for clients that cannot set headers); 0 means from the start. */
    private static long lastEventId(ServerRequest req) {
        Optional<String> raw = req.headers().first(HeaderNames.create(LAST_EVENT_ID));
        if (raw.isEmpty()) {
            raw = req.query().first("lastEventId").asOptional();
        }
        if (raw.isEmpty() || raw.get().isBlank()) {
            return 0;
        }
        try {
            long v = Long.parseLong(raw.get().strip());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalid(
                400,
                LAST_EVENT_ID + " must be an event id this stream sent (a non-negative integer)",
                List.of(new Violation("", LAST_EVENT_ID + " header: a non-negative integer")));
    }

    /** One open stream: its queue of announced events and the loop that writes them. */
    private final class Stream implements GenerationEventHub.Subscriber, AutoCloseable {
        /** Wakes the loop to look at its flags (resync, ended). */
        private static final Object WAKE = new Object();

        private final long generationId;
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        private final AtomicBoolean resync = new AtomicBoolean();
        private volatile boolean ended;

        Stream(long generationId) {
            this.generationId = generationId;
        }

        @Override
        public void deliver(GenerationEvent event) {
            if (!queue.offer(event)) {
                resync(); // a slow client: drop, and read the log once it catches up
            }
        }

        @Override
        public void resync() {
            resync.set(true);
            queue.offer(WAKE); // a full queue wakes the loop anyway
        }

        void end() {
            ended = true;
            queue.offer(WAKE);
        }

        void run(ServerResponse res, long after, Generation atStart) {
            boolean terminalAtStart = atStart.status().terminal();
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.header(HeaderNames.create("X-Accel-Buffering"), "no"); // proxies must not buffer a stream
            long last = after;
            try (OutputStream out = res.outputStream()) {
                write(out, ("retry: " + config.retry().toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII));
                boolean readLog = true;
                boolean firstRead = true;
                long heartbeatNanos = config.heartbeat().toNanos();
                while (!ended) {
                    if (readLog || resync.getAndSet(false)) {
                        List<GenerationEvent> batch = log.after(generationId, last, GenerationEvents.MAX_BATCH);
                        for (GenerationEvent e : batch) {
                            last = send(out, e);
                            if (e.terminal()) {
                                return;
                            }
                        }
                        readLog = batch.size() == GenerationEvents.MAX_BATCH;
                        if (firstRead && !readLog && terminalAtStart) {
                            if (batch.isEmpty() && log.after(generationId, 0, 1).isEmpty()) {
                                // Finished long ago and its log is pruned (EventRetention): its final state, once.
                                send(out, finalState(atStart));
                            }
                            return; // terminal before we connected and the client has seen its last event
                        }
                        firstRead = false;
                        continue;
                    }
                    Object item = queue.poll(heartbeatNanos, TimeUnit.NANOSECONDS);
                    if (item == null) {
                        write(out, HEARTBEAT);
                        continue;
                    }
                    if (item == WAKE) {
                        continue;
                    }
                    GenerationEvent e = (GenerationEvent) item;
                    if (e.id() > last) {
                        last = send(out, e);
                        if (e.terminal()) {
                            return;
                        }
                    }
                }
            } catch (UncheckedIOException | IOException e) {
                LOG.debug("event stream of generation {} ended by the client at event {}", generationId, last);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // The headers are out, so no problem body can follow: end the stream; the client resumes.
                LOG.warn("event stream of generation {} failed at event {}: {}", generationId, last, e.toString());
            }
        }

        /** A finished generation's state as an event without an id: it is not in the log, so nothing resumes after it. */
        private static GenerationEvent finalState(Generation g) {
            return new GenerationEvent(
                    0,
                    g.id(),
                    "status",
                    g.status(),
                    g.progress(),
                    g.stage(),
                    g.attempt(),
                    g.outputJson(),
                    g.errorJson(),
                    g.finishedAt().orElse(g.updatedAt()));
        }

        private long send(OutputStream out, GenerationEvent e) throws IOException {
            ObjectNode data = Api.MAPPER.createObjectNode();
            data.put("generationId", e.generationId());
            data.put("status", e.status().wireName());
            data.put("progress", e.progress());
            data.put("stage", e.stage().orElse(null));
            data.put("attempt", e.attempt());
            data.set("output", e.outputJson().map(Api::tree).orElse(null));
            data.set("error", e.errorJson().map(Api::tree).orElse(null));
            data.put("at", Api.time(e.at()));
            String frame = (e.id() > 0 ? "id: " + e.id() + "\n" : "") + "event: " + e.kind() + "\ndata: "
                    + Api.text(data) + "\n\n";
            write(out, frame.getBytes(StandardCharsets.UTF_8));
            return e.id();
        }

        private void write(OutputStream out, byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        @Override
        public void close() {
            open.remove(this);
        }
    }
}
