package dev.kiln.ops;

import java.util.Set;

/**
 * Every metric name and tag key Kiln publishes, in one place. Names are Micrometer's dotted form; the Prometheus
 * export turns {@code kiln.render.queue.depth} into {@code kiln_render_queue_depth} and adds unit suffixes
 * ({@code _seconds}, {@code _total}).
 */
public final class MetricNames {

    // --- HTTP ---

    /** Timer of served requests; tags {@link #TAG_METHOD}, {@link #TAG_ROUTE}, {@link #TAG_STATUS}. */
    public static final String HTTP_SERVER_REQUESTS = "kiln.http.server.requests";

    /** Gauge: live-status event streams ({@code GET /v1/generations/{id}/events}) open on this instance. */
    public static final String EVENT_STREAMS_OPEN = "kiln.http.event.streams.open";

    // --- Render pool (synchronous renders) ---

    /** Gauge: renders waiting in the bounded queue in front of the render pool. */
    public static final String RENDER_QUEUE_DEPTH = "kiln.render.queue.depth";
    /** Gauge: renders running now. */
    public static final String RENDER_INFLIGHT = "kiln.render.inflight";
    /** Gauge: running renders that have passed their deadline and are being cancelled. */
    public static final String RENDER_OVERDUE = "kiln.render.overdue";
    /** Gauge: render workers abandoned (and replaced) because their render ignored cancellation, still running. */
    public static final String RENDER_ABANDONED = "kiln.render.abandoned";
    /** Gauge: abandoned renders past the wedge limit, or overdue ones beyond the abandon cap; nonzero fails liveness. */
    public static final String RENDER_WEDGED = "kiln.render.wedged";
    /** Counter of renders refused before they ran; tag {@link #TAG_REASON}. */
    public static final String RENDER_REJECTIONS = "kiln.render.rejections";
    /** Timer of render execution, excluding queue wait; tag {@link #TAG_FORMAT}. */
    public static final String RENDER_DURATION = "kiln.render.duration";
    /** Timer of the time a render waited in the queue before it started. */
    public static final String RENDER_QUEUE_WAIT = "kiln.render.queue.wait";

    // --- Job queue (durable generations) ---

    /** Gauge: jobs that are queued and runnable. */
    public static final String JOBS_QUEUE_DEPTH = "kiln.jobs.queue.depth";
    /** Gauge: age of the oldest runnable job, in seconds. */
    public static final String JOBS_OLDEST_AGE = "kiln.jobs.oldest.age";
    /** Counter of jobs claimed by workers. */
    public static final String JOBS_CLAIMS = "kiln.jobs.claims";
    /** Counter of failed attempts scheduled for retry. */
    public static final String JOBS_RETRIES = "kiln.jobs.retries";
    /** Counter of jobs that failed for good (the dead-letter state). */
    public static final String JOBS_DEAD = "kiln.jobs.dead";
    /** Counter of jobs returned to the queue by the rescuer after their lease expired. */
    public static final String JOBS_RESCUED = "kiln.jobs.rescued";

    // --- Database connection pool: registered by HikariCP's own Micrometer tracker, so not in all() ---

    /**
     * The names HikariCP's {@code MicrometerMetricsTrackerFactory} registers for Kiln's pool (tag {@code pool=kiln});
     * Kiln does not register them itself, so they are listed here for the docs and dashboards, not in
     * {@link #all()}.
     */
    public static final class HikariPool {
        /** Gauge: pooled connections lent out. */
        public static final String ACTIVE = "hikaricp.connections.active";
        /** Gauge: pooled connections idle. */
        public static final String IDLE = "hikaricp.connections.idle";
        /** Gauge: threads waiting for a pooled connection. */
        public static final String PENDING = "hikaricp.connections.pending";
        /** Gauge: open pooled connections. */
        public static final String TOTAL = "hikaricp.connections";
        /** Gauge: the pool's size limit ({@code KILN_DB_POOL_SIZE}). */
        public static final String MAX = "hikaricp.connections.max";
        /** Gauge: the pool's minimum idle connections. */
        public static final String MIN = "hikaricp.connections.min";
        /** Counter: borrows that timed out ({@code KILN_DB_CONNECT_TIMEOUT}); each became a 503. */
        public static final String TIMEOUTS = "hikaricp.connections.timeout";
        /** Timer: time to borrow a connection. */
        public static final String ACQUIRE = "hikaricp.connections.acquire";
        /** Timer: how long a borrowed connection was held. */
        public static final String USAGE = "hikaricp.connections.usage";
        /** Timer: time to open a new connection. */
        public static final String CREATION = "hikaricp.connections.creation";

        private HikariPool() {}
    }

    // --- Cache ---

    /**
     * Counter of read-cache lookups; tags {@link #TAG_LAYER} ({@code l1}, {@code l2}) and {@link #TAG_RESULT}
     * ({@code hit}, {@code miss}): a layer's hit rate is its hits over its lookups.
     */
    public static final String CACHE_REQUESTS = "kiln.cache.requests";
    /** Timer of a lookup in a layer ({@code l2}) or a load from the source ({@code source}); tag {@link #TAG_LAYER}. */
    public static final String CACHE_LOAD = "kiln.cache.load";
    /** Counter of misses that joined a load already in flight (single flight) instead of loading again. */
    public static final String CACHE_COALESCED = "kiln.cache.coalesced";
    /** Counter of invalidated groups that could not reach Redis at once and wait for it. */
    public static final String CACHE_INVALIDATIONS_DEFERRED = "kiln.cache.invalidations.deferred";
    /** Gauge: Redis circuit breaker, 0 closed (in use), 1 open (skipped), 2 not configured. */
    public static final String REDIS_STATE = "kiln.redis.state";
    /** Counter of requests refused by the per-user rate limit; tag {@link #TAG_ENFORCER} ({@code redis}, {@code local}). */
    public static final String RATE_LIMITED = "kiln.rate.limited";

    // --- JVM ---

    /** Distribution of how late the pause detector woke up: GC, safepoint or CPU-starvation stalls. */
    public static final String JVM_PAUSE = "kiln.jvm.pause";

    // --- Tag keys ---

    /** Tag: HTTP method, e.g. {@code GET}. */
    public static final String TAG_METHOD = "method";
    /** Tag: route template, e.g. {@code /v1/generations/{id}}; never the raw path (unbounded cardinality). */
    public static final String TAG_ROUTE = "route";
    /** Tag: HTTP status class, e.g. {@code 2xx}. */
    public static final String TAG_STATUS = "status";
    /** Tag: why a render was rejected, {@code queue_full}, {@code deadline}, {@code budget_too_small}, {@code draining}. */
    public static final String TAG_REASON = "reason";
    /** Tag: output format, e.g. {@code png}. */
    public static final String TAG_FORMAT = "format";
    /** Tag: cache layer, {@code l1} or {@code l2}. */
    public static final String TAG_LAYER = "layer";
    /** Tag: which rate limiter decided, {@code redis} (shared) or {@code local} (this instance's fallback). */
    public static final String TAG_ENFORCER = "enforcer";
    /** Tag: cache lookup result, {@code hit} or {@code miss}. */
    public static final String TAG_RESULT = "result";

    private static final Set<String> ALL = Set.of(
            HTTP_SERVER_REQUESTS,
            EVENT_STREAMS_OPEN,
            RENDER_QUEUE_DEPTH,
            RENDER_INFLIGHT,
            RENDER_OVERDUE,
            RENDER_ABANDONED,
            RENDER_WEDGED,
            RENDER_REJECTIONS,
            RENDER_DURATION,
            RENDER_QUEUE_WAIT,
            JOBS_QUEUE_DEPTH,
            JOBS_OLDEST_AGE,
            JOBS_CLAIMS,
            JOBS_RETRIES,
            JOBS_DEAD,
            JOBS_RESCUED,
            CACHE_REQUESTS,
            CACHE_LOAD,
            CACHE_COALESCED,
            CACHE_INVALIDATIONS_DEFERRED,
            REDIS_STATE,
            RATE_LIMITED,
            JVM_PAUSE);

    private MetricNames() {}

    /** Every Kiln metric name above (tag keys excluded); {@link Metrics} refuses names not in it. */
    public static Set<String> all() {
        return ALL;
    }
}
