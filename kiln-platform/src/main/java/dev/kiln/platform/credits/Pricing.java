package dev.kiln.platform.credits;

/** What a generation costs, in credits, computed before it is enqueued (docs/credits.md). */
public final class Pricing {

    /** Pixels one credit buys: a still costs one credit per started megapixel of output. */
    public static final long PIXELS_PER_CREDIT = 1_000_000;

    /** Pixel-frames one credit buys in a video: 25,000,000 (a 1200×630 clip of 33 frames, 1080p of 12). */
    public static final long PIXEL_FRAMES_PER_CREDIT = 25_000_000;

    private Pricing() {}

    /**
     * The cost of a video of {@code frames} frames of {@code width} × {@code height}: ⌈width × height × frames ÷
     * 25,000,000⌉, at least 1, whatever the format. A 1200×630 clip of 2 s at 30 fps costs 2 credits, a 1920×1080
     * one of 10 s at 30 fps 25.
     */
    public static long video(int width, int height, int frames) {
        if (width < 1 || height < 1 || frames < 1) {
            throw new IllegalArgumentException(
                    "width, height and frames must be positive, were " + width + "×" + height + "×" + frames);
        }
        long pixelFrames = Math.multiplyExact((long) width * height, frames);
        return Math.max(1, (pixelFrames + PIXEL_FRAMES_PER_CREDIT - 1) / PIXEL_FRAMES_PER_CREDIT);
    }

    /**
     * The cost of a still of {@code width} × {@code height} output pixels: ⌈pixels ÷ 1,000,000⌉, at least 1. A
     * 1200×630 card costs 1 credit, a 4096×4096 still 17.
     */
    public static long still(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width and height must be positive, were " + width + "×" + height);
        }
        long pixels = (long) width * height;
        return (pixels + PIXELS_PER_CREDIT - 1) / PIXELS_PER_CREDIT;
    }
}
