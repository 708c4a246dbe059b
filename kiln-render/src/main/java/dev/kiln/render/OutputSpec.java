package dev.kiln.render;

/**
 * A validated {@code output} object.
 *
 * @param format encoded format
 * @param quality 1–100; for JPEG/WebP the lossy quality, for PNG mapped to a compression effort
 * @param width final pixel width (already resolved from document size and requested width/height)
 * @param height final pixel height
 * @param frame the animation frame to take (Lottie and animated scenes); 0 for the first
 * @param timeMs alternatively the scene time in milliseconds; null when {@code frame} is used
 */
public record OutputSpec(OutputFormat format, int quality, int width, int height, int frame, Double timeMs) {
    /** Default quality when the request gives none. */
    public static final int DEFAULT_QUALITY = 90;
}
