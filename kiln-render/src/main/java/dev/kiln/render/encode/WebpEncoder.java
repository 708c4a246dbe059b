package dev.kiln.render.encode;

import dev.kiln.render.OutputSpec;
import dev.kiln.render.internal.ImageEncoder;
import io.github.humbleui.skija.ColorAlphaType;
import io.github.humbleui.skija.ColorType;
import io.github.humbleui.skija.Data;
import io.github.humbleui.skija.EncodeWEBPCompressionMode;
import io.github.humbleui.skija.EncodeWEBPOptions;
import io.github.humbleui.skija.EncoderWEBP;
import io.github.humbleui.skija.Image;
import io.github.humbleui.skija.ImageInfo;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Lossy WebP through Skija's libwebp at {@code quality}; the JDK has no WebP writer. */
final class WebpEncoder implements ImageEncoder {
    @Override
    public byte[] encode(BufferedImage image, OutputSpec spec) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = Pixels.premultipliedArgb(image);
        // Java's ARGB ints written little-endian are BGRA bytes, Skia's N32 on this platform.
        byte[] bgra = new byte[w * h * 4];
        ByteBuffer.wrap(bgra).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(argb, 0, w * h);
        ImageInfo info = new ImageInfo(w, h, ColorType.BGRA_8888, ColorAlphaType.PREMUL);
        try (Image skImage = Image.makeRasterFromBytes(info, bgra, w * 4L);
                Data data = EncoderWEBP.encode(
                        skImage, new EncodeWEBPOptions(EncodeWEBPCompressionMode.LOSSY, spec.quality()))) {
            if (data == null) {
                throw new IllegalStateException("WebP encoding failed for a " + w + "x" + h + " image");
            }
            return data.getBytes();
        }
    }
}
