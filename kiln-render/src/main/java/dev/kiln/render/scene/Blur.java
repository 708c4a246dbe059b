package dev.kiln.render.scene;

/** A Gaussian blur approximated by three separable box blurs (O(1) per pixel whatever the radius). */
final class Blur {
    private Blur() {}

    /** Blurs {@code alpha} (w × h values 0..255) in place with standard deviation {@code sigma} pixels. */
    static void gaussian(int[] alpha, int w, int h, double sigma) {
        if (sigma < 0.3 || w == 0 || h == 0) {
            return;
        }
        int[] tmp = new int[alpha.length];
        for (int box : boxSizes(sigma)) {
            int r = (box - 1) / 2;
            if (r <= 0) {
                continue;
            }
            horizontal(alpha, tmp, w, h, r);
            vertical(tmp, alpha, w, h, r);
        }
    }

    /** Box widths whose three passes approximate a Gaussian (Kovesi, "Fast almost-Gaussian filtering"). */
    static int[] boxSizes(double sigma) {
        int n = 3;
        double ideal = Math.sqrt(12 * sigma * sigma / n + 1);
        int wl = (int) Math.floor(ideal);
        if (wl % 2 == 0) {
            wl--;
        }
        int wu = wl + 2;
        double mIdeal = (12 * sigma * sigma - n * wl * wl - 4.0 * n * wl - 3.0 * n) / (-4.0 * wl - 4);
        long m = Math.round(mIdeal);
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = i < m ? wl : wu;
        }
        return sizes;
    }

    private static void horizontal(int[] src, int[] dst, int w, int h, int r) {
        int div = 2 * r + 1;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int sum = 0;
            // Pixels outside the image are transparent (0), so only in-bounds values enter the sum.
            for (int x = 0; x <= Math.min(r, w - 1); x++) {
                sum += src[row + x];
            }
            for (int x = 0; x < w; x++) {
                dst[row + x] = (sum + div / 2) / div;
                int add = x + r + 1;
                int sub = x - r;
                if (add < w) {
                    sum += src[row + add];
                }
                if (sub >= 0) {
                    sum -= src[row + sub];
                }
            }
        }
    }

    // Walks rows, keeping one running sum per column, so memory is read sequentially (a column-at-a-time
    // walk strides a whole row per read and is several times slower on wide masks).
    private static void vertical(int[] src, int[] dst, int w, int h, int r) {
        int div = 2 * r + 1;
        int[] sums = new int[w];
        for (int y = 0; y <= Math.min(r, h - 1); y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                sums[x] += src[row + x];
            }
        }
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                dst[row + x] = (sums[x] + div / 2) / div;
            }
            int add = y + r + 1;
            if (add < h) {
                int addRow = add * w;
                for (int x = 0; x < w; x++) {
                    sums[x] += src[addRow + x];
                }
            }
            int sub = y - r;
            if (sub >= 0) {
                int subRow = sub * w;
                for (int x = 0; x < w; x++) {
                    sums[x] -= src[subRow + x];
                }
            }
        }
    }

    /**
     * Bilinear upscale of a {@code w × h} alpha mask by {@code k}, the window {@code outW × outH} starting at
     * {@code (x0, y0)} of the upscaled mask, mapping each resulting alpha through {@code lut} (256 premultiplied
     * ARGB values) into {@code out}. With {@code k == 1} this is a plain lookup.
     */
    static void upscale(int[] src, int w, int h, int k, int[] lut, int[] out, int x0, int y0, int outW, int outH) {
        // Separable: each source row is stretched horizontally once (values × 256 for precision), then
        // every output row is one lerp between two stretched rows.
        int[] xs = new int[outW];
        int[] fx = new int[outW];
        for (int x = 0; x < outW; x++) {
            int p = position(x0 + x, k);
            xs[x] = Math.min(w - 1, p >> 8);
            fx[x] = xs[x] == w - 1 ? 0 : p & 0xff;
        }
        // Only the source rows the window reads are stretched.
        int firstRow = Math.min(h - 1, position(y0, k) >> 8);
        int lastRow = Math.min(h - 1, (position(y0 + outH - 1, k) >> 8) + 1);
        int[] stretched = new int[(lastRow - firstRow + 1) * outW];
        for (int y = firstRow; y <= lastRow; y++) {
            int s = y * w;
            int d = (y - firstRow) * outW;
            for (int x = 0; x < outW; x++) {
                int xa = xs[x];
                int xb = Math.min(w - 1, xa + 1);
                stretched[d + x] = src[s + xa] * (256 - fx[x]) + src[s + xb] * fx[x];
            }
        }
        for (int y = 0; y < outH; y++) {
            int p = position(y0 + y, k);
            int sy = Math.min(h - 1, p >> 8);
            int fy = sy == h - 1 ? 0 : p & 0xff;
            int a = (sy - firstRow) * outW;
            int b = (Math.min(h - 1, sy + 1) - firstRow) * outW;
            int row = y * outW;
            for (int x = 0; x < outW; x++) {
                out[row + x] = lut[(stretched[a + x] * (256 - fy) + stretched[b + x] * fy + 32768) >> 16];
            }
        }
    }

    /** Source position (8-bit fixed point) of output pixel {@code i}'s centre when upscaling by {@code k}. */
    private static int position(int i, int k) {
        return (int) Math.max(0, ((2L * i + 1) << 8) / (2L * k) - 128);
    }

    /** The premultiplied ARGB of {@code rgb} at each coverage 0..255, scaled by alpha {@code a}. */
    static int[] tintTable(int r, int g, int b, int a) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            int alpha = (i * a + 127) / 255;
            lut[i] = alpha << 24
                    | ((r * alpha + 127) / 255) << 16
                    | ((g * alpha + 127) / 255) << 8
                    | ((b * alpha + 127) / 255);
        }
        return lut;
    }
}
