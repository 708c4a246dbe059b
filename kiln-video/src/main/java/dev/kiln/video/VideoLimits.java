package dev.kiln.video;

import java.time.Duration;

/**
 * Caps on what one video may ask for, checked at submit time (docs/limits.md). Each crossing answers a 422 that
 * points at the field.
 *
 * @param maxDuration longest video
 * @param maxFps highest frame rate, frames per second
 * @param maxFrames most frames in one video
 * @param maxPixelFrames most width × height × frames in one video (the work and the price grow with it)
 * @param maxJobMemoryBytes largest memory estimate of one video (frame buffers plus encoder, {@link MemoryEstimate});
 *     also the instance's default video memory budget, so any video that passes can run
 */
public record VideoLimits(
        Duration maxDuration, int maxFps, int maxFrames, long maxPixelFrames, long maxJobMemoryBytes) {

    /** Default longest video: 60 s, the longest animation a document may have. */
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofSeconds(60);
    /** Default highest frame rate: 60 fps. */
    public static final int DEFAULT_MAX_FPS = 60;
    /** Default most frames: 3,600 (a minute at 60 fps). */
    public static final int DEFAULT_MAX_FRAMES = 3600;
    /** Default most pixel-frames: 2 × 10⁹ (1920×1080 for 32 s at 30 fps; 1280×720 for a minute at 30 fps). */
    public static final long DEFAULT_MAX_PIXEL_FRAMES = 2_000_000_000L;
    /** Default largest memory estimate of one video: 768 MiB. */
    public static final long DEFAULT_MAX_JOB_MEMORY_BYTES = 768L * 1024 * 1024;

    public VideoLimits {
        if (maxDuration == null || maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("maxDuration must be positive, was " + maxDuration);
        }
        if (maxFps < 1 || maxFps > 240) {
            throw new IllegalArgumentException("maxFps must be 1–240, was " + maxFps);
        }
        if (maxFrames < 1) {
            throw new IllegalArgumentException("maxFrames must be positive, was " + maxFrames);
        }
        if (maxPixelFrames < 1) {
            throw new IllegalArgumentException("maxPixelFrames must be positive, was " + maxPixelFrames);
        }
        if (maxJobMemoryBytes < 16L * 1024 * 1024) {
            throw new IllegalArgumentException("maxJobMemoryBytes must be at least 16 MiB, was " + maxJobMemoryBytes);
        }
    }

    /** The documented defaults. */
    public static VideoLimits defaults() {
        return new VideoLimits(
                DEFAULT_MAX_DURATION,
                DEFAULT_MAX_FPS,
                DEFAULT_MAX_FRAMES,
                DEFAULT_MAX_PIXEL_FRAMES,
                DEFAULT_MAX_JOB_MEMORY_BYTES);
    }
}
