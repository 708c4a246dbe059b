package dev.kiln.render.encode;

import dev.kiln.render.OutputFormat;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.internal.ImageEncoder;
import java.awt.image.BufferedImage;

/**
 * Picks the encoder for each output format. The choices (custom PNG writer, Skija JPEG, Skija WebP) were
 * measured against the alternatives; figures in docs/render-engines.md. Every encoder is deterministic: the
 * same pixels and quality give the same bytes, with no timestamps or varying metadata.
 */
public final class Encoders {
    private static final ImageEncoder PNG = new PngEncoder();
    private static final ImageEncoder JPEG = new JpegEncoder();
    private static final ImageEncoder WEBP = new WebpEncoder();

    private Encoders() {}

    /** Encodes {@code image} as {@code output} asks: its format, and its quality where the format has one. */
    public static byte[] encode(BufferedImage image, OutputSpec output) {
        return forFormat(output.format()).encode(image, output);
    }

    /** The encoder for {@code format}. */
    public static ImageEncoder forFormat(OutputFormat format) {
        return switch (format) {
            case PNG -> PNG;
            case JPEG -> JPEG;
            case WEBP -> WEBP;
        };
    }
}
