package dev.kiln.render;

/**
 * A validated, immutable render plan produced by {@link Renderer#prepare}.
 *
 * @param document the parsed document
 * @param output the resolved output
 */
public record PreparedRender(Document document, OutputSpec output) {

    /**
     * Fixed cost of any render, in pixel-equivalents, added to its output pixels by {@link #costUnits()}. A render's
     * time is a fixed part (parse, set-up, encoder start) plus a per-pixel part; with pixels alone, a burst of tiny
     * renders taught the render pool's per-unit estimate that a 1200×630 card takes seconds (regression test
     * {@code tinyRendersMustNotInflateTheEstimateForLargeOnes}). 100,000 is about an eighth of that card.
     */
    public static final long FIXED_COST_UNITS = 100_000;

    /** Pixels the render will allocate; used by admission to size memory budgets. */
    public long pixels() {
        return (long) output.width() * output.height();
    }

    /** The render's cost for the render pool's service-time estimate: output pixels plus a fixed part. */
    public long costUnits() {
        return pixels() + FIXED_COST_UNITS;
    }
}
