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
import dev.kiln.video.Ffmpeg;
import dev.kiln.video.PreparedVideo;
import dev.kiln.video.VideoEncoder;
import dev.kiln.video.VideoLimits;
import dev.kiln.video.VideoRequests;
import dev.kiln.video.VideoSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a chunked video's segments (kind {@value QueueGenerationJobs#VIDEO_JOIN}) without re-encoding: ffmpeg's
 * concat demuxer with {@code -c copy} (the segments share every encoder parameter, so their streams are one stream),
 * {@code +faststart} again for the whole; then the poster and thumbnail, and the generation completes like an
 * unchunked video. The segment blobs are deleted once the video is stored ({@link SegmentReaper}).
 */
public final class VideoJoinHandler implements JobHandler {
    private static final Logger LOG = LoggerFactory.getLogger(VideoJoinHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final GenerationRuns runs;
    private final VideoChunks chunks;
    private final Generations generations;
    private final Renderer renderer;
    private final VideoEncoder encoder;
    private final VideoLimits limits;
    private final VideoSettings settings;
    private final BlobStore store;
    private final Ticker ticker;
    private final Path workRoot;
    private final SegmentReaper reaper;

    /** A handler over these parts; {@code workRoot} is this process's video work directory. */
    public VideoJoinHandler(
            DataSource dataSource,
            GenerationRuns runs,
            VideoChunks chunks,
            Generations generations,
            Renderer renderer,
            VideoEncoder encoder,
            VideoLimits limits,
            VideoSettings settings,
            BlobStore store,
            Ticker ticker,
            Path workRoot,
            SegmentReaper reaper) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.chunks = Objects.requireNonNull(chunks, "chunks");
        this.generations = Objects.requireNonNull(generations, "generations");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.workRoot = Objects.requireNonNull(workRoot, "workRoot");
        this.reaper = Objects.requireNonNull(reaper, "reaper");
    }

    @Override
    public void handle(JobContext ctx) throws Exception {
        long id = StillGenerationHandler.generationId(ctx.payload());
        Optional<String> request = chunks.joinRequest(id);
        if (request.isEmpty() || !runs.progress(id, VideoChunks.CHUNKS_SHARE, "encoding")) {
            return; // cancelled or failed meanwhile
        }
        long deadline = ticker.nanos() + settings.deadline().toNanos();
        CancellationSignal cancel = ctx::isCancelled;
        Path dir = workRoot.resolve("gen-" + id + "-join-a" + ctx.attempt() + "-" + System.nanoTime());
        List<Optional<String>> segments = chunks.segments(id);
        try {
            PreparedVideo video;
            try {
                video = VideoRequests.prepare(renderer, JSON.readTree(request.get()), limits, cancel);
            } catch (InvalidDocumentException e) {
                throw new PermanentJobFailure("the video no longer validates: " + e.getMessage(), e);
            }
            VideoSpec spec = video.spec();
            Files.createDirectories(dir);
            List<Path> files = new ArrayList<>(segments.size());
            for (int i = 0; i < segments.size(); i++) {
                BlobKey key = BlobKey.parse(segments.get(i)
                                .orElseThrow(() -> new IllegalStateException("a join ran before every chunk was done")))
                        .orElseThrow(() -> new PermanentJobFailure("a segment key does not parse"));
                Path f = dir.resolve("seg-" + i + ".mp4");
                long size = store.size(key).orElseThrow(() -> new IllegalStateException("segment " + key + " is gone"));
                try (InputStream in = store.open(key, 0, size)) {
                    Files.copy(in, f);
                }
                files.add(f);
            }
            Path out = encoder.concat(files, dir, "video.mp4", cancel, deadline);
            if (!runs.progress(id, 97, "finalizing")) {
                return;
            }
            byte[][] stills = encoder.posterAndThumbnail(video, cancel, deadline);
            byte[] file = Files.readAllBytes(out);
            BlobKey videoKey = store.put(file, BlobType.MP4);
            BlobKey posterKey = store.put(stills[0], BlobType.PNG);
            BlobKey thumbKey = store.put(stills[1], BlobType.WEBP);
            GenerationRuns.VideoOutput output = new GenerationRuns.VideoOutput(
                    new GenerationRuns.StoredFile(videoKey.toString(), BlobType.MP4.mediaType(), file.length),
                    new GenerationRuns.StoredFile(posterKey.toString(), BlobType.PNG.mediaType(), stills[0].length),
                    new GenerationRuns.StoredFile(thumbKey.toString(), BlobType.WEBP.mediaType(), stills[1].length),
                    spec.width(),
                    spec.height(),
                    spec.durationMs(),
                    spec.fps(),
                    spec.frames());
            if (JobTransaction.commitIf(dataSource, tx -> runs.completeVideo(tx, id, output) && ctx.complete(tx))) {
                // The tenant of a generation's jobs is its owner (QueueGenerationJobs.tenant).
                runs.committed(id, Long.parseLong(ctx.tenant()));
                deleteSegments(id);
            }
        } catch (PermanentJobFailure e) {
            generations.failPermanently(id, "render-failed", "join: " + e.getMessage());
            throw e;
        } catch (Exception e) {
            if (!ctx.isCancelled() && ctx.attempt() >= ctx.maxAttempts()) {
                generations.failPermanently(id, VideoGenerationHandler.code(e), "join: " + e.getMessage());
            }
            throw e;
        } finally {
            try {
                Ffmpeg.deleteTree(dir);
            } catch (IOException e) {
                LOG.warn("could not delete the work directory {} of a video join", dir, e);
            }
        }
    }

    /** The segments are no longer used once the video is stored; a failure here leaves them to the next pass. */
    private void deleteSegments(long id) {
        try {
            reaper.reap(id);
        } catch (java.sql.SQLException e) {
            LOG.warn("could not delete the segments of video {}; the reconciler tries again", id, e);
        }
    }
}
