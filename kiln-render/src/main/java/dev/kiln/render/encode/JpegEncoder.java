package dev.kiln.render.encode;

import dev.kiln.render.OutputSpec;
import dev.kiln.render.internal.ImageEncoder;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * JPEG through the JDK's ImageIO writer at {@code quality / 100}. JPEG has no alpha: translucent pixels are
 * composited onto white, the colour a browser page most often shows behind an image.
 */
final class JpegEncoder implements ImageEncoder {
    @Override
    public byte[] encode(BufferedImage image, OutputSpec spec) {
        BufferedImage rgb = onWhite(image);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.getWidth() * image.getHeight() / 4 + 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(spec.quality() / 100f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JPEG write failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Premultiplied source over opaque white is {@code c + (255 - a)} per channel. */
    static BufferedImage onWhite(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] src = Pixels.premultipliedArgb(image);
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < dst.length; i++) {
            int p = src[i];
            int white = 255 - (p >>> 24);
            int r = ((p >> 16) & 0xFF) + white;
            int g = ((p >> 8) & 0xFF) + white;
            int b = (p & 0xFF) + white;
            dst[i] = (Math.min(r, 255) << 16) | (Math.min(g, 255) << 8) | Math.min(b, 255);
        }
        return rgb;
    }
}
