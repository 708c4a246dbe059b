package dev.kiln.render.image;

import dev.kiln.render.RenderLimits;
import dev.kiln.render.image.InvalidImageException.Reason;
import io.github.humbleui.skija.Bitmap;
import io.github.humbleui.skija.ColorAlphaType;
import io.github.humbleui.skija.ColorType;
import io.github.humbleui.skija.Data;
import io.github.humbleui.skija.EncoderPNG;
import io.github.humbleui.skija.FilterMipmap;
import io.github.humbleui.skija.FilterMode;
import io.github.humbleui.skija.Image;
import io.github.humbleui.skija.ImageInfo;
import io.github.humbleui.skija.MipmapMode;
import io.github.humbleui.skija.Surface;
import io.github.humbleui.types.Rect;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes an uploaded image with Skia (PNG, JPEG and WebP alike) after {@link ImageInspector} has checked it, and
 * draws its thumbnail. CPU-heavy: run it on the render pool. Every native object is closed before returning.
 */
public final class Thumbnails {
    /** Default longest side of a thumbnail, in pixels. */
    public static final int DEFAULT_MAX_SIDE = 256;

    private Thumbnails() {}

    /**
     * A thumbnail as PNG bytes.
     *
     * @param png the encoded thumbnail
     * @param width its width
     * @param height its height
     */
    public record Thumbnail(byte[] png, int width, int height) {}

    /**
     * The thumbnail of {@code bytes}: the whole image scaled (never up) so its longest side is at most
     * {@code maxSide}, aspect kept, with mipmapped linear filtering.
     *
     * @throws InvalidImageException when the bytes are not a whole image within {@code limits}, or do not decode
     */
    public static Thumbnail make(byte[] bytes, int maxSide, RenderLimits limits) {
        ImageHeader header = check(bytes, limits);
        double scale = Math.min(1.0, (double) maxSide / Math.max(header.width(), header.height()));
        int tw = Math.max(1, (int) Math.round(header.width() * scale));
        int th = Math.max(1, (int) Math.round(header.height() * scale));
        try (Image image = decode(bytes);
                Surface surface = Surface.makeRaster(new ImageInfo(tw, th, ColorType.N32, ColorAlphaType.PREMUL))) {
            surface.getCanvas()
                    .drawImageRect(
                            image,
                            Rect.makeWH(image.getWidth(), image.getHeight()),
                            Rect.makeWH(tw, th),
                            new FilterMipmap(FilterMode.LINEAR, MipmapMode.LINEAR),
                            null,
                            /* strict= */ true);
            try (Image snapshot = surface.makeImageSnapshot();
                    Data png = EncoderPNG.encode(snapshot)) {
                if (png == null) {
                    throw new IllegalStateException("PNG encoding of a " + tw + "x" + th + " thumbnail failed");
                }
                return new Thumbnail(png.getBytes(), tw, th);
            }
        }
    }

    /**
     * Decodes {@code bytes} into a premultiplied ARGB image (the scene painter's format), for formats Java's ImageIO
     * cannot read (WebP).
     *
     * @throws InvalidImageException when the bytes are not a whole image within {@code limits}, or do not decode
     */
    public static BufferedImage decodeToBufferedImage(byte[] bytes, RenderLimits limits) {
        check(bytes, limits);
        try (Image image = decode(bytes);
                Bitmap bitmap = new Bitmap()) {
            int w = image.getWidth();
            int h = image.getHeight();
            bitmap.allocPixels(new ImageInfo(w, h, ColorType.BGRA_8888, ColorAlphaType.PREMUL));
            if (!image.readPixels(bitmap, 0, 0)) {
                throw new InvalidImageException(Reason.CORRUPT, "the image's pixels cannot be decoded");
            }
            byte[] bgra = bitmap.readPixels();
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB_PRE);
            int[] argb = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
            // BGRA bytes read little-endian are Java's ARGB ints, premultiplied like the surface.
            ByteBuffer.wrap(bgra).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(argb, 0, w * h);
            return out;
        }
    }

    private static ImageHeader check(byte[] bytes, RenderLimits limits) {
        ImageFormat format = ImageInspector.sniff(bytes);
        if (format == null) {
            throw new InvalidImageException(Reason.NOT_AN_IMAGE, "the data is not a PNG, JPEG or WebP image");
        }
        return ImageInspector.inspect(bytes, format, limits);
    }

    private static Image decode(byte[] bytes) {
        Image image = Image.makeDeferredFromEncodedBytes(bytes);
        if (image == null) {
            throw new InvalidImageException(Reason.CORRUPT, "the image cannot be decoded");
        }
        return image;
    }
}
