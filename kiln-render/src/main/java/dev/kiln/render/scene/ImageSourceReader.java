package dev.kiln.render.scene;

import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.Violations;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
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
 * Decodes an image layer's {@code src} data URI (PNG, JPEG or WebP) under the byte and pixel caps, checking the
 * encoded size before decoding and the header's size before any pixel is decoded.
 */
final class ImageSourceReader {
    private final Violations v;
    private final RenderLimits limits;

    ImageSourceReader(Violations v, RenderLimits limits) {
        this.v = v;
        this.limits = limits;
    }

    /** The decoded image in the surface's premultiplied format; null (and a violation at {@code ptr}) when bad. */
    BufferedImage decode(String src, String ptr) {
        if (src.startsWith(dev.kiln.render.image.AssetReferences.PREFIX)) {
            // Resolved by the caller before the engine sees the document; one left here names no asset of theirs.
            v.add(ptr, "must be asset:<id> naming one of your uploaded assets (POST /v1/assets)");
            return null;
        }
        int comma = src.indexOf(',');
        String header = comma < 0 ? "" : src.substring(0, comma).toLowerCase(Locale.ROOT);
        boolean webp = header.equals("data:image/webp;base64");
        if (!header.equals("data:image/png;base64")
                && !header.equals("data:image/jpeg;base64")
                && !header.equals("data:image/jpg;base64")
                && !webp) {
            v.add(
                    ptr,
                    "must be asset:<id> or a base64 data URI: data:image/png;base64,…, data:image/jpeg;base64,… or"
                            + " data:image/webp;base64,…");
            return null;
        }
        int encodedLength = src.length() - comma - 1;
        // Check the size before decoding so an oversized payload never gets a decoded copy.
        long decodedUpperBound = (encodedLength + 3L) / 4 * 3;
        if (decodedUpperBound - 2 > limits.maxImageBytes()) {
            v.add(
                    ptr,
                    "image is about " + decodedUpperBound + " bytes, more than the " + limits.maxImageBytes()
                            + " byte cap (maxImageBytes)");
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(src.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            v.add(ptr, "invalid base64 in data URI: " + e.getMessage());
            return null;
        }
        if (bytes.length > limits.maxImageBytes()) {
            v.add(
                    ptr,
                    "image is " + bytes.length + " bytes, more than the " + limits.maxImageBytes()
                            + " byte cap (maxImageBytes)");
            return null;
        }
        if (webp) {
            // ImageIO has no WebP reader: Skia decodes it, after the same header checks (size, pixels, structure).
            try {
                return dev.kiln.render.image.Thumbnails.decodeToBufferedImage(bytes, limits);
            } catch (dev.kiln.render.image.InvalidImageException e) {
                v.add(ptr, e.getMessage());
                return null;
            }
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                v.add(ptr, "the data is not a PNG or JPEG image");
                return null;
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!format.equals("png") && !format.equals("jpeg")) {
                    v.add(ptr, "the data is a " + format + " image; only PNG and JPEG are accepted");
                    return null;
                }
                reader.setInput(in, /* seekForwardOnly= */ true, /* ignoreMetadata= */ true);
                // Decompression-bomb guard: the header's size is checked before any pixel is decoded.
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > limits.maxImagePixels()) {
                    v.add(
                            ptr,
                            "image is " + w + "x" + h + " = " + w * h + " pixels, more than the "
                                    + limits.maxImagePixels() + " pixel cap (maxImagePixels)");
                    return null;
                }
                BufferedImage decoded = reader.read(0);
                return toPremultiplied(decoded);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt data with a mix of IOExceptions and unchecked exceptions.
            v.add(ptr, "cannot decode the image: " + e.getMessage());
            return null;
        }
    }

    /** Converts once to the surface's pixel format so every draw blits without conversion. */
    private static BufferedImage toPremultiplied(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
