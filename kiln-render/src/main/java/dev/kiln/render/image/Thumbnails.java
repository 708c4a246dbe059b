package dev.kiln.render.image;

import dev.kiln.render.RenderLimits;
import dev.kiln.render.image.InvalidImageException.Reason;
import io.github.humbleui.skija.Bitmap;
import io.github.humbleui.skija.Codec;
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
        try (Bitmap bitmap = decode(bytes, header);
                Image image = Image.makeRasterFromBitmap(bitmap);
                Surface surface = Surface.makeRaster(new ImageInfo(tw, th, ColorType.N32, ColorAlphaType.PREMUL))) {
            surface.getCanvas()
                    .drawImageRect(
                            image,
                            Rect.makeWH(header.width(), header.height()),
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
        ImageHeader header = check(bytes, limits);
        try (Bitmap bitmap = decode(bytes, header)) {
            int w = header.width();
            int h = header.height();
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

    /**
     * Decodes all of {@code bytes} into a premultiplied BGRA bitmap of the header's size; a decoder error, or input
     * that ends early, is an {@link InvalidImageException} (Skia's codec reports both; a lazily decoded image would
     * draw nothing instead).
     */
    private static Bitmap decode(byte[] bytes, ImageHeader header) {
        Bitmap bitmap = new Bitmap();
        try (Data data = Data.makeFromBytes(bytes);
                Codec codec = Codec.makeFromData(data)) {
            if (codec.getWidth() != header.width() || codec.getHeight() != header.height()) {
                throw new InvalidImageException(
                        Reason.CORRUPT,
                        "the decoder reads a " + codec.getWidth() + "x" + codec.getHeight() + " image, the header says "
                                + header.width() + "x" + header.height());
            }
            bitmap.allocPixels(
                    new ImageInfo(header.width(), header.height(), ColorType.BGRA_8888, ColorAlphaType.PREMUL));
            codec.readPixels(bitmap);
            bitmap.setImmutable();
            return bitmap;
        } catch (InvalidImageException e) {
            bitmap.close();
            throw e;
        } catch (RuntimeException e) {
            bitmap.close();
            throw new InvalidImageException(Reason.CORRUPT, "the image cannot be decoded: " + e.getMessage());
        }
    }
}
