package dev.kiln.render.encode;

import dev.kiln.render.OutputFormat;
import dev.kiln.render.internal.ImageEncoder;

/** Picks the encoder for each output format. PLACEHOLDER: being implemented. */
public final class Encoders {
    private Encoders() {}

    /** The encoder for {@code format}. */
    public static ImageEncoder forFormat(OutputFormat format) {
        throw new UnsupportedOperationException("encoders not implemented yet: " + format);
    }
}
