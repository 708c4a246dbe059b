package dev.kiln.app;

import dev.kiln.cache.CacheConfig;
import dev.kiln.cache.RedisConfig;
import dev.kiln.cache.ratelimit.RateLimit;
import dev.kiln.http.EventStreamConfig;
import dev.kiln.http.HttpConfig;
import dev.kiln.ops.Durations;
import dev.kiln.platform.DatabaseConfig;
import dev.kiln.platform.credits.Credits;
import dev.kiln.platform.events.EventRetentionConfig;
import dev.kiln.renderpool.PoolConfig;
import dev.kiln.video.VideoEncoder;
import dev.kiln.worker.VideoSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one table of {@code KILN_*} settings: each name with its type, its default and its doc line. {@link Settings}
 * parses by it, the unknown-name warning checks against it, and docs/configuration.md's table is checked against
 * {@link #markdownTable()} ({@code ConfigurationDocsTest}). Ranges and rules between settings are checked by the
 * config record of each concern ({@code HttpConfig}, {@code PoolConfig}…), with messages that name the setting.
 *
 * <p>A default that depends on the box or on another setting is {@code null} here and computed by
 * {@link KilnConfig}; its doc column says how.
 */
enum Setting {
    KILN_HOST(Type.TEXT, HttpConfig.DEFAULT_HOST, null, "bind address; loopback so a first start exposes nothing"),
    KILN_PORT(Type.INTEGER, HttpConfig.DEFAULT_PORT, null, "TCP port (`./kiln up --port N` overrides)"),
    KILN_MAX_BODY_BYTES(
            Type.INTEGER, HttpConfig.DEFAULT_MAX_BODY_BYTES, "%s (16 MiB)", "largest request body; larger gets 413"),
    KILN_REQUEST_TIMEOUT(
            Type.DURATION, HttpConfig.DEFAULT_TIMEOUT, null, "request budget when the client sends no `X-Timeout-Ms`"),
    KILN_MAX_REQUEST_TIMEOUT(
            Type.DURATION,
            HttpConfig.DEFAULT_MAX_TIMEOUT,
            null,
            "largest budget a client may ask for; larger asks are clamped"),
    KILN_DRAIN_TIMEOUT(
            Type.DURATION,
            HttpConfig.DEFAULT_DRAIN_TIMEOUT,
            null,
            "longest a shutdown (SIGTERM) takes in all: one deadline for the wait for in-flight renders, the"
                    + " generation workers' wait for their jobs (at the same time; a quarter of it, at most 10 s) and"
                    + " the stop; see [Shutdown](#shutdown)"),
    KILN_WARM_UP(
            Type.DURATION,
            HttpConfig.DEFAULT_WARM_UP,
            null,
            "longest the request path is warmed on loopback after a start, before `/readyz` turns true (it usually"
                    + " ends sooner); `0s` turns it off; see [Warm-up](#warm-up)"),
    KILN_RENDER_WORKERS(
            Type.INTEGER,
            null,
            "min(CPUs, render memory ÷ per-job)",
            "render worker threads (platform threads); CPUs are the cgroup's CPU quota, else the host's cores"),
    KILN_RENDER_QUEUE(
            Type.INTEGER, null, PoolConfig.DEFAULT_QUEUE_PER_WORKER + " × workers", "render wait-queue capacity"),
    KILN_RENDER_MEMORY_MB(
            Type.INTEGER,
            null,
            "half the max heap",
            "memory the concurrent renders may use; sizes the default worker count"),
    KILN_SVG_ENGINE(
            Type.TEXT,
            "resvg",
            null,
            "`resvg`: native resvg in confined child processes; `jsvg`: JSVG in the JVM (also the fallback when the"
                    + " native host cannot start here); see docs/render-engines.md"),
    KILN_ROLE(
            Type.TEXT,
            Role.ALL.wireName(),
            null,
            "`all`: API and generation workers; `api`: the API only; `worker`: generation workers and queue"
                    + " maintenance, serving only the probes and metrics (also `./kiln up --role`)"),
    KILN_SSE_MAX_STREAMS(
            Type.INTEGER,
            EventStreamConfig.DEFAULT_MAX_STREAMS,
            null,
            "most live-status event streams open at once on an instance; more get 429 `too-many-streams`"),
    KILN_SSE_MAX_STREAMS_PER_USER(
            Type.INTEGER,
            EventStreamConfig.DEFAULT_MAX_STREAMS_PER_USER,
            null,
            "most event streams one user may hold open on an instance (1 to `KILN_SSE_MAX_STREAMS`)"),
    KILN_EVENT_RETENTION(
            Type.DURATION,
            EventRetentionConfig.DEFAULT_RETENTION,
            null,
            "how long a finished (completed, failed, canceled) generation keeps its live-status events; the"
                    + " `event-retention` service then deletes them (a live generation's events are never deleted). A"
                    + " stream of a generation without events sends its final state once"),
    KILN_EVENT_RETENTION_INTERVAL(
            Type.DURATION,
            EventRetentionConfig.DEFAULT_INTERVAL,
            null,
            "how often the `event-retention` service runs, on instances that run jobs (`all`, `worker`); at least"
                    + " `100ms`"),
    KILN_SSE_HEARTBEAT(
            Type.DURATION,
            EventStreamConfig.DEFAULT_HEARTBEAT,
            null,
            "idle time after which an event stream writes a `: heartbeat` comment (10ms to under 1h)"),
    KILN_STORAGE_DIR(
            Type.TEXT,
            null,
            "`$KILN_HOME/storage`",
            "root of stored outputs (content-addressed files); every instance of one deployment must share it"),
    KILN_RENDER_OVERDUE_GRACE(
            Type.DURATION,
            PoolConfig.DEFAULT_OVERDUE_GRACE,
            null,
            "how long past its deadline a render that ignores cancellation may hold its worker before the worker is"
                    + " abandoned and replaced"),
    KILN_RENDER_WEDGE_LIMIT(
            Type.DURATION,
            PoolConfig.DEFAULT_WEDGE_LIMIT,
            null,
            "how long an abandoned worker may keep running before `/healthz` fails and the instance restarts itself"
                    + " (exit code 75)"),
    KILN_VIDEO_DEADLINE(
            Type.DURATION,
            VideoSettings.DEFAULT_DEADLINE,
            null,
            "longest one video attempt may run; then its ffmpeg is killed and the attempt fails (at most `15m`, under"
                    + " the queue's 16 min attempt timeout for videos)"),
    KILN_VIDEO_MEMORY_MB(
            Type.INTEGER,
            VideoSettings.DEFAULT_MEMORY_BUDGET_BYTES >> 20,
            null,
            "memory the instance's running videos may hold together (frame buffers and encoders, by estimate); at"
                    + " least 768, the largest single video"),
    KILN_VIDEO_WORK_DIR(
            Type.TEXT,
            null,
            "`$KILN_HOME/video-work`",
            "where videos are encoded before they are stored (one directory per attempt, deleted after)"),
    KILN_VIDEO_CHUNK_FRAMES(
            Type.INTEGER,
            VideoSettings.DEFAULT_CHUNK_FRAMES,
            null,
            "an MP4 of more frames renders in chunks of at most this many frames, each its own job (docs/video.md);"
                    + " `0` never chunks, otherwise at least 10"),
    KILN_VIDEO_CHUNKS_PER_WORKER(
            Type.INTEGER,
            VideoSettings.DEFAULT_CHUNKS_PER_WORKER,
            null,
            "most video chunk jobs one worker process runs at once (its other job slots stay open to other kinds),"
                    + " so a chunked video spreads over processes; 1 to 64 (docs/video.md)"),
    KILN_VIDEO_ENCODER_THREADS(
            Type.INTEGER, VideoEncoder.DEFAULT_ENCODER_THREADS, null, "threads of each ffmpeg encoder"),
    KILN_FFMPEG(
            Type.TEXT,
            null,
            "unset (the bundled one)",
            "an ffmpeg executable to run instead of the one bundled from Maven (docs/video.md)"),
    KILN_DB_HOST(Type.TEXT, DatabaseConfig.DEFAULT_HOST, null, "PostgreSQL host"),
    KILN_DB_PORT(Type.INTEGER, DatabaseConfig.DEFAULT_PORT, null, "PostgreSQL port"),
    KILN_DB_NAME(Type.TEXT, DatabaseConfig.DEFAULT_DATABASE, null, "database; created on first start if missing"),
    KILN_DB_USER(Type.TEXT, DatabaseConfig.DEFAULT_USER, null, "user"),
    KILN_DB_PASSWORD(Type.TEXT, DatabaseConfig.DEFAULT_PASSWORD, null, "password"),
    KILN_DB_POOL_SIZE(
            Type.INTEGER,
            DatabaseConfig.DEFAULT_POOL_SIZE,
            null,
            "HikariCP maximum pool size, " + DatabaseConfig.MIN_POOL_SIZE + " to " + DatabaseConfig.MAX_POOL_SIZE
                    + " (a few connections are held for the life of the process: the job queue's LISTEN connection,"
                    + " a worker's claim connection, the live-event listener)"),
    KILN_DB_CONNECT_TIMEOUT(
            Type.DURATION, DatabaseConfig.DEFAULT_CONNECTION_TIMEOUT, null, "connection acquisition timeout"),
    KILN_DB_STATEMENT_TIMEOUT(
            Type.DURATION,
            DatabaseConfig.DEFAULT_STATEMENT_TIMEOUT,
            null,
            "PostgreSQL `statement_timeout` for every pooled connection"),
    KILN_REDIS_URL(
            Type.TEXT,
            RedisConfig.DEFAULT_URI.toString(),
            null,
            "the Redis shared by a deployment's instances (L2 cache, invalidations, rate limits),"
                    + " `redis://host:port[/db]`; `off` runs without it. Kiln starts without it when it is"
                    + " unreachable (one warning line) and connects when it appears; see [caching.md](caching.md)"),
    KILN_REDIS_TIMEOUT(
            Type.DURATION,
            RedisConfig.DEFAULT_COMMAND_TIMEOUT,
            null,
            "longest wait for one Redis command on a request's path (at most 5 s); three failures in a row open the"
                    + " circuit breaker"),
    KILN_REDIS_PREFIX(
            Type.TEXT,
            null,
            "`" + RedisConfig.DEFAULT_KEY_PREFIX + ".<KILN_DB_NAME>`",
            "prefix of every Redis key and channel; instances of one deployment must share it"),
    KILN_CACHE_INFLIGHT_TTL(
            Type.DURATION,
            CacheConfig.DEFAULT_VOLATILE_L1,
            null,
            "in-process TTL of an in-flight generation's status (and of dashboard pages with one): how stale it can"
                    + " get on another instance when an invalidation is lost; at most 5 min"),
    KILN_CACHE(
            Type.TEXT,
            "on",
            null,
            "`off` reads status and dashboards from PostgreSQL every time (diagnosis, the uncached benchmark);"
                    + " invalidations still go out, so instances with the cache on stay coherent"),
    KILN_RATE_LIMIT(
            Type.INTEGER,
            RateLimit.DEFAULT_LIMIT,
            null,
            "requests per user per window, shared by all instances (GCRA; each instance alone while Redis is down);"
                    + " `0` turns limits off"),
    KILN_RATE_LIMIT_WINDOW(Type.DURATION, RateLimit.DEFAULT_WINDOW, null, "the rate limit's window, 1 s to 1 h"),
    KILN_NEW_USER_CREDITS(
            Type.INTEGER,
            Credits.DEFAULT_NEW_USER_CREDITS,
            null,
            "starting balance, in credits, of each user created with a key (`keys create`, the first-start key); 0"
                    + " to 1,000,000,000,000; the ledger records it as `signup` (see [credits.md](credits.md))"),
    KILN_HOME(Type.TEXT, ".kiln", "`<repo>/.kiln`", "local state: the first-start API key file (`api-key`, mode 600)"),
    KILN_LOG_FORMAT(Type.TEXT, "json", null, "`json` (one object a line, with `requestId`) or `text`"),
    KILN_CONFIG_FILE(
            Type.TEXT, null, "unset", "a Java properties file with these same keys; the environment wins over it"),
    KILN_EXAMPLES(
            Type.TEXT,
            "examples",
            null,
            "the example documents; the start banner's sample request points at its `card.json`"),
    KILN_API_KEY(
            Type.TEXT,
            null,
            "unset",
            "the API key `./kiln bench` sends when no `--key` is given (else the key in `$KILN_HOME/api-key`)"),
    KILN_HEAP(
            Type.LAUNCHER,
            null,
            "from the box: half the cgroup memory limit (else the host's memory), at most 256 MiB a CPU, at least 128"
                    + " MiB",
            "the launcher's `-Xmx` (see [capacity-model.md](capacity-model.md#default-sizing))"),
    KILN_AOT(
            Type.LAUNCHER,
            "auto",
            null,
            "`off` starts the JVM without the ahead-of-time cache that `./kiln aot` trains; `auto` uses it when it"
                    + " is there and matches the build"),
    KILN_SOFT_HEAP(
            Type.LAUNCHER,
            null,
            "half the default heap",
            "the launcher's `-XX:SoftMaxHeapSize` when it picks ZGC (boxes above 2 CPUs): ZGC collects before"
                    + " growing past it (only with the default heap, or when given)"),
    KILN_JAVA_OPTS(
            Type.LAUNCHER,
            null,
            "empty",
            "extra JVM options appended by the launcher; a collector given here (`-XX:+UseG1GC`, `-XX:+UseZGC`…)"
                    + " replaces the launcher's choice (Serial up to 2 CPUs, ZGC above)"),
    KILN_JDK_DIRS(
            Type.LAUNCHER,
            null,
            "`/usr/lib/jvm/*25*:/usr/lib/jvm/*:…`",
            "where the launcher looks for a JDK 25 when `JAVA_HOME` is unset or too old");

    /** How a setting's value is read. */
    enum Type {
        /** Taken as written (stripped). */
        TEXT,
        /** A whole number; the record of its concern checks the range. */
        INTEGER,
        /** Read by {@link Durations#parse}: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, never negative. */
        DURATION,
        /** Read by the {@code kiln} launcher before the JVM starts; the JVM rejects malformed values. */
        LAUNCHER
    }

    private static final Set<String> NAMES =
            Arrays.stream(values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());

    private final Type type;
    private final Object defaultValue;
    private final String shownDefault;
    private final String doc;

    /**
     * @param defaultValue the typed default ({@code String}, {@code Integer}, {@code Long} or {@code Duration}), or
     *     null when it is computed or there is none
     * @param shownDefault the docs' default column: {@code %s} stands for {@link #defaultValue} in backticks; null
     *     means just that
     */
    Setting(Type type, Object defaultValue, String shownDefault, String doc) {
        this.type = type;
        this.defaultValue = defaultValue;
        this.shownDefault = shownDefault == null ? "%s" : shownDefault;
        this.doc = doc;
    }

    /** Whether {@code name} is a setting the server or the launcher reads. */
    static boolean isKnown(String name) {
        return NAMES.contains(name);
    }

    Type type() {
        return type;
    }

    /** The doc line of the table's last column. */
    String doc() {
        return doc;
    }

    /** The typed default; IllegalStateException when this setting's default is computed or absent. */
    <T> T defaultValue(Class<T> as) {
        if (defaultValue == null) {
            throw new IllegalStateException(name() + " has no fixed default; pass the computed one");
        }
        return as.cast(defaultValue);
    }

    /** The default column of docs/configuration.md for this setting. */
    String shownDefault() {
        if (defaultValue == null) {
            return shownDefault;
        }
        String value =
                switch (defaultValue) {
                    case Duration d -> formatForDocs(d);
                    case String s when s.isEmpty() -> null;
                    default -> defaultValue.toString();
                };
        return value == null ? "empty" : shownDefault.formatted("`" + value + "`");
    }

    /** The settings table of docs/configuration.md, header included, one line per setting. */
    static String markdownTable() {
        StringBuilder b = new StringBuilder("| setting | default | meaning |\n|---|---|---|\n");
        for (Setting s : values()) {
            b.append("| `")
                    .append(s.name())
                    .append("` | ")
                    .append(s.shownDefault())
                    .append(" | ")
                    .append(s.doc)
                    .append(" |\n");
        }
        return b.toString();
    }

    /** Whole minutes as {@code 10m}, the rest as {@link Durations#format} prints them. */
    private static String formatForDocs(Duration d) {
        return d.toMillis() >= 60_000 && d.toMillis() % 60_000 == 0 ? d.toMinutes() + "m" : Durations.format(d);
    }
}
