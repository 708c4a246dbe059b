package dev.kiln.app;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.kiln.cache.ReadCache;
import dev.kiln.cache.Redis;
import dev.kiln.cache.ratelimit.RateLimitPolicy;
import dev.kiln.cache.ratelimit.RateLimiter;
import dev.kiln.http.CacheGroups;
import dev.kiln.http.Caller;
import dev.kiln.http.KilnServer;
import dev.kiln.http.LiveAndUploads;
import dev.kiln.http.ReadPath;
import dev.kiln.ops.MetricNames;
import dev.kiln.ops.Metrics;
import dev.kiln.ops.PauseDetector;
import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.Database;
import dev.kiln.platform.DatabaseUnavailableException;
import dev.kiln.platform.Platform;
import dev.kiln.platform.assets.Assets;
import dev.kiln.platform.events.GenerationEventHub;
import dev.kiln.platform.generations.GenerationRuns;
import dev.kiln.platform.generations.VideoChunks;
import dev.kiln.queue.JobHandler;
import dev.kiln.queue.JobQueue;
import dev.kiln.queue.Maintenance;
import dev.kiln.queue.QueueSchema;
import dev.kiln.queue.Worker;
import dev.kiln.queue.WorkerConfig;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.Renderer;
import dev.kiln.render.image.Thumbnails;
import dev.kiln.render.scene.SceneSchema;
import dev.kiln.renderpool.PoolListener;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.Ticker;
import dev.kiln.storage.BlobStore;
import dev.kiln.storage.LocalBlobStore;
import dev.kiln.video.Ffmpeg;
import dev.kiln.video.FfmpegUnavailableException;
import dev.kiln.video.VideoEncoder;
import dev.kiln.video.VideoLimits;
import dev.kiln.video.VideoMemoryBudget;
import dev.kiln.worker.AssetThumbnailHandler;
import dev.kiln.worker.GenerationReconciler;
import dev.kiln.worker.PoolShare;
import dev.kiln.worker.QueueAssetJobs;
import dev.kiln.worker.QueueGenerationJobs;
import dev.kiln.worker.SegmentReaper;
import dev.kiln.worker.StillGenerationHandler;
import dev.kiln.worker.StorageReaper;
import dev.kiln.worker.StorageReaperConfig;
import dev.kiln.worker.StoredAssets;
import dev.kiln.worker.VideoChunkHandler;
import dev.kiln.worker.VideoGenerationHandler;
import dev.kiln.worker.VideoJoinHandler;
import dev.kiln.worker.VideoSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import javax.sql.DataSource;

/** Builds and owns the running parts of one Kiln process, closing them in reverse order. */
final class Wiring implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Wiring.class);

    final KilnConfig config;
    final Database database;
    final ApiKeys apiKeys;
    final Metrics metrics;
    final PauseDetector pauses;
    final RenderPool pool;
    final KilnServer server;
    final JobQueue queue;
    final BlobStore store;
    final Worker worker;
    final Maintenance maintenance;
    final GenerationReconciler reconciler;
    /** Deletes the blobs nothing references once their grace period has passed; runs where the workers run. */
    final StorageReaper storageReaper;
    /** Prunes the live-status events of long-finished generations; runs where the queue's maintenance runs. */
    final dev.kiln.platform.events.EventRetention eventRetention;

    final Redis redis;
    final ReadCache cache;
    final RateLimiter limiter;
    /** The generation-event listener of an instance that serves the API; null on a worker-only instance. */
    final GenerationEventHub events;
    /** The video handler, when this process runs jobs and found an ffmpeg; tests read its work directory. */
    final VideoGenerationHandler video;

    private Wiring(KilnConfig config, Renderer renderer) {
        this.config = config;
        this.database = openDatabase(config);
        try {
            this.apiKeys = new ApiKeys(database.dataSource(), java.time.Clock.systemUTC(), config.newUserCredits());
            this.metrics = new Metrics();
            this.pauses = new PauseDetector(metrics.registry()).start();
            Renderer engine = renderer != null ? renderer : RenderEngine.create(config.limits(), config.svgEngine());
            this.pool = RenderPool.start(config.pool(), Ticker.SYSTEM, new PoolListener() {
                @Override
                public void started(long queuedNanos) {
                    metrics.renderQueueWaitTimer().record(queuedNanos, TimeUnit.NANOSECONDS);
                }
            });
            metrics.gauge(MetricNames.RENDER_QUEUE_DEPTH, () -> pool.snapshot().queued());
            metrics.gauge(MetricNames.RENDER_INFLIGHT, () -> pool.snapshot().running());
            metrics.gauge(MetricNames.RENDER_OVERDUE, () -> pool.snapshot().overdue());
            metrics.gauge(MetricNames.RENDER_ABANDONED, () -> pool.snapshot().abandoned());
            metrics.gauge(MetricNames.RENDER_WEDGED, () -> pool.snapshot().wedged());
            // HikariCP's own Micrometer tracker: connection counts, acquire/usage/creation timers, timeouts (the
            // polling-storm benchmark reads how long requests wait for a connection: BENCHMARKS.md).
            database.trackMetrics(new MicrometerMetricsTrackerFactory(metrics.registry()));
            DataSource ds = database.dataSource();
            QueueSchema.migrate(ds);
            QueueMetrics queueMetrics = new QueueMetrics(metrics);
            this.queue = JobQueue.builder(ds).listener(queueMetrics).build();
            queueMetrics.registerGauges(metrics, queue);
            this.store = openStorage(config.storage());
            // Every role writes generations (the API submits and cancels, workers report progress), so every role
            // invalidates; only API roles read through the cache.
            this.redis = Redis.connect(config.redis());
            CacheMetrics.registerRedis(metrics, redis);
            this.cache = config.cacheEnabled()
                    ? ReadCache.tiered(
                            config.cache(),
                            redis,
                            new CacheMetrics(metrics),
                            com.github.benmanes.caffeine.cache.Ticker.systemTicker())
                    : ReadCache.NONE;
            this.limiter = RateLimiter.shared(redis, com.github.benmanes.caffeine.cache.Ticker.systemTicker());
            CacheGroups changes = new CacheGroups(cache);
            QueueGenerationJobs generationJobs = new QueueGenerationJobs(queue);
            Platform platform = Platform.create(ds, generationJobs, changes);
            GenerationRuns runs = new GenerationRuns(ds, changes);
            this.events = config.role().servesApi() ? GenerationEventHub.start(ds) : null;
            Assets assets = new Assets(ds, new QueueAssetJobs(queue));
            this.server = KilnServer.start(
                    config.http(),
                    engine,
                    pool,
                    token -> apiKeys.authenticate(token).map(p -> new Caller(p.userId(), p.keyId())),
                    new HttpServerMetrics(metrics),
                    SceneSchema.json().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    platform,
                    store,
                    runs::fileOf,
                    config.role().servesApi(),
                    new ReadPath(cache, RateLimitPolicy.perUser(config.rateLimit()), limiter),
                    new LiveAndUploads(
                            java.util.Optional.ofNullable(events),
                            config.streams(),
                            java.util.Optional.of(assets),
                            config.limits()));
            if (config.role().runsJobs()) {
                StillGenerationHandler still = new StillGenerationHandler(
                        ds, runs, platform.generations(), engine, pool, store, new StoredAssets(assets, store));
                AssetThumbnailHandler thumbnails = new AssetThumbnailHandler(
                        ds, assets, pool, store, config.limits(), Thumbnails.DEFAULT_MAX_SIDE);
                SegmentReaper segments = new SegmentReaper(ds, store);
                Map<String, JobHandler> handlers =
                        videoHandlers(config, ds, runs, platform, generationJobs, engine, pool, store, segments);
                this.video = (VideoGenerationHandler) handlers.get(QueueGenerationJobs.VIDEO);
                handlers = new java.util.HashMap<>(handlers);
                if (video == null) {
                    handlers.replaceAll((kind, h) -> noFfmpeg(platform));
                }
                handlers.put(QueueGenerationJobs.STILL, still);
                handlers.put(QueueAssetJobs.THUMBNAIL, thumbnails);
                int reserve = config.role() == Role.ALL
                        ? PoolShare.defaultReserve(config.pool().workers())
                        : 0;
                // A job counts against the share from its claim (the worker's own count), not once its handler has
                // started rendering, so that two quick claims cannot both take the last shared worker.
                AtomicReference<Worker> claimer = new AtomicReference<>();
                IntSupplier jobs = () -> {
                    Worker w = claimer.get();
                    return w == null ? 0 : w.running();
                };
                this.worker = queue.startWorker(
                        WorkerConfig.named("kiln-" + ProcessHandle.current().pid())
                                .withConcurrency(config.pool().workers())
                                .withDrainTimeout(workerDrain(config.http().drainTimeout()))
                                // The chunks of one video spread over worker processes rather than filling the
                                // free slots of the first to claim (docs/video.md, "One chunk per worker process").
                                .withKindLimit(
                                        QueueGenerationJobs.VIDEO_CHUNK,
                                        config.video().chunksPerWorker()),
                        Map.copyOf(handlers),
                        new PoolShare(pool, jobs, reserve),
                        null);
                claimer.set(worker);
                this.maintenance = queue.maintenance().start();
                this.reconciler = new GenerationReconciler(ds, platform.generations(), segments).start();
                this.storageReaper = new StorageReaper(
                                ds, store, StorageReaperConfig.defaults(), java.time.InstantSource.system())
                        .start();
                this.eventRetention = new dev.kiln.platform.events.EventRetention(
                                ds, config.eventRetention(), java.time.Clock.systemUTC())
                        .start();
            } else {
                this.video = null;
                this.worker = null;
                this.maintenance = null;
                this.reconciler = null;
                this.storageReaper = null;
                this.eventRetention = null;
            }
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** The last reason no ffmpeg could be used, for the jobs that then fail. */
    private volatile String ffmpegProblem = "";

    /**
     * The handlers of the video job kinds (whole videos, chunks, joins), sharing one encoder and one memory budget;
     * when no ffmpeg can be used, each kind maps to null and {@link #noFfmpeg} stands in.
     */
    private Map<String, JobHandler> videoHandlers(
            KilnConfig config,
            DataSource ds,
            GenerationRuns runs,
            Platform platform,
            QueueGenerationJobs generationJobs,
            Renderer engine,
            RenderPool pool,
            BlobStore store,
            SegmentReaper segments) {
        Map<String, JobHandler> none = new java.util.HashMap<>();
        none.put(QueueGenerationJobs.VIDEO, null);
        none.put(QueueGenerationJobs.VIDEO_CHUNK, null);
        none.put(QueueGenerationJobs.VIDEO_JOIN, null);
        try {
            Ffmpeg ffmpeg = config.ffmpeg()
                    .map(p -> new Ffmpeg(p, p.resolveSibling("ffprobe"), Map.of(), "KILN_FFMPEG"))
                    .orElseGet(() -> Ffmpeg.locate(Ffmpeg.defaultCacheDir()));
            LOG.info("videos encode with {} ffmpeg at {}", ffmpeg.source(), ffmpeg.ffmpeg());
            VideoSettings v = config.video();
            VideoEncoder encoder = new VideoEncoder(ffmpeg, pool, engine, Ticker.SYSTEM, v.encoderThreads());
            VideoMemoryBudget budget = new VideoMemoryBudget(v.memoryBudgetBytes());
            VideoChunks chunks = new VideoChunks(ds);
            VideoGenerationHandler whole = new VideoGenerationHandler(
                    ds,
                    runs,
                    platform.generations(),
                    engine,
                    encoder,
                    budget,
                    VideoLimits.defaults(),
                    v,
                    store,
                    Ticker.SYSTEM,
                    chunks,
                    generationJobs);
            return Map.of(
                    QueueGenerationJobs.VIDEO,
                    whole,
                    QueueGenerationJobs.VIDEO_CHUNK,
                    new VideoChunkHandler(
                            ds,
                            runs,
                            chunks,
                            platform.generations(),
                            generationJobs,
                            engine,
                            encoder,
                            budget,
                            VideoLimits.defaults(),
                            v,
                            store,
                            Ticker.SYSTEM,
                            whole.workRoot(),
                            segments),
                    QueueGenerationJobs.VIDEO_JOIN,
                    new VideoJoinHandler(
                            ds,
                            runs,
                            chunks,
                            platform.generations(),
                            engine,
                            encoder,
                            VideoLimits.defaults(),
                            v,
                            store,
                            Ticker.SYSTEM,
                            whole.workRoot(),
                            segments));
        } catch (FfmpegUnavailableException e) {
            ffmpegProblem = e.getMessage();
            LOG.error("video generations will fail on this instance: {}", e.getMessage());
            return none;
        } catch (java.io.IOException e) {
            throw new StartupException("cannot use " + config.video().workDir()
                    + " for encoding videos (KILN_VIDEO_WORK_DIR): " + e.getMessage());
        }
    }

    /** Fails video jobs on an instance without ffmpeg: retried (perhaps elsewhere), refunded after the last attempt. */
    private JobHandler noFfmpeg(Platform platform) {
        return ctx -> {
            String message = "this worker has no usable ffmpeg: " + ffmpegProblem;
            if (ctx.attempt() >= ctx.maxAttempts()) {
                platform.generations()
                        .failPermanently(StillGenerationHandler.generationId(ctx.payload()), "encoder-failed", message);
            }
            throw new IllegalStateException(message);
        };
    }

    static Wiring start(KilnConfig config) {
        return new Wiring(config, null);
    }

    /** Starts with another renderer in place of the engine; tests use it to stand in for a render that wedges. */
    static Wiring start(KilnConfig config, Renderer renderer) {
        return new Wiring(config, java.util.Objects.requireNonNull(renderer, "renderer"));
    }

    /** The workers' share of the drain timeout: a quarter, at most 10 s (jobs not done by then go back to the queue). */
    static Duration workerDrain(Duration drainTimeout) {
        Duration quarter = drainTimeout.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(10)) < 0 ? quarter : Duration.ofSeconds(10);
    }

    static BlobStore openStorage(java.nio.file.Path root) {
        try {
            return LocalBlobStore.open(root);
        } catch (java.io.IOException e) {
            throw new StartupException(
                    "cannot use " + root + " for stored outputs (KILN_STORAGE_DIR): " + e.getMessage());
        }
    }

    static Database openDatabase(KilnConfig config) {
        try {
            return Database.open(config.database());
        } catch (DatabaseUnavailableException e) {
            throw new StartupException(e.getMessage());
        }
    }

    /**
     * Part of the drain timeout kept for stopping after the wait for in-flight work (Helidon's stop grace, the
     * pool's worker joins, closing the database), so that shutdown as a whole ends within the drain timeout.
     */
    static final Duration STOP_RESERVE = Duration.ofSeconds(2);

    /** Drains the server and the workers, then closes the pool, pause detector and database, within the drain timeout. */
    boolean drainAndClose() {
        return drainAndClose(config.http().drainTimeout());
    }

    /** Drains and closes by one deadline {@code budget} from now: one wait for in-flight work, not one per component. */
    boolean drainAndClose(Duration budget) {
        return drainAndClose(new ShutdownDeadline(Ticker.SYSTEM, budget));
    }

    /**
     * Drains and closes by {@code deadline}. The generation workers drain (up to their share of the budget, fixed at
     * start: {@link #workerDrain}) while the server waits for in-flight renders, so the two waits overlap instead of
     * adding up; every later phase waits only what is left before the deadline, less the stop reserve.
     */
    boolean drainAndClose(ShutdownDeadline deadline) {
        Duration reserve = stopReserve(deadline.budget());
        // Jobs are not HTTP requests: their drain need not wait for the server's. The queue itself closes only after
        // the server has stopped, since a request still in flight may submit a job.
        Thread workerDrain = worker == null
                ? null
                : Thread.ofPlatform().name("kiln-worker-drain").daemon(true).start(worker::close);
        boolean drained = server.drainAndStop(deadline.remaining(reserve));
        if (workerDrain != null) {
            drained &= joinBy(workerDrain, deadline.remaining(reserve));
        }
        if (eventRetention != null) {
            eventRetention.close();
        }
        if (reconciler != null) {
            reconciler.close();
        }
        if (storageReaper != null) {
            storageReaper.close();
        }
        queue.close();
        if (events != null) {
            events.close();
        }
        // The server's drain already waited for the pool; what still runs now is cancelled and interrupted.
        pool.close(Duration.ZERO);
        cache.close();
        redis.close();
        pauses.close();
        metrics.close();
        database.close();
        return drained;
    }

    /** The stop reserve for a shutdown budget: {@link #STOP_RESERVE}, or a quarter of a budget under 8 s. */
    static Duration stopReserve(Duration budget) {
        return STOP_RESERVE.compareTo(budget.dividedBy(4)) < 0 ? STOP_RESERVE : budget.dividedBy(4);
    }

    /** Waits up to {@code wait} for {@code t} to end; false if it is still running (or this thread is interrupted). */
    private static boolean joinBy(Thread t, Duration wait) {
        try {
            return t.join(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        drainAndClose();
    }
}
