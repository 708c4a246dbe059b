package dev.kiln.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.platform.generations.GenerationRuns;
import dev.kiln.platform.generations.Generations;
import dev.kiln.platform.generations.VideoChunks;
import dev.kiln.queue.JobContext;
import dev.kiln.queue.JobHandler;
import dev.kiln.queue.PermanentJobFailure;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.Renderer;
import dev.kiln.renderpool.Ticker;
import dev.kiln.storage.BlobKey;
import dev.kiln.storage.BlobStore;
import dev.kiln.storage.BlobType;
import dev.kiln.video.EncodedVideo;
import dev.kiln.video.EncoderFailedException;
import dev.kiln.video.Ffmpeg;
import dev.kiln.video.MemoryEstimate;
import dev.kiln.video.PreparedVideo;
import dev.kiln.video.VideoDeadlineException;
import dev.kiln.video.VideoEncoder;
import dev.kiln.video.VideoFormat;
import dev.kiln.video.VideoLimits;
import dev.kiln.video.VideoMemoryBudget;
import dev.kiln.video.VideoRequests;
import dev.kiln.video.VideoSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a video generation (kind {@value QueueGenerationJobs#VIDEO}): validates it again, reserves its memory estimate
 * from the instance's {@link VideoMemoryBudget}, renders and encodes it with {@link VideoEncoder} in a work directory
 * of its own, stores the video, its poster and its thumbnail, and completes the generation and its job in one
 * transaction. The work directory is deleted whatever happens; the encoder never outlives the attempt.
 *
 * <p>Progress is written at most every {@link #PROGRESS_INTERVAL} (and at each stage change); a write that finds the
 * generation no longer processing (cancelled by its owner) stops the video within one frame batch.
 */
public final class VideoGenerationHandler implements JobHandler {
    private static final Logger LOG = LoggerFactory.getLogger(VideoGenerationHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Least time between two progress writes of one video (stage changes are written at once). */
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(250);

    private final DataSource dataSource;
    private final GenerationRuns runs;
    private final Generations generations;
    private final Renderer renderer;
    private final VideoEncoder encoder;
    private final VideoMemoryBudget budget;
    private final VideoLimits limits;
    private final VideoSettings settings;
    private final BlobStore store;
    private final Ticker ticker;
    private final Path workRoot;
    private final VideoChunks chunks;
    private final QueueGenerationJobs jobs;

    /** A handler over these parts; {@code dataSource} is the one the queue and platform share. */
    public VideoGenerationHandler(
            DataSource dataSource,
            GenerationRuns runs,
            Generations generations,
            Renderer renderer,
            VideoEncoder encoder,
            VideoMemoryBudget budget,
            VideoLimits limits,
            VideoSettings settings,
            BlobStore store,
            Ticker ticker,
            VideoChunks chunks,
            QueueGenerationJobs jobs)
            throws IOException {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.generations = Objects.requireNonNull(generations, "generations");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.chunks = Objects.requireNonNull(chunks, "chunks");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.workRoot =
                settings.workDir().resolve(Long.toString(ProcessHandle.current().pid()));
        removeDeadProcessesWork(settings.workDir());
        Files.createDirectories(workRoot);
    }

    /** This process's work directory; each attempt encodes in a directory under it. */
    public Path workRoot() {
        return workRoot;
    }

    @Override
    public void handle(JobContext ctx) throws Exception {
        long generationId = StillGenerationHandler.generationId(ctx.payload());
        Optional<GenerationRuns.Run> run = runs.begin(generationId, ctx.attempt());
        if (run.isEmpty()) {
            return; // cancelled or already terminal
        }
        long deadline = ticker.nanos() + settings.deadline().toNanos();
        AtomicBoolean stopped = new AtomicBoolean();
        CancellationSignal cancel = () -> stopped.get() || ctx.isCancelled();
        Path work = workRoot.resolve("gen-" + generationId + "-a" + ctx.attempt() + "-" + System.nanoTime());
        try {
            PreparedVideo video;
            try {
                video = VideoRequests.prepare(renderer, JSON.readTree(run.get().renderRequestJson()), limits, cancel);
            } catch (InvalidDocumentException e) {
                throw new PermanentJobFailure("the video no longer validates: " + e.getMessage(), e);
            }
            VideoSpec spec = video.spec();
            if (settings.chunkFrames() > 0
                    && spec.format() == VideoFormat.MP4
                    && spec.frames() > settings.chunkFrames()) {
                plan(ctx, generationId, spec);
                return;
            }
            long bytes = MemoryEstimate.bytes(spec);
            Optional<VideoMemoryBudget.Permit> now = budget.tryAcquire(bytes);
            if (now.isEmpty() && !runs.progress(generationId, 0, "waiting")) {
                return;
            }
            Optional<VideoMemoryBudget.Permit> permit = now.isPresent()
                    ? now
                    : budget.acquire(bytes, Duration.ofNanos(Math.max(0, deadline - ticker.nanos())), cancel);
            if (permit.isEmpty()) {
                throw new VideoDeadlineException(
                        "the video waited past its " + settings.deadline().toSeconds() + " s deadline for "
                                + (bytes >> 20) + " MiB of the instance's video memory budget");
            }
            EncodedVideo encoded;
            try (VideoMemoryBudget.Permit held = permit.get()) {
                encoded = encoder.encode(video, work, cancel, deadline, progress(generationId, stopped));
            }
            ctx.throwIfCancelled();
            if (!runs.progress(generationId, 97, "finalizing")) {
                return;
            }
            BlobType type = BlobType.fromMediaType(spec.format().mediaType())
                    .orElseThrow(() -> new PermanentJobFailure(
                            "no storage type for " + spec.format().mediaType()));
            byte[] file = Files.readAllBytes(encoded.file());
            BlobKey videoKey = store.put(file, type);
            BlobKey posterKey = store.put(encoded.poster(), BlobType.PNG);
            BlobKey thumbKey = store.put(encoded.thumbnail(), BlobType.WEBP);
            GenerationRuns.VideoOutput output = new GenerationRuns.VideoOutput(
                    new GenerationRuns.StoredFile(videoKey.toString(), type.mediaType(), file.length),
                    new GenerationRuns.StoredFile(
                            posterKey.toString(), BlobType.PNG.mediaType(), encoded.poster().length),
                    new GenerationRuns.StoredFile(
                            thumbKey.toString(), BlobType.WEBP.mediaType(), encoded.thumbnail().length),
                    spec.width(),
                    spec.height(),
                    spec.durationMs(),
                    spec.fps(),
                    spec.frames());
            if (JobTransaction.commitIf(
                    dataSource, tx -> runs.completeVideo(tx, generationId, output) && ctx.complete(tx))) {
                runs.committed(generationId, run.get().userId());
            }
        } catch (PermanentJobFailure e) {
            generations.failPermanently(generationId, "render-failed", e.getMessage());
            throw e;
        } catch (dev.kiln.render.RenderCancelledException e) {
            if (stopped.get()) {
                return; // the owner cancelled: the generation is terminal already and nothing is left to do
            }
            throw e;
        } catch (Exception e) {
            if (!ctx.isCancelled() && ctx.attempt() >= ctx.maxAttempts()) {
                generations.failPermanently(generationId, code(e), describe(e));
            }
            throw e;
        } finally {
            try {
                Ffmpeg.deleteTree(work);
            } catch (IOException e) {
                LOG.warn("could not delete the work directory {} of generation {}", work, generationId, e);
            }
        }
    }

    /**
     * Splits a long MP4 into frame ranges: the plan, one job per chunk and this job's completion commit together, so
     * the chunks exist exactly once. The generation stays {@code processing}; the last chunk enqueues the join.
     */
    private void plan(JobContext ctx, long generationId, VideoSpec spec) throws Exception {
        List<VideoChunks.Range> ranges = VideoChunks.split(spec.frames(), settings.chunkFrames());
        JobTransaction.commitIf(dataSource, tx -> {
            chunks.plan(tx, generationId, ranges);
            for (VideoChunks.Range r : ranges) {
                jobs.enqueueChunk(tx, ctx.tenant(), generationId, r.index());
            }
            return ctx.complete(tx);
        });
        LOG.info("video generation {}: {} frames in {} chunks", generationId, spec.frames(), ranges.size());
    }

    /** Progress writes, throttled; a write that finds the generation no longer processing stops the video. */
    private VideoEncoder.Progress progress(long generationId, AtomicBoolean stopped) {
        return new VideoEncoder.Progress() {
            private String lastStage = "";
            private long lastWrite = ticker.nanos() - PROGRESS_INTERVAL.toNanos();

            @Override
            public boolean report(String stage, int percent) {
                long now = ticker.nanos();
                if (stage.equals(lastStage) && now - lastWrite < PROGRESS_INTERVAL.toNanos()) {
                    return !stopped.get();
                }
                lastStage = stage;
                lastWrite = now;
                if (!runs.progress(generationId, percent, stage)) {
                    stopped.set(true);
                }
                return !stopped.get();
            }
        };
    }

    static String code(Exception e) {
        return switch (e) {
            case VideoDeadlineException x -> "deadline-exceeded";
            case EncoderFailedException x -> "encoder-failed";
            default -> "render-failed";
        };
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Deletes the work directories of processes that no longer run (a worker killed mid-video leaves one). */
    static void removeDeadProcessesWork(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || name.isEmpty()) {
                    continue;
                }
                boolean alive = ProcessHandle.of(Long.parseLong(name))
                        .map(ProcessHandle::isAlive)
                        .orElse(false);
                if (!alive) {
                    Ffmpeg.deleteTree(d);
                }
            }
        }
    }
}
