package dev.kiln.video;

/**
 * What one video generation holds in memory at most, JVM and encoder together; admission reserves it from the
 * instance's {@link VideoMemoryBudget} before the first frame (docs/limits.md, "Video").
 *
 * <ul>
 *   <li>JVM: two batches of raw frames (one being written to the encoder while the next renders, or two half
 *       batches rendering at once, see {@link #renderingAtOnce}) plus a drawing surface and its image for each
 *       batch that renders, 4 bytes a pixel each; plus the job's frame cache, at most {@value #FRAME_CACHE_FRAMES}
 *       frames' worth (a scene's static layers and kept shadows, see {@link #frameCacheBytes});
 *   <li>encoder: for H.264 40 yuv420p pictures (x264's look-ahead, reference frames and frame threads at
 *       {@code -preset veryfast}; measured: a 1080p encoder peaked at about 155 MiB RSS, BENCHMARKS.md "Video"),
 *       for WebP and GIF a few RGBA canvases; plus 48 MiB for ffmpeg itself.
 * </ul>
 */
public final class MemoryEstimate {
    /** ffmpeg's own footprint (code, libraries, buffers), in bytes. */
    static final long ENCODER_BASE_BYTES = 48L * 1024 * 1024;
    /** x264 pictures held at once at {@code -preset veryfast}, fitted to the measured RSS of a 1080p encoder. */
    static final int X264_PICTURES = 40;
    /** The largest batch of frames rendered in one render-pool task. */
    public static final int MAX_BATCH_FRAMES = 8;
    /** Raw frame bytes a batch aims for: small frames go 8 to a task, 1080p one or two. */
    static final long BATCH_TARGET_BYTES = 16L * 1024 * 1024;

    /**
     * Frames' worth of bytes a video's frame cache may keep: the frame-sized start (background and static layers
     * below the first animated one) and one more for the static runs above and the kept shadow masks.
     */
    static final int FRAME_CACHE_FRAMES = 2;

    private MemoryEstimate() {}

    /** Bytes a video's frame cache may keep between frames (docs/video.md, "Frame cache"). */
    public static long frameCacheBytes(VideoSpec spec) {
        return FRAME_CACHE_FRAMES * spec.frameBytes();
    }

    /** Frames per render-pool task for frames of {@code frameBytes}. */
    public static int batchFrames(long frameBytes) {
        return (int) Math.max(1, Math.min(MAX_BATCH_FRAMES, BATCH_TARGET_BYTES / frameBytes));
    }

    /**
     * How many render-pool tasks of one video may draw at once for batches of {@code batch} frames: two half batches
     * when a batch holds two frames or more (the frames in memory stay within two batches), else one.
     */
    public static int renderingAtOnce(int batch) {
        return batch >= 2 ? 2 : 1;
    }

    /** The estimate for {@code spec}, in bytes. */
    public static long bytes(VideoSpec spec) {
        long frame = spec.frameBytes();
        long pixels = (long) spec.width() * spec.height();
        int batch = batchFrames(frame);
        long jvm = frame * (2L * batch + 2L * renderingAtOnce(batch)) + frameCacheBytes(spec);
        long encoder = ENCODER_BASE_BYTES
                + switch (spec.format()) {
                    case MP4 -> X264_PICTURES * pixels * 3 / 2;
                    case WEBP_ANIMATED -> 4 * frame;
                    case GIF -> 3 * frame;
                };
        return jvm + encoder;
    }
}
