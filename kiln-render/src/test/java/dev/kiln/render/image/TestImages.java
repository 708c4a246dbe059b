package dev.kiln.render.image;

import dev.kiln.render.OutputFormat;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.encode.Encoders;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Images for upload tests: real PNG, JPEG and WebP files, truncated ones, and a genuine PNG decompression bomb. */
public final class TestImages {
    private TestImages() {}

    /** A {@code w}×{@code h} picture: a gradient with a red square, so scaling has something to keep. */
    public static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setPaint(new java.awt.GradientPaint(0, 0, Color.BLUE, w, h, Color.GREEN));
            g.fillRect(0, 0, w, h);
            g.setColor(Color.RED);
            g.fillRect(w / 4, h / 4, w / 2, h / 2);
        } finally {
            g.dispose();
        }
        return img;
    }

    public static byte[] png(int w, int h) {
        return imageIo(picture(w, h), "png");
    }

    public static byte[] jpeg(int w, int h) {
        return imageIo(picture(w, h), "jpeg");
    }

    public static byte[] webp(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = img.createGraphics();
        try {
            g.drawImage(picture(w, h), 0, 0, null);
        } finally {
            g.dispose();
        }
        return Encoders.forFormat(OutputFormat.WEBP).encode(img, new OutputSpec(OutputFormat.WEBP, 80, w, h, 0, null));
    }

    /** The first {@code fraction} of {@code bytes}. */
    public static byte[] truncated(byte[] bytes, double fraction) {
        return Arrays.copyOf(bytes, (int) (bytes.length * fraction));
    }

    /**
     * A valid PNG of {@code w}×{@code h} one-bit black pixels: a few tens of KiB that a decoder would expand to
     * {@code w × h × 4} bytes of ARGB (20,000² → 1.6 GB).
     */
    public static byte[] pngBomb(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr =
                ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 1).put((byte) 0);
        ihdr.put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] row = new byte[1 + (w + 7) / 8]; // filter byte 0, then zero pixels
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (int y = 0; y < h; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                int n = deflater.deflate(buf);
                idat.write(buf, 0, n);
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A {@code w}×{@code h} PNG whose structure is whole (IHDR, IDAT, IEND, every CRC right) but whose image data is
     * not zlib: it passes the upload checks and fails to decode, as a thumbnail job finds out.
     */
    public static byte[] pngWithGarbageData(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr =
                ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2);
        ihdr.put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        byte[] garbage = new byte[512];
        new java.util.Random(7).nextBytes(garbage);
        chunk(out, "IDAT", garbage);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] imageIo(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
