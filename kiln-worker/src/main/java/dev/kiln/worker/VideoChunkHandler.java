package dev.kiln.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.platform.generations.Generations;
import dev.kiln.platform.generations.VideoChunks;
import dev.kiln.queue.JobContext;
import dev.kiln.queue.JobHandler;
import dev.kiln.queue.PermanentJobFailure;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.Renderer;
import dev.kiln.renderpool.Ticker;
import dev.kiln.storage.BlobKey;
import dev.kiln.storage.BlobStore;
import dev.kiln.storage.BlobType;
import dev.kiln.video.EncodedVideo;
import dev.kiln.video.Ffmpeg;
import dev.kiln.video.MemoryEstimate;
import dev.kiln.video.PreparedVideo;
import dev.kiln.video.VideoDeadlineException;
import dev.kiln.video.VideoEncoder;
import dev.kiln.video.VideoLimits;
import dev.kiln.video.VideoMemoryBudget;
import dev.kiln.video.VideoRequests;
import dev.kiln.video.VideoSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders one frame range of a chunked video (kind {@value QueueGenerationJobs#VIDEO_CHUNK}) into an MP4 segment with
 * the video's own encoder settings, stores it as a blob, and records it; the chunk that finds no other left enqueues
 * the join ({@link VideoJoinHandler}) in the same transaction. A failed chunk is retried alone by the queue; its last
 * failure fails the whole video (refunded), which stops the other chunks at their next progress report.
 */
public final class VideoChunkHandler implements JobHandler {
    private static final Logger LOG = LoggerFactory.getLogger(VideoChunkHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final VideoChunks chunks;
    /** Told after every committed change of the parent generation, so cached status reads see it. */
    private final dev.kiln.platform.generations.GenerationRuns runs;

    private final Generations generations;
    private final QueueGenerationJobs jobs;
    private final Renderer renderer;
    private final VideoEncoder encoder;
    private final VideoMemoryBudget budget;
    private final VideoLimits limits;
    private final VideoSettings settings;
    private final BlobStore store;
    private final Ticker ticker;
    private final Path workRoot;
    private final SegmentReaper segments;

    /** A handler over these parts; {@code workRoot} is this process's video work directory. */
    public VideoChunkHandler(
            DataSource dataSource,
            dev.kiln.platform.generations.GenerationRuns runs,
            VideoChunks chunks,
            Generations generations,
            QueueGenerationJobs jobs,
            Renderer renderer,
            VideoEncoder encoder,
            VideoMemoryBudget budget,
            VideoLimits limits,
            VideoSettings settings,
            BlobStore store,
            Ticker ticker,
            Path workRoot,
            SegmentReaper segments) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.chunks = Objects.requireNonNull(chunks, "chunks");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.generations = Objects.requireNonNull(generations, "generations");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.workRoot = Objects.requireNonNull(workRoot, "workRoot");
        this.segments = Objects.requireNonNull(segments, "segments");
    }

    @Override
    public void handle(JobContext ctx) throws Exception {
        JsonNode payload = JSON.readTree(ctx.payload());
        long id = payload.path("generationId").asLong(-1);
        int index = payload.path("chunk").asInt(-1);
        if (id < 0 || index < 0) {
            throw new PermanentJobFailure("a chunk payload needs generationId and chunk: " + ctx.payload());
        }
        Optional<VideoChunks.Work> work = chunks.begin(id, index);
        if (work.isEmpty()) {
            return; // the video was cancelled or failed meanwhile
        }
        long deadline = ticker.nanos() + settings.deadline().toNanos();
        AtomicBoolean stopped = new AtomicBoolean();
        CancellationSignal cancel = () -> stopped.get() || ctx.isCancelled();
        Path dir = workRoot.resolve("gen-" + id + "-chunk-" + index + "-a" + ctx.attempt() + "-" + System.nanoTime());
        try {
            PreparedVideo whole;
            try {
                whole = VideoRequests.prepare(renderer, JSON.readTree(work.get().renderRequestJson()), limits, cancel);
            } catch (InvalidDocumentException e) {
                throw new PermanentJobFailure("the video no longer validates: " + e.getMessage(), e);
            }
            VideoSpec s = whole.spec();
            VideoSpec part = new VideoSpec(
                    s.format(),
                    s.width(),
                    s.height(),
                    s.fps(),
                    s.timeOf(work.get().startFrame()),
                    work.get().frames(),
                    s.quality(),
                    s.crf());
            PreparedVideo video = new PreparedVideo(whole.frames(), part);
            long bytes = MemoryEstimate.bytes(part);
            Optional<VideoMemoryBudget.Permit> permit =
                    budget.acquire(bytes, Duration.ofNanos(Math.max(0, deadline - ticker.nanos())), cancel);
            if (permit.isEmpty()) {
                throw new VideoDeadlineException("chunk " + index + " waited past its deadline for video memory");
            }
            EncodedVideo segment;
            try (VideoMemoryBudget.Permit held = permit.get()) {
                segment = encoder.encodeSegment(
                        video,
                        dir,
                        "segment-" + index + ".mp4",
                        cancel,
                        deadline,
                        progress(id, Long.parseLong(ctx.tenant()), index, stopped));
            }
            ctx.throwIfCancelled();
            byte[] file = Files.readAllBytes(segment.file());
            BlobKey key = BlobKey.of(file, BlobType.MP4);
            // Recorded first, so the blob is found and deleted should this attempt die before it is used.
            segments.intend(id, index, key, ctx.id(), ctx.token());
            store.put(file, BlobType.MP4);
            boolean stored = JobTransaction.commitIf(dataSource, tx -> {
                VideoChunks.Completion done = chunks.complete(tx, id, index, key.toString(), segment.bytes());
                if (done == VideoChunks.Completion.LAST) {
                    chunks.joinEnqueued(tx, id, jobs.enqueueJoin(tx, ctx.tenant(), id));
                }
                return done != VideoChunks.Completion.GONE && ctx.complete(tx);
            });
            if (stored) {
                runs.committed(id, Long.parseLong(ctx.tenant()));
            }
        } catch (PermanentJobFailure e) {
            generations.failPermanently(id, "render-failed", "chunk " + index + ": " + e.getMessage());
            throw e;
        } catch (RenderCancelledException e) {
            if (stopped.get()) {
                return;
            }
            throw e;
        } catch (Exception e) {
            if (!ctx.isCancelled() && ctx.attempt() >= ctx.maxAttempts()) {
                generations.failPermanently(
                        id, VideoGenerationHandler.code(e), "chunk " + index + ": " + e.getMessage());
            }
            throw e;
        } finally {
            try {
                Ffmpeg.deleteTree(dir);
            } catch (IOException e) {
                LOG.warn("could not delete the work directory {} of a video chunk", dir, e);
            }
        }
    }

    private VideoEncoder.Progress progress(long id, long owner, int index, AtomicBoolean stopped) {
        return new VideoEncoder.Progress() {
            private long lastWrite = ticker.nanos() - VideoGenerationHandler.PROGRESS_INTERVAL.toNanos();

            @Override
            public boolean report(String stage, int percent) {
                long now = ticker.nanos();
                if (now - lastWrite < VideoGenerationHandler.PROGRESS_INTERVAL.toNanos()) {
                    return !stopped.get();
                }
                lastWrite = now;
                // The encoder's 0–90 rendering share is the whole of a segment's work.
                if (!chunks.progress(id, index, Math.min(100, percent * 100 / 90))) {
                    stopped.set(true);
                } else {
                    runs.committed(id, owner);
                }
                return !stopped.get();
            }
        };
    }
}
