package dev.kiln.render.encode;

import dev.kiln.render.OutputSpec;
import dev.kiln.render.internal.ImageEncoder;
import io.github.humbleui.skija.ColorAlphaType;
import io.github.humbleui.skija.ColorType;
import io.github.humbleui.skija.Data;
import io.github.humbleui.skija.EncodeJPEGOptions;
import io.github.humbleui.skija.EncoderJPEG;
import io.github.humbleui.skija.Image;
import io.github.humbleui.skija.ImageInfo;
import java.awt.image.BufferedImage;

/**
 * JPEG through Skija's libjpeg-turbo at {@code quality} (1.5–4× faster than ImageIO on the reference card
 * and smaller, see docs/render-engines.md). JPEG has no alpha: translucent pixels are composited onto white, the colour a page
 * most often shows behind an image.
 */
final class JpegEncoder implements ImageEncoder {
    @Override
    public byte[] encode(BufferedImage image, OutputSpec spec) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] bgra = onWhite(Pixels.premultipliedArgb(image));
        ImageInfo info = new ImageInfo(w, h, ColorType.BGRA_8888, ColorAlphaType.OPAQUE);
        try (Image skImage = Image.makeRasterFromBytes(info, bgra, w * 4L);
                Data data = EncoderJPEG.encode(skImage, EncodeJPEGOptions.DEFAULT.withQuality(spec.quality()))) {
            if (data == null) {
                throw new IllegalStateException("JPEG encoding failed for a " + w + "x" + h + " image");
            }
            return data.getBytes();
        }
    }

    /** Premultiplied source over opaque white is {@code c + (255 - a)} per channel; written as BGRA bytes. */
    static byte[] onWhite(int[] argb) {
        byte[] out = new byte[argb.length * 4];
        int j = 0;
        for (int p : argb) {
            int white = 255 - (p >>> 24);
            out[j++] = (byte) Math.min(255, (p & 0xFF) + white);
            out[j++] = (byte) Math.min(255, ((p >> 8) & 0xFF) + white);
            out[j++] = (byte) Math.min(255, ((p >> 16) & 0xFF) + white);
            out[j++] = (byte) 0xFF;
        }
        return out;
    }
}
