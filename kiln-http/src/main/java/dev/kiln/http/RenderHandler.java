package dev.kiln.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.RenderOutput;
import dev.kiln.render.Renderer;
import dev.kiln.render.image.AssetReferences;
import dev.kiln.renderpool.Admission;
import dev.kiln.renderpool.Outcome;
import dev.kiln.renderpool.RejectReason;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.Reservation;
import dev.kiln.renderpool.Ticker;
import dev.kiln.renderpool.Ticket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/renders}: validate on the request thread, admit or reject at once, render on the bounded
 * pool, and answer within the request's budget.
 */
final class RenderHandler implements Handler {
    private static final Logger LOG = LoggerFactory.getLogger(RenderHandler.class);
    static final String TIMEOUT_HEADER = "X-Timeout-Ms";
    private static final io.helidon.http.HeaderName WARM_UP_MODE = HeaderNames.create(HttpWarmUp.HEADER + "-Mode");

    private final HttpConfig config;
    private final Renderer renderer;
    private final RenderPool pool;
    private final JsonBodies bodies;
    private final HttpMetrics metrics;
    private final DisconnectWatcher disconnects;
    private final Ticker ticker;
    /** The caller's asset lookup for {@code asset:<id>} sources; null when uploads are not served. */
    private final LongFunction<AssetReferences.Lookup> assets;
    /** Where parsing runs: off the request's carrier thread, so a burst's parses cannot hold up its 429s. */
    private final CpuOffload offload;

    RenderHandler(
            HttpConfig config,
            Renderer renderer,
            RenderPool pool,
            JsonBodies bodies,
            HttpMetrics metrics,
            DisconnectWatcher disconnects,
            Ticker ticker,
            LongFunction<AssetReferences.Lookup> assets,
            CpuOffload offload) {
        this.offload = offload;
        this.config = config;
        this.renderer = renderer;
        this.pool = pool;
        this.bodies = bodies;
        this.metrics = metrics;
        this.disconnects = disconnects;
        this.ticker = ticker;
        this.assets = assets;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (RequestContext.warmUp()) {
            warmUp(req);
            return;
        }
        long arrival = ticker.nanos();
        Duration budget = budget(req);
        long deadline = arrival + budget.toNanos();
        // A full queue refuses before the body is read and validated: the 429 path stays cheap under overload.
        var early = pool.rejectEarly();
        if (early.isPresent()) {
            throw reject(early.get().reason(), early.get().retryAfter());
        }
        JsonNode body = bodies.read(req);
        // The slot is held from here to the submit, so a burst's later requests see the queue full and are refused
        // before they parse their documents, not after (parsing is the expensive part of the request path).
        Admission<RenderOutput> admission;
        try (Reservation slot = pool.reserve()) {
            if (slot.refusal().isPresent()) {
                throw reject(slot.refusal().get().reason(), slot.refusal().get().retryAfter());
            }
            // asset:<id> sources become the caller's own bytes in a copy, as in a generation; any other id is a 422
            // at its src (another user's asset cannot be probed).
            JsonNode resolved = assets == null ? body : AssetReferences.resolve(body, assets.apply(Api.userId()));
            PreparedRender prepared;
            try {
                // Parsing a hostile document can loop like drawing one: the budget bounds it too.
                prepared = offload.call(() -> renderer.prepare(resolved, () -> ticker.nanos() - deadline >= 0));
            } catch (RenderCancelledException e) {
                throw timedOut(budget);
            }
            String format = prepared.output().format().wireName();
            admission = slot.submit(
                    ctx -> {
                        long start = System.nanoTime();
                        RenderOutput out = renderer.render(prepared, ctx::isCancelled);
                        metrics.renderExecuted(format, Duration.ofNanos(System.nanoTime() - start));
                        return out;
                    },
                    prepared.costUnits(),
                    deadline);
        }
        switch (admission) {
            case Admission.Rejected<RenderOutput> r
            when r.reason() == RejectReason.BUDGET_TOO_SMALL ->
                throw budgetTooSmall(r.predictedService(), budget, Duration.ofNanos(ticker.nanos() - arrival));
            case Admission.Rejected<RenderOutput> r -> throw reject(r.reason(), r.retryAfter());
            case Admission.Accepted<RenderOutput> a -> await(req, res, a.ticket(), budget);
        }
    }

    /**
     * A warm-up request ({@link HttpWarmUp}): the path of a rejected render, without the pool and without metrics.
     * Mode {@code early} answers before reading the body (the filter discards it), as a full queue does; {@code
     * parse} reads and parses the document first, as a request refused at its reservation does.
     */
    private void warmUp(ServerRequest req) {
        if (req.headers().first(WARM_UP_MODE).orElse("early").equals("parse")) {
            JsonNode body = bodies.read(req);
            long deadline = ticker.nanos() + config.defaultTimeout().toNanos();
            offload.call(() -> renderer.prepare(body, () -> ticker.nanos() - deadline >= 0));
        }
        throw rejection(RejectReason.QUEUE_FULL, Duration.ofSeconds(1));
    }

    /** The socket address of one end of the request's connection. */
    private static InetSocketAddress peer(PeerInfo end) {
        return end.address() instanceof InetSocketAddress a ? a : new InetSocketAddress(end.host(), end.port());
    }

    private void await(ServerRequest req, ServerResponse res, Ticket<RenderOutput> ticket, Duration budget) {
        Outcome<RenderOutput> outcome;
        try (DisconnectWatcher.Registration ignored =
                disconnects.watch(peer(req.localPeer()), peer(req.remotePeer()), ticket::cancel)) {
            outcome = ticket.await();
        } catch (InterruptedException e) {
            ticket.cancel();
            Thread.currentThread().interrupt();
            throw ProblemException.of(ProblemType.SHUTTING_DOWN, "the server is shutting down");
        }
        switch (outcome) {
            case Outcome.Completed<RenderOutput> c -> {
                RenderOutput out = c.value();
                res.header(HeaderNames.CONTENT_TYPE, out.mediaType());
                res.header(HeaderNames.CACHE_CONTROL, "no-store");
                res.header("X-Kiln-Width", Integer.toString(out.width()));
                res.header("X-Kiln-Height", Integer.toString(out.height()));
                res.send(out.bytes());
            }
            case Outcome.TimedOut<RenderOutput> t -> throw timedOut(budget);
            case Outcome.Cancelled<RenderOutput> x ->
                throw ProblemException.of(ProblemType.CLIENT_CLOSED, "the client went away; the render was cancelled");
            case Outcome.Failed<RenderOutput> f -> {
                if (f.error() instanceof RenderCancelledException) {
                    throw timedOut(budget);
                }
                if (f.error() instanceof InvalidDocumentException e) {
                    throw e;
                }
                LOG.error("render failed", f.error());
                throw ProblemException.of(
                        ProblemType.RENDER_FAILED,
                        "the renderer failed on this document; quote the request id when reporting it");
            }
        }
    }

    private static ProblemException timedOut(Duration budget) {
        return ProblemException.of(
                ProblemType.DEADLINE_EXCEEDED,
                "the render did not finish within its " + budget.toMillis() + " ms budget and was cancelled");
    }

    /**
     * 504 at once when the document's own predicted render time exceeds what is left of the budget: a 429 would
     * invite a retry that fails the same way whatever the load. No {@code Retry-After}: the client must change
     * the request (a larger budget) or the route (a generation job).
     */
    private ProblemException budgetTooSmall(Duration predicted, Duration budget, Duration spent) {
        metrics.renderRejected(RejectReason.BUDGET_TOO_SMALL.wireName());
        long predictedMs = Math.max(1, predicted.toMillis());
        String spentNote = spent.toMillis() >= 10
                ? " (" + spent.toMillis() + " ms of which went to reading and checking the document)"
                : "";
        String advice = predicted.compareTo(config.maxTimeout()) < 0
                ? "raise " + TIMEOUT_HEADER + " (up to " + config.maxTimeout().toMillis()
                        + " ms) or submit it as a generation job (POST /v1/scenes/{id}/generations)"
                : "that is more than the largest budget this server allows ("
                        + config.maxTimeout().toMillis()
                        + " ms): submit it as a generation job (POST /v1/scenes/{id}/generations)";
        return ProblemException.of(
                ProblemType.BUDGET_TOO_SMALL,
                "the budget is too small for this document: it is predicted to take about " + predictedMs
                        + " ms to render, more than this request's " + budget.toMillis() + " ms budget" + spentNote
                        + "; retrying cannot help: " + advice);
    }

    private ProblemException reject(RejectReason reason, Duration retryAfter) {
        metrics.renderRejected(reason.wireName());
        return rejection(reason, retryAfter);
    }

    private static ProblemException rejection(RejectReason reason, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        Map<String, String> headers = Map.of("Retry-After", Long.toString(seconds));
        return switch (reason) {
            case QUEUE_FULL ->
                new ProblemException(
                        ProblemType.OVERLOADED,
                        "the render queue is full; retry after " + seconds + " s",
                        List.of(),
                        headers);
            case DEADLINE ->
                new ProblemException(
                        ProblemType.OVERLOADED,
                        "the predicted wait would overrun this request's budget; retry after " + seconds + " s",
                        List.of(),
                        headers);
            // Needs the task's prediction, which only a submit has; handled by budgetTooSmall.
            case BUDGET_TOO_SMALL -> throw new IllegalStateException("budget_too_small is answered by budgetTooSmall");
            case DRAINING ->
                new ProblemException(
                        ProblemType.DRAINING,
                        "this instance is shutting down; retry on another instance",
                        List.of(),
                        headers);
        };
    }

    /** The request's budget: {@code X-Timeout-Ms} when given (clamped to the max), else the default. */
    private Duration budget(ServerRequest req) {
        var header = req.headers().first(HeaderNames.create(TIMEOUT_HEADER));
        if (header.isEmpty()) {
            return config.defaultTimeout();
        }
        long ms;
        try {
            ms = Long.parseLong(header.get().strip());
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms <= 0) {
            throw ProblemException.invalid(
                    400,
                    TIMEOUT_HEADER + " must be a positive integer of milliseconds",
                    List.of(new dev.kiln.render.Violation("", TIMEOUT_HEADER + " header: a positive integer")));
        }
        return Duration.ofMillis(Math.min(ms, config.maxTimeout().toMillis()));
    }
}
