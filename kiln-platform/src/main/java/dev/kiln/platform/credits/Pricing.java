package dev.kiln.platform.credits;

/** What a generation costs, in credits, computed before it is enqueued (docs/credits.md). */
public final class Pricing {

    /** Pixels one credit buys: a still costs one credit per started megapixel of output. */
    public static final long PIXELS_PER_CREDIT = 1_000_000;

    private Pricing() {}

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
