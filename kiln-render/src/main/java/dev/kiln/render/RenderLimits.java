package dev.kiln.render;

import java.time.Duration;

/**
 * Caps on what one render may ask for. Each cap is documented in {@code docs/limits.md}.
 *
 * @param maxDimension largest width or height, in pixels
 * @param maxPixels largest width × height of the output, in pixels
 * @param maxLayers largest total number of scene layers, counting nested ones
 * @param maxDepth deepest group nesting
 * @param maxTextLength longest text layer, in UTF-16 chars
 * @param maxImageBytes largest embedded image after base64 decoding, in bytes
 * @param maxImagePixels largest decoded embedded image, in pixels (decompression-bomb guard)
 * @param maxSvgBytes largest SVG document, in UTF-8 bytes
 * @param maxLottieBytes largest Lottie document, in serialized JSON bytes
 * @param maxFrames largest frame count of an animation (Lottie or scene)
 * @param maxDuration longest animation
 */
public record RenderLimits(
        int maxDimension,
        long maxPixels,
        int maxLayers,
        int maxDepth,
        int maxTextLength,
        int maxImageBytes,
        long maxImagePixels,
        int maxSvgBytes,
        int maxLottieBytes,
        int maxFrames,
        Duration maxDuration) {

    /** Default largest width or height: 8192 px. */
    public static final int DEFAULT_MAX_DIMENSION = 8192;
    /** Default largest output: 4096 × 4096 = 16.7 Mpx (64 MiB as ARGB). */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;
    /** Default largest layer count. */
    public static final int DEFAULT_MAX_LAYERS = 1000;
    /** Default deepest group nesting. */
    public static final int DEFAULT_MAX_DEPTH = 16;
    /** Default longest text: 10,000 chars. */
    public static final int DEFAULT_MAX_TEXT_LENGTH = 10_000;
    /** Default largest embedded image: 10 MiB. */
    public static final int DEFAULT_MAX_IMAGE_BYTES = 10 * 1024 * 1024;
    /** Default largest decoded embedded image: 25 Mpx. */
    public static final long DEFAULT_MAX_IMAGE_PIXELS = 25_000_000L;
    /** Default largest SVG: 5 MiB. */
    public static final int DEFAULT_MAX_SVG_BYTES = 5 * 1024 * 1024;
    /** Default largest Lottie: 10 MiB. */
    public static final int DEFAULT_MAX_LOTTIE_BYTES = 10 * 1024 * 1024;
    /** Default largest frame count: 3,600 (one minute at 60 fps). */
    public static final int DEFAULT_MAX_FRAMES = 3600;
    /** Default longest animation: 60 s. */
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofSeconds(60);

    public RenderLimits {
        positive("maxDimension", maxDimension);
        positive("maxPixels", maxPixels);
        positive("maxLayers", maxLayers);
        positive("maxDepth", maxDepth);
        positive("maxTextLength", maxTextLength);
        positive("maxImageBytes", maxImageBytes);
        positive("maxImagePixels", maxImagePixels);
        positive("maxSvgBytes", maxSvgBytes);
        positive("maxLottieBytes", maxLottieBytes);
        positive("maxFrames", maxFrames);
        if (maxDuration == null || maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("maxDuration must be a positive duration, was " + maxDuration);
        }
        if (maxPixels > (long) maxDimension * maxDimension) {
            throw new IllegalArgumentException("maxPixels (" + maxPixels + ") cannot exceed maxDimension² ("
                    + (long) maxDimension * maxDimension + ")");
        }
    }

    /** The documented defaults. */
    public static RenderLimits defaults() {
        return new RenderLimits(
                DEFAULT_MAX_DIMENSION,
                DEFAULT_MAX_PIXELS,
                DEFAULT_MAX_LAYERS,
                DEFAULT_MAX_DEPTH,
                DEFAULT_MAX_TEXT_LENGTH,
                DEFAULT_MAX_IMAGE_BYTES,
                DEFAULT_MAX_IMAGE_PIXELS,
                DEFAULT_MAX_SVG_BYTES,
                DEFAULT_MAX_LOTTIE_BYTES,
                DEFAULT_MAX_FRAMES,
                DEFAULT_MAX_DURATION);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
