package dev.kiln.render.scene;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The blurred drop shadow of a layer that only moves or turns during a video, drawn once and kept by the video's frame
 * cache ({@link SceneSequence}): a Gaussian blur is isotropic, so the blurred shadow of the moved or turned shape is
 * the blurred shadow of the shape, moved or turned. Each frame samples the kept mask (at the same reduced resolution
 * as {@link Painter}'s own shadows, bilinearly) through the frame's rigid motion and blends it into the frame.
 *
 * <p>Differences from the shadow drawn afresh, all within {@link SceneSequence#TOLERANCE}: the blur is three box
 * passes, not exactly isotropic, so a turned mask differs slightly from the mask of the turned shape; the mask is
 * sampled on a grid turned with the shape instead of one aligned with the frame; and the layer's opacity is applied in
 * the tint table instead of by the compositor. Only with a blur of {@link #MIN_SIGMA} device pixels or more,
 * where the mask has no detail that resampling could lose.
 *
 * <p>Immutable once built; frames drawn by several threads of one video read it at once.
 */
final class CachedShadow {
    /** The smallest Gaussian sigma, in device pixels, whose shadow is cached (below it the mask keeps edges). */
    static final double MIN_SIGMA = 4;
    /** How far from a rigid motion a frame's transform of the kept mask may be (a scale of 1 ± this, say). */
    static final double RIGID_EPSILON = 1e-6;
    /** The only properties a layer with a kept shadow may animate: the shadow moves and turns with them. */
    private static final Set<Prop> MOTION = EnumSet.of(Prop.X, Prop.Y, Prop.ROTATION);

    private final byte[] mask;
    private final int mw;
    private final int mh;
    private final int k;
    /** Where the mask's top-left corner is, in the reference frame's device pixels (before the shadow's offset). */
    private final double originX;

    private final double originY;
    /** Device space of the reference frame → the layer's own coordinates. */
    private final AffineTransform referenceInverse;

    /**
     * Per mask row, the longest run of equal mask pixels: columns {@code [solidFrom, solidTo)} of value
     * {@code solidValue}. A shape's blurred mask is flat inside it (255 for an opaque fill, the fill's alpha for a
     * translucent one such as the card's panel), so the shadow there is one constant colour.
     */
    private final int[] solidFrom;

    private final int[] solidTo;
    private final int[] solidValue;
    private final int[] lut;
    private final double refX;
    private final double refY;
    /** The shadow's offset in the layer's own units, turned with the layer each frame. */
    private final Point2D.Double offset;

    private CachedShadow(
            byte[] mask,
            int mw,
            int mh,
            int k,
            double originX,
            double originY,
            AffineTransform referenceInverse,
            int[] lut,
            double refX,
            double refY,
            Point2D.Double offset) {
        this.offset = offset;
        this.mask = mask;
        this.mw = mw;
        this.mh = mh;
        this.k = k;
        this.originX = originX;
        this.originY = originY;
        this.referenceInverse = referenceInverse;
        this.lut = lut;
        this.refX = refX;
        this.refY = refY;
        this.solidFrom = new int[mh];
        this.solidTo = new int[mh];
        this.solidValue = new int[mh];
        for (int y = 0; y < mh; y++) {
            int row = y * mw;
            int best = 0;
            int start = 0;
            for (int x = 1; x <= mw; x++) {
                if (x < mw && mask[row + x] == mask[row + start]) {
                    continue;
                }
                if (x - start > best) {
                    best = x - start;
                    solidFrom[y] = start;
                    solidTo[y] = x;
                    solidValue[y] = mask[row + start] & 0xff;
                }
                start = x;
            }
        }
    }

    /**
     * Whether {@code layer}'s shadow may be kept: a non-group layer animating nothing but its position, and its
     * rotation only for a rect or an ellipse. Turning the kept mask of text, a path or an image (detail at the mask's
     * grid scale) differed from the shadow drawn afresh by up to 8 of 255 (30 px text); a rect's or an
     * ellipse's by 6 at most (SceneSequenceTest).
     */
    static boolean eligible(Layer layer) {
        Layer.Common c = layer.common();
        boolean smooth = layer instanceof Layer.Shape s && s.kind() != Layer.ShapeKind.PATH;
        return !(layer instanceof Layer.Group)
                && c.shadow() != null
                && c.opacity() > 0
                && MOTION.containsAll(c.tracks().keySet())
                && (smooth || !c.tracks().containsKey(Prop.ROTATION));
    }

    /**
     * Draws {@code layer}'s blurred shadow once, in the frame {@code device} (the scene's scale to the output) with the
     * layer's rotation left out, at {@code reference}'s time; null when the blur is too small to keep, or the mask
     * would take more than {@code maxBytes}.
     */
    static CachedShadow build(Painter reference, Layer layer, AffineTransform device, long maxBytes) {
        Layer.Shadow shadow = layer.common().shadow();
        AffineTransform at = new AffineTransform(device);
        at.concatenate(reference.unrotatedTransform(layer));
        double sigma = shadow.blur() / 2 * Math.sqrt(Math.abs(at.getDeterminant()));
        if (sigma < MIN_SIGMA) {
            return null;
        }
        AffineTransform inverse;
        try {
            inverse = at.createInverse();
        } catch (NoninvertibleTransformException e) {
            return null;
        }
        int margin = (int) Math.ceil(3 * sigma) + 2;
        Rectangle box = at.createTransformedShape(reference.ownBounds(layer)).getBounds();
        box.grow(margin, margin);
        // The same reduction as Painter's shadows: sigma stays about 4 mask pixels.
        int k = (int) Math.max(1, Math.floor(sigma / 4));
        long mw = (box.width + k - 1L) / k;
        long mh = (box.height + k - 1L) / k;
        // While it is made: the ARGB raster, the alpha plane and the blur's scratch plane (4 bytes a pixel each) and
        // the
        // kept mask (1): all of it within the cache's bytes, though only the mask stays.
        if (mw <= 0 || mh <= 0 || mw * mh * 13 > maxBytes) {
            return null;
        }
        BufferedImage img = new BufferedImage((int) mw, (int) mh, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D mg = img.createGraphics();
        try {
            Painter.hints(mg);
            mg.scale(1.0 / k, 1.0 / k);
            mg.translate(-box.x, -box.y);
            mg.transform(at);
            reference.paintContent(mg, new Rectangle(0, 0, (int) mw, (int) mh), layer);
        } finally {
            mg.dispose();
        }
        int[] argb = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        int[] alpha = new int[argb.length];
        for (int i = 0; i < argb.length; i++) {
            alpha[i] = argb[i] >>> 24;
        }
        Blur.gaussian(alpha, (int) mw, (int) mh, sigma / k);
        byte[] mask = new byte[alpha.length];
        for (int i = 0; i < alpha.length; i++) {
            mask[i] = (byte) alpha[i];
        }
        Color c = shadow.color();
        int a = (int) Math.round(c.getAlpha() * Math.min(1, layer.common().opacity()));
        return new CachedShadow(
                mask,
                (int) mw,
                (int) mh,
                k,
                box.x,
                box.y,
                inverse,
                Blur.tintTable(c.getRed(), c.getGreen(), c.getBlue(), a),
                reference.positionX(layer),
                reference.positionY(layer),
                new Point2D.Double(shadow.dx(), shadow.dy()));
    }

    /** Bytes this shadow keeps. */
    long bytes() {
        return mask.length + 4L * lut.length + 12L * mh;
    }

    /** Mask pixels inside the rows' flat runs that are not transparent: blended as constant spans, not sampled. */
    long solidPixels() {
        long n = 0;
        for (int y = 0; y < mh; y++) {
            n += solidValue[y] == 0 ? 0 : solidTo[y] - solidFrom[y];
        }
        return n;
    }

    /** The layer's x at the reference time: frames move the mask by their x minus this. */
    double refX() {
        return refX;
    }

    /** The layer's y at the reference time. */
    double refY() {
        return refY;
    }

    /** The un-animated x of a non-group layer (its track's base). */
    static double baseX(Layer layer) {
        return switch (layer) {
            case Layer.Shape s -> s.x();
            case Layer.Text text -> text.x();
            case Layer.Image i -> i.x();
            case Layer.Group g -> g.tx();
        };
    }

    /** The un-animated y of a non-group layer. */
    static double baseY(Layer layer) {
        return switch (layer) {
            case Layer.Shape s -> s.y();
            case Layer.Text text -> text.y();
            case Layer.Image i -> i.y();
            case Layer.Group g -> g.ty();
        };
    }

    /**
     * Blends the kept shadow into {@code target} ({@code width × height} premultiplied ARGB, its device space its
     * pixel space) for a frame whose layer transform is {@code frame} and whose layer has moved by {@code (dx, dy)} in
     * its own coordinates since the reference; only within {@code surface}. Returns false, drawing nothing, when the
     * frame's transform of the kept mask is not a rigid motion (a scene scaled unevenly to the output and turned): the
     * caller then draws the shadow afresh.
     */
    boolean draw(int[] target, int width, int height, Rectangle surface, AffineTransform frame, double dx, double dy) {
        return draw(target, width, height, surface, frame, dx, dy, true);
    }

    /**
     * {@link #draw}, with {@code spans} false sampling every pixel instead of blending the flat interior as spans:
     * the same pixels, slower (CachedShadowSpansTest compares the two).
     */
    boolean draw(
            int[] target,
            int width,
            int height,
            Rectangle surface,
            AffineTransform frame,
            double dx,
            double dy,
            boolean spans) {
        AffineTransform m = new AffineTransform(frame);
        m.translate(dx, dy);
        m.concatenate(referenceInverse); // reference device → this frame's device
        // The offset, turned with the layer, lands on whole pixels, as Painter's own shadows do.
        Point2D off = frame.deltaTransform(offset, null);
        m.preConcatenate(AffineTransform.getTranslateInstance(Math.round(off.getX()), Math.round(off.getY())));
        if (Math.abs(m.getScaleX() - m.getScaleY()) > RIGID_EPSILON
                || Math.abs(m.getShearX() + m.getShearY()) > RIGID_EPSILON
                || Math.abs(m.getDeterminant() - 1) > RIGID_EPSILON) {
            return false;
        }
        AffineTransform inv;
        try {
            inv = m.createInverse();
        } catch (NoninvertibleTransformException e) {
            return false;
        }
        Rectangle dest = m.createTransformedShape(
                        new Rectangle2D.Double(originX, originY, (double) mw * k, (double) mh * k))
                .getBounds()
                .intersection(surface)
                .intersection(new Rectangle(0, 0, width, height));
        if (dest.isEmpty()) {
            return true;
        }
        // Mask coordinates (pixel centres at integers) of a device pixel centre, in 16.16 fixed point.
        double m00 = inv.getScaleX() / k;
        double m01 = inv.getShearX() / k;
        double m10 = inv.getShearY() / k;
        double m11 = inv.getScaleY() / k;
        double m02 = (inv.getTranslateX() - originX) / k - 0.5;
        double m12 = (inv.getTranslateY() - originY) / k - 0.5;
        if (mw >= 1 << 14 || mh >= 1 << 14) {
            return false; // 16.16 fixed point holds mask coordinates below 32768 (with room for the margins)
        }
        int du = (int) Math.round(m00 * 65536);
        int dv = (int) Math.round(m10 * 65536);
        for (int y = dest.y; y < dest.y + dest.height; y++) {
            double py = y + 0.5;
            double px = dest.x + 0.5;
            double u0 = (m00 * px + m01 * py + m02) * 65536;
            double v0 = (m10 * px + m11 * py + m12) * 65536;
            // Only the pixels whose sample falls on the mask (one mask pixel of slack each side) are visited.
            int from = 0;
            int to = dest.width;
            int[] r = span(u0, du, -65536, mw << 16, dest.width);
            from = Math.max(from, r[0]);
            to = Math.min(to, r[1]);
            r = span(v0, dv, -65536, mh << 16, dest.width);
            from = Math.max(from, r[0]);
            to = Math.min(to, r[1]);
            if (from < to) {
                int u = (int) Math.round(u0);
                int v = (int) Math.round(v0);
                if (spans) {
                    spans(target, y * width + dest.x, from, to, u, v, du, dv);
                } else {
                    row(target, y * width + dest.x, from, to, u + from * du, v + from * dv, du, dv);
                }
            }
        }
        return true;
    }

    /**
     * The indexes {@code [from, to)} of {@code 0..n} at which {@code start + i × step} lies in {@code [lo, hi)}, one
     * index wider each side (callers check each value anyway).
     */
    private static int[] span(double start, int step, int lo, int hi, int n) {
        if (step == 0) {
            return start >= lo - 1 && start < hi + 1 ? new int[] {0, n} : new int[] {0, 0};
        }
        double a = (lo - start) / step;
        double b = (hi - start) / step;
        double first = Math.min(a, b);
        double last = Math.max(a, b);
        int from = (int) Math.max(0, Math.floor(first) - 1);
        int to = (int) Math.min(n, Math.ceil(last) + 1);
        return new int[] {from, Math.max(from, to)};
    }

    /**
     * One row of {@link #draw}, pixels {@code [from, to)} after {@code rowStart}, pixel {@code x} at mask position
     * {@code (u + x du, v + x dv)}: split where the bilinear sample's four mask pixels all lie in their rows' flat runs
     * of one value ({@link #solidFrom}, {@link #solidTo}, {@link #solidValue}), whose sample is exactly that value and
     * is blended as one constant colour ({@link #fillOver}); only the rest, the blurred edge band, is sampled
     * ({@link #row}). The same pixels as sampling the whole row.
     */
    private void spans(int[] target, int rowStart, int from, int to, int u, int v, int du, int dv) {
        int x = from;
        while (x < to) {
            int vx = v + x * dv;
            int vi = vx >> 16;
            // The pixels from x on whose sample stays in mask rows vi and vi + 1.
            int end = to;
            if (dv > 0) {
                end = (int) Math.min(to, Math.floorDiv(((long) (vi + 1) << 16) - v + dv - 1, (long) dv));
            } else if (dv < 0) {
                end = (int) Math.min(to, Math.floorDiv((long) v - ((long) vi << 16), (long) -dv) + 1);
            }
            end = Math.max(end, x + 1);
            int a = x;
            int b = x;
            int top = 0;
            int bottom = 0;
            if (vi >= 0 && vi + 1 < mh) {
                top = solidValue[vi];
                bottom = solidValue[vi + 1];
                // Mask columns ui with ui and ui + 1 in both rows' flat runs: lo <= ui < hi.
                int lo = Math.max(solidFrom[vi], solidFrom[vi + 1]);
                int hi = Math.min(solidTo[vi], solidTo[vi + 1]) - 1;
                if (lo < hi) {
                    long uLo = (long) lo << 16;
                    long uHi = (long) hi << 16; // u < uHi
                    long first;
                    long last; // exclusive
                    if (du > 0) {
                        first = Math.max(x, ceilDiv(uLo - u, du));
                        last = Math.min(end, ceilDiv(uHi - u, du));
                    } else if (du < 0) {
                        first = Math.max(x, Math.floorDiv(uHi - u, (long) du) + 1);
                        last = Math.min(end, Math.floorDiv(uLo - u, (long) du) + 1);
                    } else {
                        first = u >= uLo && u < uHi ? x : end;
                        last = end;
                    }
                    if (first < last) {
                        a = (int) first;
                        b = (int) last;
                    }
                }
            }
            if (a < b) {
                if (x < a) {
                    row(target, rowStart, x, a, u + x * du, vx, du, dv);
                }
                if (top == bottom) {
                    fillOver(target, rowStart + a, rowStart + b, lut[top]);
                } else {
                    between(target, rowStart, a, b, v + a * dv, dv, top, bottom);
                }
                if (b < end) {
                    row(target, rowStart, b, end, u + b * du, v + b * dv, du, dv);
                }
            } else {
                row(target, rowStart, x, end, u + x * du, vx, du, dv);
            }
            x = end;
        }
    }

    /**
     * Pixels {@code [from, to)} after {@code rowStart} whose bilinear sample lies within two mask rows' flat runs of
     * different values, {@code top} in the upper row and {@code bottom} in the lower ({@code v} the first pixel's mask
     * row position, all of them in the same two rows): the four mask pixels are {@code top, top, bottom, bottom}, so
     * {@link #row}'s bilinear sample {@code (256 top (256 − fy) + 256 bottom fy + 32768) >> 16} is exactly
     * {@code (256 top + (bottom − top) fy + 128) >> 8}, with no mask read. A blurred straight edge along the rows
     * (the top and bottom of a card) is such rows, one value each.
     */
    private void between(int[] target, int rowStart, int from, int to, int v, int dv, int top, int bottom) {
        int[] lut = this.lut;
        int base = 256 * top + 128;
        int d = bottom - top;
        for (int x = from; x < to; x++, v += dv) {
            int src = lut[(base + d * ((v >> 8) & 0xff)) >> 8];
            if (src != 0) {
                target[rowStart + x] = over(src, target[rowStart + x]);
            }
        }
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** Source-over of the one colour {@code src} onto {@code target[from, to)}, by {@link #over}. */
    static void fillOver(int[] target, int from, int to, int src) {
        int sa = src >>> 24;
        if (sa == 255) {
            Arrays.fill(target, from, to, src);
            return;
        }
        if (src == 0) {
            return;
        }
        for (int i = from; i < to; i++) {
            target[i] = over(src, target[i]);
        }
    }

    /** One row of {@link #draw}: pixels {@code [from, to)} after {@code rowStart}, mask position {@code (u, v)}. */
    private void row(int[] target, int rowStart, int from, int to, int u, int v, int du, int dv) {
        int[] lut = this.lut;
        byte[] mask = this.mask;
        int mw = this.mw;
        int mh = this.mh;
        int uMax = (mw - 1) << 16;
        int vMax = (mh - 1) << 16;
        for (int x = from; x < to; x++, u += du, v += dv) {
            int a;
            if (u >= 0 && v >= 0 && u < uMax && v < vMax) {
                int i = (v >> 16) * mw + (u >> 16);
                int a00 = mask[i] & 0xff;
                int a10 = mask[i + 1] & 0xff;
                int a01 = mask[i + mw] & 0xff;
                int a11 = mask[i + mw + 1] & 0xff;
                if ((a00 | a10 | a01 | a11) == 0) {
                    continue;
                }
                if (a00 == a10 && a00 == a01 && a00 == a11) {
                    a = a00; // inside the shadow or its flat parts: nothing to interpolate
                } else {
                    int fx = (u >> 8) & 0xff;
                    int fy = (v >> 8) & 0xff;
                    int top = a00 * (256 - fx) + a10 * fx;
                    int bottom = a01 * (256 - fx) + a11 * fx;
                    a = (top * (256 - fy) + bottom * fy + 32768) >> 16;
                }
            } else {
                // Outside the mask is transparent: its margin (3 sigma) already fades to nothing.
                int ui = u >> 16;
                int vi = v >> 16;
                int fx = (u >> 8) & 0xff;
                int fy = (v >> 8) & 0xff;
                int top = sample(mask, mw, mh, ui, vi) * (256 - fx) + sample(mask, mw, mh, ui + 1, vi) * fx;
                int bottom = sample(mask, mw, mh, ui, vi + 1) * (256 - fx) + sample(mask, mw, mh, ui + 1, vi + 1) * fx;
                a = (top * (256 - fy) + bottom * fy + 32768) >> 16;
            }
            int src = lut[a];
            if (src != 0) {
                target[rowStart + x] = over(src, target[rowStart + x]);
            }
        }
    }

    private static int sample(byte[] mask, int mw, int mh, int x, int y) {
        return x < 0 || y < 0 || x >= mw || y >= mh ? 0 : mask[y * mw + x] & 0xff;
    }

    /**
     * Premultiplied source-over of {@code src} onto {@code dst}, each channel of {@code dst} scaled by
     * {@code round((255 − srcAlpha) × c / 255)} as Java2D's blit rounds it; red with blue and alpha with green are
     * scaled together, two channels to a multiply (each product fits its 16 bits).
     */
    static int over(int src, int dst) {
        int sa = src >>> 24;
        if (sa == 255) {
            return src;
        }
        int f = 255 - sa;
        int rb = (dst & 0xff00ff) * f + 0x800080;
        rb = ((rb + ((rb >>> 8) & 0xff00ff)) >>> 8) & 0xff00ff;
        int ag = ((dst >>> 8) & 0xff00ff) * f + 0x800080;
        ag = (ag + ((ag >>> 8) & 0xff00ff)) & 0xff00ff00;
        // A premultiplied source's channels never exceed its alpha, so no channel carries into the next.
        return src + (rb | ag);
    }
}
