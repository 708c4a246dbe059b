package dev.kiln.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.renderpool.PoolSnapshot;
import dev.kiln.renderpool.RenderPool;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;

/** Liveness, readiness, metrics and the served documents. */
final class OpsHandlers {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RenderPool pool;
    private final HttpMetrics metrics;
    private final AtomicBoolean draining;
    private final AtomicBoolean warming;
    private final byte[] sceneSchema;
    private final byte[] openApi;

    OpsHandlers(
            RenderPool pool, HttpMetrics metrics, AtomicBoolean draining, AtomicBoolean warming, byte[] sceneSchema) {
        this.warming = warming;
        this.pool = pool;
        this.metrics = metrics;
        this.draining = draining;
        this.sceneSchema = sceneSchema.clone();
        this.openApi = resource("/dev/kiln/http/openapi.json");
    }

    /**
     * Liveness: the process answers, and no render has taken a worker in a way only a restart undoes (an abandoned
     * render still running past the wedge limit, or an overdue one that could not be abandoned). 503 asks an
     * orchestrator to restart the instance; {@code ./kiln up} restarts itself (docs/capacity-model.md).
     */
    void healthz(ServerRequest req, ServerResponse res) {
        if (pool.isLive()) {
            json(res, 200, MAPPER.createObjectNode().put("status", "ok"));
            return;
        }
        PoolSnapshot s = pool.snapshot();
        ObjectNode body = MAPPER.createObjectNode().put("status", "wedged");
        body.putArray("reasons")
                .add("wedged: " + s.wedged() + " render(s) ignore cancellation and hold a thread; restart needed");
        body.putObject("renderPool").put("abandoned", s.abandoned()).put("wedged", s.wedged());
        json(res, 503, body);
    }

    /**
     * Readiness: false while warming up (the first seconds after a start), draining, saturated (queue full) or
     * wedged (a render overran its deadline).
     */
    void readyz(ServerRequest req, ServerResponse res) {
        PoolSnapshot s = pool.snapshot();
        boolean drain = draining.get() || s.draining();
        boolean warm = warming.get();
        boolean saturated = !drain && s.overdue() == 0 && !pool.isReady();
        boolean ready = !drain && !warm && pool.isReady();
        ObjectNode body = MAPPER.createObjectNode().put("status", ready ? "ready" : "not-ready");
        var reasons = body.putArray("reasons");
        if (warm && !drain) {
            reasons.add("warming up: the request path runs on loopback before the first client's burst");
        }
        if (drain) {
            reasons.add("draining");
        }
        if (s.overdue() > 0) {
            reasons.add("wedged: " + s.overdue() + " render(s) past their deadline still hold a worker");
        }
        if (saturated) {
            reasons.add("saturated: the render queue is full");
        }
        body.putObject("renderPool")
                .put("workers", s.workers())
                .put("running", s.running())
                .put("queued", s.queued())
                .put("overdue", s.overdue())
                .put("abandoned", s.abandoned())
                .put("ewmaServiceMs", s.ewmaServiceTime().toNanos() / 1e6);
        json(res, ready ? 200 : 503, body);
    }

    void metrics(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(metrics.scrape());
    }

    void openApi(ServerRequest req, ServerResponse res) {
        JsonResponses.send(res, "application/json", openApi);
    }

    void sceneSchema(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
        JsonResponses.send(res, "application/schema+json", sceneSchema);
    }

    private static void json(ServerResponse res, int status, ObjectNode body) {
        res.status(status);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        try {
            JsonResponses.send(res, "application/json", MAPPER.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = OpsHandlers.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
