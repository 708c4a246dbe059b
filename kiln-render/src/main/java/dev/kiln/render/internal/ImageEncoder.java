package dev.kiln.render.internal;

import dev.kiln.render.OutputSpec;
import java.awt.image.BufferedImage;

/** Encodes a drawn image into one output format. Stateless and thread-safe. */
public interface ImageEncoder {

    /** Encodes {@code image} (TYPE_INT_ARGB_PRE or TYPE_INT_RGB) using {@code spec.quality()}. */
    byte[] encode(BufferedImage image, OutputSpec spec);
}
