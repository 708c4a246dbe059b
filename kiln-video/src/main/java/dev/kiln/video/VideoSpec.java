package dev.kiln.video;

/**
 * A validated video {@code output}.
 *
 * @param format the container and codec
 * @param width frame width in pixels (even for MP4)
 * @param height frame height in pixels (even for MP4)
 * @param fps output frames per second
 * @param startMs document time of the first frame, in milliseconds
 * @param frames number of frames; frame {@code i} shows document time {@code startMs + i × 1000 / fps}
 * @param quality 1–100: WebP's quality; for MP4 mapped to a CRF unless {@link #crf} is given
 * @param crf H.264 constant rate factor 0–51 (lower is better), MP4 only
 */
public record VideoSpec(
        VideoFormat format, int width, int height, double fps, double startMs, int frames, int quality, int crf) {

    /** Default quality when the request gives none. */
    public static final int DEFAULT_QUALITY = 75;

    /** The CRF for {@code quality}: 100 → 10, 75 → 18, 50 → 25, 1 → 40. */
    public static int crfFor(int quality) {
        return (int) Math.round(40 - 0.3 * quality);
    }

    /** The document time of frame {@code i}, in milliseconds. */
    public double timeOf(int i) {
        return startMs + i * 1000.0 / fps;
    }

    /** The video's length: {@code frames × 1000 / fps}, in milliseconds. */
    public long durationMs() {
        return Math.round(frames * 1000.0 / fps);
    }

    /** Bytes of one raw frame as it goes down the pipe (4 per pixel). */
    public long frameBytes() {
        return 4L * width * height;
    }

    /** Pixel-frames: width × height × frames. */
    public long pixelFrames() {
        return (long) width * height * frames;
    }
}
