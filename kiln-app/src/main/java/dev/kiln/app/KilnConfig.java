package dev.kiln.app;

import dev.kiln.http.HttpConfig;
import dev.kiln.platform.DatabaseConfig;
import dev.kiln.platform.credits.Credits;
import dev.kiln.render.RenderLimits;
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
 * @param video how videos run: deadline, memory budget, work directory, encoder threads
 * @param ffmpeg an ffmpeg to use instead of the bundled one ({@code KILN_FFMPEG}); its ffprobe is its sibling
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
        VideoSettings video,
        java.util.Optional<Path> ffmpeg) {

    KilnConfig {
        if (newUserCredits < 0 || newUserCredits > Credits.MAX_GRANT) {
            throw new ConfigException(
                    "KILN_NEW_USER_CREDITS must be 0 to " + Credits.MAX_GRANT + ", was " + newUserCredits);
        }
    }

    /** Default per-render memory estimate: 4 bytes a pixel for the surface, twice over for encode buffers. */
    static final int BYTES_PER_PIXEL_BUDGET = 8;

    /** Default share of the max heap that concurrent renders may use. */
    static final double RENDER_HEAP_SHARE = 0.5;

    static KilnConfig from(Settings s) {
        try {
            HttpConfig httpDefaults = HttpConfig.defaults(HttpConfig.DEFAULT_HOST, HttpConfig.DEFAULT_PORT);
            HttpConfig http = new HttpConfig(
                    s.string("KILN_HOST", HttpConfig.DEFAULT_HOST),
                    s.integer("KILN_PORT", HttpConfig.DEFAULT_PORT),
                    s.longValue("KILN_MAX_BODY_BYTES", httpDefaults.maxBodyBytes()),
                    httpDefaults.maxJsonDepth(),
                    httpDefaults.maxJsonStringLength(),
                    httpDefaults.maxJsonNumberLength(),
                    s.duration("KILN_REQUEST_TIMEOUT", HttpConfig.DEFAULT_TIMEOUT),
                    s.duration("KILN_MAX_REQUEST_TIMEOUT", HttpConfig.DEFAULT_MAX_TIMEOUT),
                    s.duration("KILN_DRAIN_TIMEOUT", HttpConfig.DEFAULT_DRAIN_TIMEOUT));
            DatabaseConfig d = DatabaseConfig.defaults();
            DatabaseConfig database = new DatabaseConfig(
                    s.string("KILN_DB_HOST", d.host()),
                    s.integer("KILN_DB_PORT", d.port()),
                    s.string("KILN_DB_NAME", d.database()),
                    s.string("KILN_DB_USER", d.user()),
                    s.string("KILN_DB_PASSWORD", d.password()),
                    s.integer("KILN_DB_POOL_SIZE", d.poolSize()),
                    s.duration("KILN_DB_CONNECT_TIMEOUT", d.connectionTimeout()),
                    s.duration("KILN_DB_STATEMENT_TIMEOUT", d.statementTimeout()),
                    d.idleTimeout());
            RenderLimits limits = RenderLimits.defaults();
            long perJob = limits.maxPixels() * BYTES_PER_PIXEL_BUDGET;
            long budget = s.longValue(
                            "KILN_RENDER_MEMORY_MB",
                            (long) (Runtime.getRuntime().maxMemory() * RENDER_HEAP_SHARE) / (1024 * 1024))
                    * 1024
                    * 1024;
            if (budget <= 0) {
                throw new ConfigException("KILN_RENDER_MEMORY_MB must be positive");
            }
            PoolConfig pd = PoolConfig.defaults(Runtime.getRuntime().availableProcessors(), budget, perJob);
            int workers = s.integer("KILN_RENDER_WORKERS", pd.workers());
            PoolConfig pool = new PoolConfig(
                    workers,
                    s.integer(
                            "KILN_RENDER_QUEUE",
                            s.raw("KILN_RENDER_WORKERS").isPresent() ? 4 * workers : pd.queueCapacity()),
                    pd.initialServiceTime(),
                    s.duration("KILN_RENDER_OVERDUE_GRACE", pd.overdueGrace()),
                    http.drainTimeout(),
                    workers,
                    s.duration("KILN_RENDER_WEDGE_LIMIT", PoolConfig.DEFAULT_WEDGE_LIMIT));
            Path home = Path.of(s.string("KILN_HOME", ".kiln"));
            String logFormat = s.string("KILN_LOG_FORMAT", "json");
            if (!logFormat.equals("json") && !logFormat.equals("text")) {
                throw new ConfigException("KILN_LOG_FORMAT must be json or text, was '" + logFormat + "'");
            }
            long newUserCredits = s.longValue("KILN_NEW_USER_CREDITS", Credits.DEFAULT_NEW_USER_CREDITS);
            Role role = Role.parse(s.string("KILN_ROLE", Role.ALL.wireName()));
            Path storage =
                    Path.of(s.string("KILN_STORAGE_DIR", home.resolve("storage").toString()));
            VideoSettings video = new VideoSettings(
                    s.duration("KILN_VIDEO_DEADLINE", VideoSettings.DEFAULT_DEADLINE),
                    s.longValue("KILN_VIDEO_MEMORY_MB", VideoSettings.DEFAULT_MEMORY_BUDGET_BYTES >> 20) << 20,
                    Path.of(s.string(
                            "KILN_VIDEO_WORK_DIR", home.resolve("video-work").toString())),
                    s.integer("KILN_VIDEO_ENCODER_THREADS", dev.kiln.video.VideoEncoder.DEFAULT_ENCODER_THREADS),
                    s.integer("KILN_VIDEO_CHUNK_FRAMES", VideoSettings.DEFAULT_CHUNK_FRAMES));
            java.util.Optional<Path> ffmpeg = s.raw("KILN_FFMPEG").map(Path::of);
            return new KilnConfig(http, database, pool, limits, home, newUserCredits, role, storage, video, ffmpeg);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
