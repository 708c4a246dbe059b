package dev.kiln.http;

import dev.kiln.platform.ConflictException;
import dev.kiln.platform.DatabaseUnavailableException;
import dev.kiln.platform.NotFoundException;
import dev.kiln.platform.Platform;
import dev.kiln.platform.credits.InsufficientCreditsException;
import dev.kiln.platform.generations.IdempotencyKeyReusedException;
import dev.kiln.render.Renderer;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.Ticker;
import dev.kiln.storage.BlobStore;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kiln's HTTP server: routes, problem bodies, auth, readiness and graceful drain, on Helidon SE. */
public final class KilnServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KilnServer.class);

    /** One served route; the list of them drives the routing and the 404/405 answers (Allow lists methods). */
    private record Route(Method method, String path, io.helidon.webserver.http.Handler handler) {}

    private final WebServer server;
    private final RenderPool pool;
    private final DisconnectWatcher disconnects;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final HttpConfig config;
    private final GenerationEventStreams eventStreams;
    private final CpuOffload offload;
    private final Renderer renderer;
    private final HttpWarmUp warmUp = new HttpWarmUp();
    /** True from the start until the warm-up ends; readiness waits for it. */
    private final AtomicBoolean warming = new AtomicBoolean();

    private volatile Thread warmUpThread;
    private volatile HttpWarmUp.Report warmUpReport;

    private KilnServer(
            HttpConfig config,
            Renderer renderer,
            RenderPool pool,
            Authenticator authenticator,
            HttpMetrics metrics,
            byte[] sceneSchema,
            Platform platform,
            BlobStore store,
            FileAccess fileAccess,
            boolean serveApi,
            ReadPath readPath,
            LiveAndUploads extras) {
        this.config = config;
        this.pool = pool;
        this.renderer = renderer;
        // A worker-only instance serves no render route, so there is nothing to warm.
        this.warming.set(serveApi && !config.warmUp().isZero());
        this.disconnects = DisconnectWatcher.forThisHost();
        JsonBodies bodies = new JsonBodies(config);
        this.offload = CpuOffload.forWorkers(pool.snapshot().workers());
        OpsHandlers ops = new OpsHandlers(pool, metrics, draining, warming, sceneSchema);
        AssetHandlers assets = extras.assets()
                .map(a -> new AssetHandlers(a, store, extras.imageLimits()))
                .orElse(null);
        RenderHandler render = new RenderHandler(
                config,
                renderer,
                pool,
                bodies,
                metrics,
                disconnects,
                Ticker.SYSTEM,
                assets == null ? null : assets::lookup,
                offload);
        Documents documents = new Documents(
                renderer, config.defaultTimeout(), Ticker.SYSTEM, assets == null ? null : assets::lookup, offload);
        ProjectHandlers projects = new ProjectHandlers(platform.projects(), bodies);
        SceneHandlers scenes = new SceneHandlers(platform.scenes(), bodies, documents);
        GenerationHandlers generations =
                new GenerationHandlers(platform.generations(), platform.scenes(), bodies, documents, readPath.cache());
        DashboardHandler dashboard = new DashboardHandler(platform.dashboard(), readPath.cache());
        CreditsHandler credits = new CreditsHandler(platform.credits());
        FilesHandler files = new FilesHandler(store, fileAccess);
        List<Route> api = List.of(
                new Route(Method.POST, "/v1/renders", render),
                new Route(Method.POST, "/v1/projects", projects::create),
                new Route(Method.GET, "/v1/projects", projects::list),
                new Route(Method.GET, "/v1/projects/{id}", projects::get),
                new Route(Method.PATCH, "/v1/projects/{id}", projects::patch),
                new Route(Method.DELETE, "/v1/projects/{id}", projects::delete),
                new Route(Method.POST, "/v1/projects/{id}/scenes", scenes::create),
                new Route(Method.GET, "/v1/projects/{id}/scenes", scenes::list),
                new Route(Method.GET, "/v1/scenes/{id}", scenes::get),
                new Route(Method.PUT, "/v1/scenes/{id}", scenes::put),
                new Route(Method.DELETE, "/v1/scenes/{id}", scenes::delete),
                new Route(Method.POST, "/v1/scenes/{id}/generations", generations::submit),
                new Route(Method.GET, "/v1/generations", generations::list),
                new Route(Method.GET, "/v1/generations/{id}", generations::get),
                new Route(Method.POST, "/v1/generations/{id}/cancel", generations::cancel),
                new Route(Method.GET, "/v1/credits", credits::get),
                new Route(Method.GET, "/v1/dashboard", dashboard::get),
                new Route(Method.GET, "/v1/files/{key}", files::get));
        List<Route> live = new java.util.ArrayList<>();
        this.eventStreams = extras.events()
                .map(hub -> new GenerationEventStreams(platform.generations(), hub, extras.streams()))
                .orElse(null);
        if (eventStreams != null) {
            live.add(new Route(Method.GET, "/v1/generations/{id}/events", eventStreams::stream));
            metrics.eventStreamsOpen(eventStreams::open);
        }
        if (assets != null) {
            live.add(new Route(Method.POST, "/v1/assets", assets::create));
            live.add(new Route(Method.GET, "/v1/assets", assets::list));
            live.add(new Route(Method.GET, "/v1/assets/{id}", assets::get));
            live.add(new Route(Method.DELETE, "/v1/assets/{id}", assets::delete));
        }
        api = java.util.stream.Stream.concat(api.stream(), live.stream()).toList();
        List<Route> operations = List.of(
                new Route(Method.GET, "/healthz", ops::healthz),
                new Route(Method.HEAD, "/healthz", ops::healthz),
                new Route(Method.GET, "/readyz", ops::readyz),
                new Route(Method.HEAD, "/readyz", ops::readyz),
                new Route(Method.GET, "/metrics", ops::metrics),
                new Route(Method.GET, "/openapi.json", ops::openApi),
                new Route(Method.GET, "/v1/schema/scene.json", ops::sceneSchema));
        // A worker-only instance serves the operations routes, so an orchestrator can probe it, and nothing else.
        List<Route> routes = serveApi
                ? java.util.stream.Stream.concat(api.stream(), operations.stream())
                        .toList()
                : operations;
        Map<String, Set<Method>> allowed = new java.util.HashMap<>();
        HttpRouting.Builder routing = HttpRouting.builder()
                .addFilter(new KilnFilter(
                        new CachingAuthenticator(authenticator),
                        metrics,
                        config.maxBodyBytes(),
                        new RateLimits(readPath.rateLimits(), readPath.limiter(), metrics),
                        warmUp));
        for (Route r : routes) {
            routing.route(r.method(), r.path(), r.handler());
            allowed.computeIfAbsent(
                            r.path(), k -> new java.util.TreeSet<>(java.util.Comparator.comparing(Method::text)))
                    .add(r.method());
        }
        List<PathMethods> methodsByPath = allowed.entrySet().stream()
                .map(e -> new PathMethods(pattern(e.getKey()), e.getValue()))
                .toList();
        routing.any((req, res) -> notFoundOrWrongMethod(methodsByPath, req, res))
                // Helidon handles route exceptions inside the innermost proceed(), still within
                // KilnFilter's scope, so these handlers see the request id.
                .error(ProblemException.class, (req, res, p) -> Problems.send(res, p))
                .error(
                        dev.kiln.render.InvalidDocumentException.class,
                        (req, res, e) ->
                                Problems.send(res, ProblemException.invalid(422, e.getMessage(), e.violations())))
                .error(
                        NotFoundException.class,
                        (req, res, e) -> Problems.send(res, ProblemType.NOT_FOUND, e.getMessage()))
                .error(
                        ConflictException.class,
                        (req, res, e) -> Problems.send(res, ProblemType.CONFLICT, e.getMessage()))
                .error(
                        IdempotencyKeyReusedException.class,
                        (req, res, e) -> Problems.send(res, ProblemType.IDEMPOTENCY_KEY_REUSED, e.getMessage()))
                .error(
                        InsufficientCreditsException.class,
                        (req, res, e) -> Problems.send(res, ProblemType.INSUFFICIENT_CREDITS, e.getMessage()))
                .error(
                        dev.kiln.platform.generations.QueuedJobsQuotaException.class,
                        (req, res, e) -> Problems.send(
                                res,
                                new ProblemException(
                                        ProblemType.QUEUE_QUOTA,
                                        e.getMessage() + "; wait for some to finish",
                                        List.of(),
                                        Map.of("Retry-After", "5"))))
                .error(DatabaseUnavailableException.class, KilnServer::databaseUnavailable)
                .error(io.helidon.http.HttpException.class, KilnServer::httpError)
                .error(java.io.UncheckedIOException.class, KilnServer::clientIo)
                .error(RuntimeException.class, KilnServer::unexpected);
        this.server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                // Helidon's own cap answers before the body is read; JsonBodies enforces the same cap
                // while streaming, for chunked bodies without Content-Length.
                .maxPayloadSize(config.maxBodyBytes())
                // Without TCP_NODELAY a response written in several segments (a 100 KB dashboard page) waits for the
                // client's delayed ACK: 40 ms added to one request in twenty (BENCHMARKS.md, read path).
                .connectionOptions(o -> o.tcpNoDelay(true))
                .directHandlers(d -> {
                    for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
                        d.addHandler(t, KilnServer::directProblem);
                    }
                })
                .routing(routing)
                .build();
    }

    /**
     * Builds and starts the server; returns once it listens. Without {@code serveApi} (a worker-only instance) it
     * serves only {@code /healthz}, {@code /readyz}, {@code /metrics} and the docs. {@code readPath} is the cache of
     * generation status and dashboards (whose invalidation the caller wires into {@code platform}, see {@link
     * CacheGroups}) and the per-user rate limits; {@code extras} adds live status and uploads ({@link
     * ReadPath#NONE}, {@link LiveAndUploads#NONE} for neither).
     */
    public static KilnServer start(
            HttpConfig config,
            Renderer renderer,
            RenderPool pool,
            Authenticator authenticator,
            HttpMetrics metrics,
            byte[] sceneSchema,
            Platform platform,
            BlobStore store,
            FileAccess fileAccess,
            boolean serveApi,
            ReadPath readPath,
            LiveAndUploads extras) {
        KilnServer s = new KilnServer(
                Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(renderer, "renderer"),
                Objects.requireNonNull(pool, "pool"),
                Objects.requireNonNull(authenticator, "authenticator"),
                Objects.requireNonNull(metrics, "metrics"),
                Objects.requireNonNull(sceneSchema, "sceneSchema"),
                Objects.requireNonNull(platform, "platform"),
                Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(fileAccess, "fileAccess"),
                serveApi,
                Objects.requireNonNull(readPath, "readPath"),
                Objects.requireNonNull(extras, "extras"));
        s.server.start();
        LOG.info("listening on http://{}:{}", config.host(), s.server.port());
        if (s.warming.get()) {
            s.warmUpThread = Thread.ofVirtual().name("kiln-warm-up").start(s::runWarmUp);
        }
        return s;
    }

    private void runWarmUp() {
        try {
            warmUpReport = warmUp.run(renderer, server.port(), config.warmUp());
        } catch (RuntimeException e) {
            LOG.warn("warm-up failed; serving without it", e);
        } finally {
            warming.set(false);
        }
    }

    /** What the warm-up did, once it has ended; null before (or when there is none). */
    HttpWarmUp.Report warmUpReport() {
        return warmUpReport;
    }

    /** The bound port (useful when configured with port 0). */
    public int port() {
        return server.port();
    }

    /**
     * Graceful stop: readiness turns false, new renders get 503, in-flight renders get up to the drain
     * timeout to finish, then the listener stops.
     *
     * @return true when all in-flight work finished within the drain timeout
     */
    public boolean drainAndStop() {
        return drainAndStop(config.drainTimeout());
    }

    /**
     * Like {@link #drainAndStop()}, waiting at most {@code wait} for in-flight work, so that a caller can keep part
     * of its shutdown budget for what comes after (closing the pool, the database).
     */
    public boolean drainAndStop(java.time.Duration wait) {
        draining.set(true);
        Thread w = warmUpThread;
        if (w != null) {
            w.interrupt();
        }
        pool.beginDrain();
        boolean drained;
        try {
            drained = pool.awaitDrained(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (eventStreams != null) {
            eventStreams.close(); // open streams end now rather than hold the stop for its grace period
        }
        // Helidon's stop waits its shutdown grace period for in-progress exchanges, so handlers whose
        // render just completed still write their response.
        server.stop();
        offload.close();
        disconnects.close();
        LOG.info("stopped (drained cleanly: {})", drained);
        return drained;
    }

    @Override
    public void close() {
        if (server.isRunning()) {
            drainAndStop();
        }
    }

    /** A route path as a regular expression ({@code {id}} matches one segment) with the methods it serves. */
    private record PathMethods(Pattern path, Set<Method> methods) {}

    private static Pattern pattern(String routePath) {
        StringBuilder regex = new StringBuilder();
        for (String part : routePath.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private static void notFoundOrWrongMethod(List<PathMethods> methodsByPath, ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        Set<Method> allowed = methodsByPath.stream()
                .filter(p -> p.path().matcher(path).matches())
                .findFirst()
                .map(PathMethods::methods)
                .orElse(null);
        if (allowed == null) {
            Problems.send(res, ProblemType.NOT_FOUND, "no route for " + safe(path));
            return;
        }
        res.header(
                HeaderNames.ALLOW,
                String.join(", ", allowed.stream().map(Method::text).sorted().toList()));
        Problems.send(
                res, ProblemType.METHOD_NOT_ALLOWED, req.prologue().method().text() + " is not allowed on " + path);
    }

    /** The database is down or its pool is exhausted: a 503 the client may retry, not a 500. */
    static void databaseUnavailable(ServerRequest req, ServerResponse res, DatabaseUnavailableException e) {
        LOG.warn(
                "database unavailable on {} {}: {}",
                req.prologue().method().text(),
                req.path().path(),
                e.getMessage());
        res.header("Retry-After", "1");
        Problems.send(res, ProblemType.DATABASE_UNAVAILABLE, "the database is unavailable; retry shortly");
    }

    /** Helidon's own request errors (a malformed header, say) keep their status rather than becoming 500s. */
    private static void httpError(ServerRequest req, ServerResponse res, io.helidon.http.HttpException e) {
        int status = e.status().code();
        if (status >= 500) {
            unexpected(req, res, e);
            return;
        }
        Problems.send(
                res,
                new ProblemException(
                        ProblemType.BAD_REQUEST, status, String.valueOf(e.getMessage()), List.of(), Map.of()));
    }

    /** I/O failures while reading a body are the client's doing (an aborted upload): no 500, no error log. */
    private static void clientIo(ServerRequest req, ServerResponse res, java.io.UncheckedIOException e) {
        LOG.debug(
                "client I/O failed on {} {}",
                req.prologue().method().text(),
                req.path().path(),
                e);
        if (!res.isSent()) {
            Problems.send(res, ProblemType.BAD_REQUEST, "the request body could not be read");
        }
    }

    /** Logs an unexpected failure with the request id and answers a 500 problem. */
    static void unexpected(ServerRequest req, ServerResponse res, RuntimeException e) {
        LOG.error(
                "unhandled error on {} {}",
                req.prologue().method().text(),
                req.path().path(),
                e);
        Problems.send(
                res, ProblemType.INTERNAL, "an unexpected error occurred; quote the request id when reporting it");
    }

    /** Paths are echoed in problem bodies; keep them short. */
    private static String safe(String path) {
        return path.length() > 200 ? path.substring(0, 200) + "…" : path;
    }

    /** Problem bodies for errors Helidon answers before routing (bad request line, payload too large…). */
    private static DirectHandler.TransportResponse directProblem(
            DirectHandler.TransportRequest request,
            DirectHandler.EventType type,
            Status status,
            io.helidon.http.ServerResponseHeaders headers,
            String message) {
        int code = status.code();
        ProblemType problem = code == 413
                ? ProblemType.PAYLOAD_TOO_LARGE
                : code >= 500 ? ProblemType.INTERNAL : ProblemType.BAD_REQUEST;
        String detail = code == 413
                ? "the request body exceeds the size cap (KILN_MAX_BODY_BYTES)"
                : code >= 500 ? "an unexpected error occurred" : "the request could not be parsed as HTTP";
        byte[] body = Problems.body(code, problem, detail, List.of(), null);
        headers.set(HeaderNames.CONTENT_TYPE, Problems.MEDIA_TYPE);
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .keepAlive(type.keepAlive())
                .entity(body)
                .build();
    }
}
