package dev.kiln.render.encode;

import dev.kiln.render.OutputSpec;
import dev.kiln.render.internal.ImageEncoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A small PNG writer: 8-bit RGB (when every pixel is opaque) or straight-alpha RGBA, one fixed row filter, zlib
 * at a level derived from the quality. No ancillary chunks, so the output depends only on the pixels and level.
 */
final class PngEncoder implements ImageEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int IDAT_CHUNK = 64 * 1024;

    /** PNG row filter types (RFC 2083 §6). */
    enum Filter {
        NONE,
        SUB,
        UP,
        AVERAGE,
        PAETH
    }

    /** Chosen by measurement on the reference card: see docs/render-engines.md. */
    static final Filter DEFAULT_FILTER = Filter.NONE;

    /** 65536 × 255 / a, for an unpremultiply that needs no division per channel. */
    private static final int[] UNPREMULTIPLY = new int[256];

    static {
        for (int a = 1; a < 256; a++) {
            UNPREMULTIPLY[a] = (255 * 65536 + a / 2) / a;
        }
    }

    @Override
    public byte[] encode(BufferedImage image, OutputSpec spec) {
        return encode(image, zlibLevel(spec.quality()), DEFAULT_FILTER);
    }

    /**
     * Maps quality 1–100 to a zlib level. PNG is lossless, so quality only buys effort: the default 90 gives
     * level 6 (zlib's own default), 100 gives 9 (smallest, slowest), low values give level 1 (fastest).
     */
    static int zlibLevel(int quality) {
        if (quality >= 100) {
            return 9;
        }
        return Math.clamp(Math.round(quality / 15.0f), 1, 6);
    }

    static byte[] encode(BufferedImage image, int level, Filter filter) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = Pixels.premultipliedArgb(image);
        boolean opaque = Pixels.isOpaque(argb);
        int bpp = opaque ? 3 : 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream(w * h / 2 + 1024);
        try {
            out.write(SIGNATURE);
            byte[] ihdr = new byte[13];
            putInt(ihdr, 0, w);
            putInt(ihdr, 4, h);
            ihdr[8] = 8; // bit depth
            ihdr[9] = (byte) (opaque ? 2 : 6); // truecolour, or truecolour with alpha
            writeChunk(out, "IHDR", ihdr, ihdr.length);
            Deflater deflater = new Deflater(level);
            try (DeflaterOutputStream z = new DeflaterOutputStream(new IdatStream(out), deflater, IDAT_CHUNK)) {
                byte[] prev = new byte[w * bpp];
                byte[] cur = new byte[w * bpp];
                byte[] filtered = new byte[w * bpp + 1];
                for (int y = 0; y < h; y++) {
                    toBytes(argb, y * w, w, opaque, cur);
                    filterRow(filter, cur, prev, bpp, filtered);
                    z.write(filtered);
                    byte[] t = prev;
                    prev = cur;
                    cur = t;
                }
            } finally {
                deflater.end();
            }
            writeChunk(out, "IEND", new byte[0], 0);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory PNG write failed", e);
        }
        return out.toByteArray();
    }

    private static void toBytes(int[] argb, int offset, int w, boolean opaque, byte[] row) {
        int j = 0;
        for (int x = 0; x < w; x++) {
            int p = argb[offset + x];
            int a = p >>> 24;
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            if (a != 255 && a != 0) {
                int f = UNPREMULTIPLY[a];
                r = Math.min(255, (r * f + 32768) >>> 16);
                g = Math.min(255, (g * f + 32768) >>> 16);
                b = Math.min(255, (b * f + 32768) >>> 16);
            }
            row[j++] = (byte) r;
            row[j++] = (byte) g;
            row[j++] = (byte) b;
            if (!opaque) {
                row[j++] = (byte) a;
            }
        }
    }

    private static void filterRow(Filter filter, byte[] cur, byte[] prev, int bpp, byte[] out) {
        out[0] = (byte) filter.ordinal();
        int n = cur.length;
        switch (filter) {
            case NONE -> System.arraycopy(cur, 0, out, 1, n);
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    int left = i >= bpp ? cur[i - bpp] : 0;
                    out[i + 1] = (byte) (cur[i] - left);
                }
            }
            case UP -> {
                for (int i = 0; i < n; i++) {
                    out[i + 1] = (byte) (cur[i] - prev[i]);
                }
            }
            case AVERAGE -> {
                for (int i = 0; i < n; i++) {
                    int left = i >= bpp ? cur[i - bpp] & 0xFF : 0;
                    out[i + 1] = (byte) (cur[i] - ((left + (prev[i] & 0xFF)) >>> 1));
                }
            }
            case PAETH -> {
                for (int i = 0; i < n; i++) {
                    int a = i >= bpp ? cur[i - bpp] & 0xFF : 0;
                    int b = prev[i] & 0xFF;
                    int c = i >= bpp ? prev[i - bpp] & 0xFF : 0;
                    int p = a + b - c;
                    int pa = Math.abs(p - a);
                    int pb = Math.abs(p - b);
                    int pc = Math.abs(p - c);
                    int pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    out[i + 1] = (byte) (cur[i] - pred);
                }
            }
        }
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static void writeChunk(OutputStream out, String type, byte[] data, int len) throws IOException {
        byte[] header = new byte[8];
        putInt(header, 0, len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, header, 4, 4);
        out.write(header);
        out.write(data, 0, len);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, len);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.write(c);
    }

    /** Wraps each buffer the deflater flushes in its own IDAT chunk. */
    private static final class IdatStream extends OutputStream {
        private final OutputStream out;

        IdatStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            byte[] data = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
            writeChunk(out, "IDAT", data, len);
        }
    }
}
