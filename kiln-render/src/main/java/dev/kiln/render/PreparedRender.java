package dev.kiln.render;

import dev.kiln.render.internal.PreparedDocument;

/**
 * A validated, immutable render plan produced by {@link Renderer#prepare}.
 *
 * @param document the parsed document (engine-internal)
 * @param output the resolved output
 */
public record PreparedRender(PreparedDocument document, OutputSpec output) {

    /** Pixels the render will allocate; used by admission to size memory budgets. */
    public long pixels() {
        return (long) output.width() * output.height();
    }
}
