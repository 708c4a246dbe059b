package dev.kiln.app;

import dev.kiln.cache.CacheConfig;
import dev.kiln.cache.RedisConfig;
import dev.kiln.cache.ratelimit.RateLimit;
import dev.kiln.http.EventStreamConfig;
import dev.kiln.http.HttpConfig;
import dev.kiln.platform.DatabaseConfig;
import dev.kiln.platform.credits.Credits;
import dev.kiln.platform.events.EventRetentionConfig;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.SvgEngine;
import dev.kiln.renderpool.PoolConfig;
import dev.kiln.worker.VideoSettings;
import java.nio.file.Path;

/**
 * Everything {@code kiln up} needs, one validated record per concern. Built from {@code KILN_*} settings;
 * the first bad value stops the start with a message that names it. docs/configuration.md lists them all.
 *
 * @param http listener, body caps and request budgets
 * @param database PostgreSQL connection and pool
 * @param pool render workers and queue
 * @param limits render caps
 * @param home directory for local state (the first-start API key file)
 * @param newUserCredits starting balance of each user created with a key, in credits
 * @param role what this process runs: the API, the generation workers, or both
 * @param storage root directory of stored outputs, shared by every instance of one deployment
 * @param redis the optional Redis shared by the instances of one deployment (L2 cache, invalidations, rate limits)
 * @param rateLimit per-user request rate, shared through Redis
 * @param cache TTLs and sizes of the read cache
 * @param cacheEnabled whether status and dashboards read through the cache ({@code KILN_CACHE=off} reads the
 *     database every time: for diagnosis and the uncached benchmark)
 * @param box the CPUs and memory this instance was sized for (cgroup limits, else the host)
 * @param streams caps and heartbeat of live-status event streams
 * @param video how videos run: deadline, memory budget, work directory, encoder threads
 * @param ffmpeg an ffmpeg to use instead of the bundled one ({@code KILN_FFMPEG}); its ffprobe is its sibling
 * @param eventRetention how long finished generations keep their live-status events, and how often they are pruned
 * @param svgEngine the library that draws SVG documents ({@code KILN_SVG_ENGINE}; resvg unless it cannot start)
 */
record KilnConfig(
        HttpConfig http,
        DatabaseConfig database,
        PoolConfig pool,
        RenderLimits limits,
        Path home,
        long newUserCredits,
        Role role,
        Path storage,
        RedisConfig redis,
        RateLimit rateLimit,
        CacheConfig cache,
        boolean cacheEnabled,
        Box box,
        EventStreamConfig streams,
        VideoSettings video,
        java.util.Optional<Path> ffmpeg,
        EventRetentionConfig eventRetention,
        SvgEngine svgEngine) {

    KilnConfig {
        if (newUserCredits < 0 || newUserCredits > Credits.MAX_GRANT) {
            throw new ConfigException(
                    Setting.KILN_NEW_USER_CREDITS + " must be 0 to " + Credits.MAX_GRANT + ", was " + newUserCredits);
        }
    }

    /** Default per-render memory estimate: 4 bytes a pixel for the surface, twice over for encode buffers. */
    static final int BYTES_PER_PIXEL_BUDGET = 8;

    /** Default share of the max heap that concurrent renders may use. */
    static final double RENDER_HEAP_SHARE = 0.5;

    /**
     * {@code KILN_REDIS_URL} ({@code off} or empty: no Redis), {@code KILN_REDIS_TIMEOUT} and
     * {@code KILN_REDIS_PREFIX}, whose default names the database, so deployments (and test databases) sharing one
     * Redis never read each other's keys.
     */
    static RedisConfig redis(Settings s, String databaseName) {
        String url = s.string(Setting.KILN_REDIS_URL).strip();
        java.util.Optional<java.net.URI> uri;
        if (url.isEmpty() || url.equalsIgnoreCase("off")) {
            uri = java.util.Optional.empty();
        } else {
            try {
                uri = java.util.Optional.of(java.net.URI.create(url));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        Setting.KILN_REDIS_URL + " must look like redis://host:port[/db], was " + url);
            }
        }
        return new RedisConfig(
                uri,
                s.duration(Setting.KILN_REDIS_TIMEOUT),
                RedisConfig.DEFAULT_FAILURES_TO_OPEN,
                RedisConfig.DEFAULT_PROBE_INTERVAL,
                s.string(Setting.KILN_REDIS_PREFIX, RedisConfig.DEFAULT_KEY_PREFIX + "." + databaseName));
    }

    /**
     * The render caps for a render memory budget of {@code budgetBytes}: the defaults, unless the budget cannot
     * hold one render of the largest default output ({@link #BYTES_PER_PIXEL_BUDGET} a pixel); then the largest
     * output shrinks to what it holds, so a render that could not fit is refused with a 422 instead of running the
     * heap out.
     */
    static RenderLimits limitsFor(long budgetBytes) {
        RenderLimits d = RenderLimits.defaults();
        long fits = budgetBytes / BYTES_PER_PIXEL_BUDGET;
        if (fits >= d.maxPixels()) {
            return d;
        }
        return new RenderLimits(
                d.maxDimension(),
                Math.max(1, fits),
                d.maxLayers(),
                d.maxDepth(),
                d.maxTextLength(),
                d.maxImageBytes(),
                d.maxImagePixels(),
                d.maxSvgBytes(),
                d.maxLottieBytes(),
                d.maxFrames(),
                d.maxDuration());
    }

    /** The configuration for this process's box (its cgroup limits, else the host) and its actual max heap. */
    static KilnConfig from(Settings s) {
        return from(s, Box.detect(), maxHeapBytes());
    }

    /**
     * The heap the JVM was started with ({@code -Xmx}). Not {@code Runtime.maxMemory()}: under the Serial
     * collector that leaves out one survivor space, and a 512 MiB heap then looked too small for two 128 MiB
     * render jobs in a 256 MiB budget.
     */
    static long maxHeapBytes() {
        try {
            var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            return Long.parseLong(hotspot.getVMOption("MaxHeapSize").getValue());
        } catch (RuntimeException e) {
            return Runtime.getRuntime().maxMemory();
        }
    }

    /**
     * The configuration for a process in {@code box} whose max heap is {@code maxHeapBytes}: the render workers
     * are at most the box's CPUs, the render memory budget is half the heap, and the per-job budget is at most that
     * budget (so one render of the largest output allowed always fits; in a small box the largest output shrinks
     * with it).
     */
    static KilnConfig from(Settings s, Box box, long maxHeapBytes) {
        try {
            HttpConfig httpDefaults = HttpConfig.defaults(HttpConfig.DEFAULT_HOST, HttpConfig.DEFAULT_PORT);
            HttpConfig http = new HttpConfig(
                    s.string(Setting.KILN_HOST),
                    s.integer(Setting.KILN_PORT),
                    s.longValue(Setting.KILN_MAX_BODY_BYTES),
                    httpDefaults.maxJsonDepth(),
                    httpDefaults.maxJsonStringLength(),
                    httpDefaults.maxJsonNumberLength(),
                    s.duration(Setting.KILN_REQUEST_TIMEOUT),
                    s.duration(Setting.KILN_MAX_REQUEST_TIMEOUT),
                    s.duration(Setting.KILN_DRAIN_TIMEOUT),
                    s.duration(Setting.KILN_WARM_UP));
            DatabaseConfig d = DatabaseConfig.defaults();
            DatabaseConfig database = new DatabaseConfig(
                    s.string(Setting.KILN_DB_HOST),
                    s.integer(Setting.KILN_DB_PORT),
                    s.string(Setting.KILN_DB_NAME),
                    s.string(Setting.KILN_DB_USER),
                    s.string(Setting.KILN_DB_PASSWORD),
                    s.integer(Setting.KILN_DB_POOL_SIZE),
                    s.duration(Setting.KILN_DB_CONNECT_TIMEOUT),
                    s.duration(Setting.KILN_DB_STATEMENT_TIMEOUT),
                    d.idleTimeout());
            long budget = s.longValue(
                            Setting.KILN_RENDER_MEMORY_MB, (long) (maxHeapBytes * RENDER_HEAP_SHARE) / (1024 * 1024))
                    * 1024
                    * 1024;
            if (budget <= 0) {
                throw new ConfigException(Setting.KILN_RENDER_MEMORY_MB + " must be positive");
            }
            RenderLimits limits = limitsFor(budget);
            long perJob = limits.maxPixels() * BYTES_PER_PIXEL_BUDGET;
            PoolConfig pd = PoolConfig.defaults(box.cpus(), budget, perJob);
            int workers = s.integer(Setting.KILN_RENDER_WORKERS, pd.workers());
            PoolConfig pool = new PoolConfig(
                    workers,
                    s.integer(
                            Setting.KILN_RENDER_QUEUE,
                            s.raw(Setting.KILN_RENDER_WORKERS).isPresent()
                                    ? PoolConfig.DEFAULT_QUEUE_PER_WORKER * workers
                                    : pd.queueCapacity()),
                    pd.initialServiceTime(),
                    s.duration(Setting.KILN_RENDER_OVERDUE_GRACE),
                    http.drainTimeout(),
                    workers,
                    s.duration(Setting.KILN_RENDER_WEDGE_LIMIT));
            Path home = Path.of(s.string(Setting.KILN_HOME));
            String logFormat = s.string(Setting.KILN_LOG_FORMAT);
            if (!logFormat.equals("json") && !logFormat.equals("text")) {
                throw new ConfigException(Setting.KILN_LOG_FORMAT + " must be json or text, was '" + logFormat + "'");
            }
            long newUserCredits = s.longValue(Setting.KILN_NEW_USER_CREDITS);
            Role role = Role.parse(s.string(Setting.KILN_ROLE));
            Path storage = Path.of(
                    s.string(Setting.KILN_STORAGE_DIR, home.resolve("storage").toString()));
            VideoSettings video = new VideoSettings(
                    s.duration(Setting.KILN_VIDEO_DEADLINE),
                    s.longValue(Setting.KILN_VIDEO_MEMORY_MB) << 20,
                    Path.of(s.string(
                            Setting.KILN_VIDEO_WORK_DIR,
                            home.resolve("video-work").toString())),
                    s.integer(Setting.KILN_VIDEO_ENCODER_THREADS),
                    s.integer(Setting.KILN_VIDEO_CHUNK_FRAMES),
                    s.integer(Setting.KILN_VIDEO_CHUNKS_PER_WORKER));
            java.util.Optional<Path> ffmpeg = s.raw(Setting.KILN_FFMPEG).map(Path::of);
            EventStreamConfig sd = EventStreamConfig.defaults();
            EventStreamConfig streams = new EventStreamConfig(
                    s.integer(Setting.KILN_SSE_MAX_STREAMS),
                    s.integer(Setting.KILN_SSE_MAX_STREAMS_PER_USER),
                    s.duration(Setting.KILN_SSE_HEARTBEAT),
                    sd.retry());
            RedisConfig redis = redis(s, database.database());
            RateLimit rateLimit =
                    new RateLimit(s.integer(Setting.KILN_RATE_LIMIT), s.duration(Setting.KILN_RATE_LIMIT_WINDOW));
            CacheConfig cd = CacheConfig.defaults();
            CacheConfig cache = new CacheConfig(
                    s.duration(Setting.KILN_CACHE_INFLIGHT_TTL),
                    cd.volatileL2(),
                    cd.settledL1(),
                    cd.settledL2(),
                    cd.maxGroups(),
                    cd.maxFieldsPerGroup());
            String cacheSwitch = s.string(Setting.KILN_CACHE);
            if (!cacheSwitch.equals("on") && !cacheSwitch.equals("off")) {
                throw new ConfigException(Setting.KILN_CACHE + " must be on or off, was '" + cacheSwitch + "'");
            }
            return new KilnConfig(
                    http,
                    database,
                    pool,
                    limits,
                    home,
                    newUserCredits,
                    role,
                    storage,
                    redis,
                    rateLimit,
                    cache,
                    cacheSwitch.equals("on"),
                    box,
                    streams,
                    video,
                    ffmpeg,
                    new EventRetentionConfig(
                            s.duration(Setting.KILN_EVENT_RETENTION),
                            s.duration(Setting.KILN_EVENT_RETENTION_INTERVAL),
                            EventRetentionConfig.DEFAULT_BATCH_SIZE),
                    SvgEngine.of(s.string(Setting.KILN_SVG_ENGINE)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
