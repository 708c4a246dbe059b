package dev.kiln.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an instance runs videos.
 *
 * @param deadline longest one video attempt may take, from its start; then its encoder is killed and the attempt fails
 * @param memoryBudgetBytes what the instance's running videos may hold together (frame buffers and encoders), in bytes
 * @param workDir where videos are encoded before they are stored; each attempt gets its own directory, deleted after
 * @param encoderThreads threads of each ffmpeg encoder
 * @param chunkFrames an MP4 of more frames than this renders as chunks of at most this many frames, each its own job
 *     (0: never chunk)
 * @param chunksPerWorker most chunk jobs one worker process runs at once, so that the chunks of a video spread over
 *     processes instead of filling the first claimer's free slots (docs/video.md, "One chunk per worker process")
 */
public record VideoSettings(
        Duration deadline,
        long memoryBudgetBytes,
        Path workDir,
        int encoderThreads,
        int chunkFrames,
        int chunksPerWorker) {
    /** Default deadline: 10 minutes. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(10);
    /** Longest deadline: 15 minutes, under the queue's attempt timeout for videos. */
    public static final Duration MAX_DEADLINE = Duration.ofMinutes(15);
    /** Default memory budget: 768 MiB, the largest single video the caps allow. */
    public static final long DEFAULT_MEMORY_BUDGET_BYTES = dev.kiln.video.VideoLimits.DEFAULT_MAX_JOB_MEMORY_BYTES;

    /** Default chunk size: 900 frames, so videos over 30 s at 30 fps render on several workers. */
    public static final int DEFAULT_CHUNK_FRAMES = 900;
    /** Smallest chunk: shorter ones would spend more on starting encoders than they save. */
    public static final int MIN_CHUNK_FRAMES = 10;
    /** Default chunks per worker process: 1, so a 2-chunk video renders on two processes when two are idle. */
    public static final int DEFAULT_CHUNKS_PER_WORKER = 1;
    /** Largest chunks per worker process accepted. */
    public static final int MAX_CHUNKS_PER_WORKER = 64;

    public VideoSettings {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(workDir, "workDir");
        if (deadline.isNegative() || deadline.isZero() || deadline.compareTo(MAX_DEADLINE) > 0) {
            throw new IllegalArgumentException("KILN_VIDEO_DEADLINE must be positive and at most "
                    + MAX_DEADLINE.toMinutes() + " min, was " + deadline);
        }
        if (memoryBudgetBytes < dev.kiln.video.VideoLimits.DEFAULT_MAX_JOB_MEMORY_BYTES) {
            throw new IllegalArgumentException("KILN_VIDEO_MEMORY_BUDGET must be at least the largest video's "
                    + (dev.kiln.video.VideoLimits.DEFAULT_MAX_JOB_MEMORY_BYTES >> 20) + " MiB, was "
                    + (memoryBudgetBytes >> 20) + " MiB");
        }
        if (chunkFrames != 0 && chunkFrames < MIN_CHUNK_FRAMES) {
            throw new IllegalArgumentException("KILN_VIDEO_CHUNK_FRAMES must be 0 (never chunk) or at least "
                    + MIN_CHUNK_FRAMES + ", was " + chunkFrames);
        }
        if (encoderThreads < 1 || encoderThreads > 64) {
            throw new IllegalArgumentException("encoderThreads must be 1–64, was " + encoderThreads);
        }
        if (chunksPerWorker < 1 || chunksPerWorker > MAX_CHUNKS_PER_WORKER) {
            throw new IllegalArgumentException(
                    "KILN_VIDEO_CHUNKS_PER_WORKER must be 1–" + MAX_CHUNKS_PER_WORKER + ", was " + chunksPerWorker);
        }
    }

    /** The defaults, encoding under {@code workDir}. */
    public static VideoSettings defaults(Path workDir) {
        return new VideoSettings(
                DEFAULT_DEADLINE,
                DEFAULT_MEMORY_BUDGET_BYTES,
                workDir,
                dev.kiln.video.VideoEncoder.DEFAULT_ENCODER_THREADS,
                DEFAULT_CHUNK_FRAMES,
                DEFAULT_CHUNKS_PER_WORKER);
    }
}
