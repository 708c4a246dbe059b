package dev.kiln.render.internal;

import dev.kiln.render.RenderLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The byte and pixel caps for a {@code data:image/...;base64} URI that another library will decode (JSVG for an
 * SVG {@code <image>}, Skottie for a Lottie image asset). Reads only the image header, so a decompression bomb
 * (a few hundred bytes declaring 10⁵ × 10⁵ pixels) is refused before anyone allocates its raster.
 */
public final class EmbeddedImages {
    private EmbeddedImages() {}

    /**
     * Returns why {@code uri} breaks {@code maxImageBytes} or {@code maxImagePixels}, or null when it does not.
     * Data that is not a readable image is left to the decoder (it draws nothing): only the caps are enforced.
     */
    public static String capViolation(String uri, RenderLimits limits) {
        int comma = uri.indexOf(',');
        if (comma < 0) {
            return null;
        }
        String payload = uri.substring(comma + 1);
        // Check the size before decoding so an oversized payload never gets a decoded copy.
        long decodedUpperBound = (payload.length() + 3L) / 4 * 3;
        if (decodedUpperBound - 2 > limits.maxImageBytes()) {
            return "embedded image is about " + decodedUpperBound + " bytes, more than the " + limits.maxImageBytes()
                    + " byte cap (maxImageBytes)";
        }
        byte[] bytes;
        try {
            // The MIME decoder skips line breaks and spaces, which SVG authors put inside base64 payloads.
            bytes = Base64.getMimeDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            return null;
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, /* seekForwardOnly= */ true, /* ignoreMetadata= */ true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > limits.maxImagePixels()) {
                    return "embedded " + reader.getFormatName().toLowerCase(Locale.ROOT) + " image is " + w + "x" + h
                            + " = " + w * h + " pixels, more than the " + limits.maxImagePixels()
                            + " pixel cap (maxImagePixels)";
                }
                return null;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null; // unreadable header: the decoder will fail on it too, drawing nothing
        }
    }
}
