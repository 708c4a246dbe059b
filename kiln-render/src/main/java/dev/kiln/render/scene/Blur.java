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

    private static void vertical(int[] src, int[] dst, int w, int h, int r) {
        int div = 2 * r + 1;
        for (int x = 0; x < w; x++) {
            int sum = 0;
            for (int y = 0; y <= Math.min(r, h - 1); y++) {
                sum += src[y * w + x];
            }
            for (int y = 0; y < h; y++) {
                dst[y * w + x] = (sum + div / 2) / div;
                int add = y + r + 1;
                int sub = y - r;
                if (add < h) {
                    sum += src[add * w + x];
                }
                if (sub >= 0) {
                    sum -= src[sub * w + x];
                }
            }
        }
    }
}
