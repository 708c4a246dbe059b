package dev.kiln.render.scene;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Set;

/**
 * The content of a layer that only moves during a video (the card's drifting glow), drawn once and kept by the video's
 * frame cache ({@link SceneSequence}): each frame blends the kept raster at the frame's offset, by whole pixels as it
 * is and by a fraction of a pixel bilinearly, instead of drawing the layer (a radial gradient, say) again.
 *
 * <p>Bilinear placement is only as good as the content is smooth at the pixel scale: it would blur a hard
 * anti-aliased edge by up to an eighth of its contrast. So a layer is kept only when it passes a check at build time:
 * the layer drawn half a pixel right and down must equal the kept raster placed there within {@link #CHECK_TOLERANCE}
 * per channel (half a pixel each way is where bilinear placement is furthest from a fresh draw). A hard-edged layer
 * fails it and is drawn afresh each frame.
 *
 * <p>Immutable once built; frames drawn by several threads of one video read it at once.
 */
final class CachedSprite {
    /** Largest difference per 8-bit channel the build-time check allows (the frame cache's is 8). */
    static final int CHECK_TOLERANCE = 2;
    /** The only properties a kept layer may animate: the raster moves with them. */
    private static final Set<Prop> MOTION = Set.of(Prop.X, Prop.Y);

    private final int[] pixels;
    private final int w;
    private final int h;
    /** Where the raster's top-left pixel lies in device space at the reference time. */
    private final int ox;

    private final int oy;
    /** The frame's device transform at the reference time (the layer's parent: the scene scaled to the output). */
    private final AffineTransform device;

    private final double refX;
    private final double refY;

    private CachedSprite(int[] pixels, int w, int h, int ox, int oy, AffineTransform device, double refX, double refY) {
        this.pixels = pixels;
        this.w = w;
        this.h = h;
        this.ox = ox;
        this.oy = oy;
        this.device = device;
        this.refX = refX;
        this.refY = refY;
    }

    /**
     * Whether {@code layer}'s content may be kept: a non-group layer that animates its position and nothing else (a
     * moved layer's content is the same pixels moved: its rotation, scale and gradients go with it).
     */
    static boolean eligible(Layer layer) {
        Layer.Common c = layer.common();
        return !(layer instanceof Layer.Group)
                && c.opacity() > 0
                && !c.tracks().isEmpty()
                && MOTION.containsAll(c.tracks().keySet());
    }

    /**
     * Draws {@code layer}'s content once at {@code reference}'s time in the frame {@code device}, and checks it; null
     * when it would take more than {@code maxBytes} while made (two rasters) or fails the check.
     */
    static CachedSprite build(Painter reference, Layer layer, AffineTransform device, long maxBytes) {
        Rectangle box = device.createTransformedShape(
                        reference.localTransform(layer).createTransformedShape(reference.ownBounds(layer)))
                .getBounds();
        box.grow(2, 2);
        if (box.isEmpty() || 8L * box.width * box.height > maxBytes) {
            return null;
        }
        int[] kept = paint(reference, layer, device, box, 0);
        int[] shifted = paint(reference, layer, device, box, 0.5);
        int[] placed = new int[kept.length];
        CachedSprite sprite = new CachedSprite(
                kept,
                box.width,
                box.height,
                box.x,
                box.y,
                new AffineTransform(device),
                reference.positionX(layer),
                reference.positionY(layer));
        sprite.blend(placed, box.width, box.height, new Rectangle(0, 0, box.width, box.height), 0, 0, 128, 128);
        for (int i = 0; i < kept.length; i++) {
            int a = placed[i];
            int b = shifted[i];
            for (int shift = 0; shift < 32; shift += 8) {
                if (Math.abs(((a >>> shift) & 0xff) - ((b >>> shift) & 0xff)) > CHECK_TOLERANCE) {
                    return null;
                }
            }
        }
        return sprite;
    }

    /** The layer's content, drawn as Painter draws it, into a raster of {@code box} moved by {@code shift} pixels. */
    private static int[] paint(Painter reference, Layer layer, AffineTransform device, Rectangle box, double shift) {
        BufferedImage img = new BufferedImage(box.width, box.height, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = img.createGraphics();
        try {
            Painter.hints(g);
            g.translate(shift - box.x, shift - box.y);
            g.transform(device);
            g.transform(reference.localTransform(layer));
            double opacity = Math.min(1, layer.common().opacity());
            if (opacity < 1) {
                g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) opacity));
            }
            reference.paintContent(g, new Rectangle(0, 0, box.width, box.height), layer);
        } finally {
            g.dispose();
        }
        return ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    }

    /** Bytes this sprite keeps. */
    long bytes() {
        return 4L * pixels.length;
    }

    /**
     * Blends the kept content into {@code target} ({@code width × height} premultiplied ARGB, its device space its
     * pixel space) for a frame whose layer sits in {@code parent} (the transform the layer's own is applied in) and
     * has moved to {@code (x, y)} in its own coordinates; only within {@code surface}. Returns false, drawing nothing,
     * when {@code parent} is not the reference frame's: the caller then draws the layer afresh.
     */
    boolean draw(int[] target, int width, int height, Rectangle surface, AffineTransform parent, double x, double y) {
        if (!parent.equals(device)) {
            return false;
        }
        Point2D d = device.deltaTransform(new Point2D.Double(x - refX, y - refY), null);
        // 8-bit fractions, as the shadow's sampler: a placement error of at most 1/512 pixel.
        long px = Math.round(d.getX() * 256);
        long py = Math.round(d.getY() * 256);
        if (Math.abs(px) > 1L << 40 || Math.abs(py) > 1L << 40) {
            return true; // far off the frame
        }
        int fx = (int) (px & 0xff);
        int fy = (int) (py & 0xff);
        long ix = px >> 8;
        long iy = py >> 8;
        Rectangle clip = surface.intersection(new Rectangle(0, 0, width, height));
        long x0 = ox + ix;
        long y0 = oy + iy;
        if (x0 >= clip.x + clip.width || y0 >= clip.y + clip.height || x0 + w + 1 <= clip.x || y0 + h + 1 <= clip.y) {
            return true;
        }
        blend(target, width, height, clip, (int) x0, (int) y0, fx, fy);
        return true;
    }

    /**
     * Blends the raster with its top-left pixel at {@code (x0, y0)} plus {@code (fx, fy) / 256} of a pixel: output
     * pixel {@code X} takes {@code (1 − fx) × raster[X − x0] + fx × raster[X − x0 − 1]}, likewise down.
     */
    private void blend(int[] target, int width, int height, Rectangle clip, int x0, int y0, int fx, int fy) {
        int xa = Math.max(clip.x, x0);
        int xb = Math.min(clip.x + clip.width, x0 + w + (fx == 0 ? 0 : 1));
        int ya = Math.max(clip.y, y0);
        int yb = Math.min(clip.y + clip.height, y0 + h + (fy == 0 ? 0 : 1));
        for (int y = ya; y < yb; y++) {
            int sy = y - y0;
            int row = y * width;
            for (int x = xa; x < xb; x++) {
                int sx = x - x0;
                int p = fx == 0 ? at(sx, sy) : lerp(at(sx, sy), at(sx - 1, sy), fx);
                if (fy != 0) {
                    int q = fx == 0 ? at(sx, sy - 1) : lerp(at(sx, sy - 1), at(sx - 1, sy - 1), fx);
                    p = lerp(p, q, fy);
                }
                if (p != 0) {
                    target[row + x] = CachedShadow.over(p, target[row + x]);
                }
            }
        }
    }

    private int at(int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : pixels[y * w + x];
    }

    /** {@code (256 − f) / 256 × p + f / 256 × q}, per premultiplied channel, rounded; two channels to a multiply. */
    private static int lerp(int p, int q, int f) {
        if (p == q) {
            return p;
        }
        int g = 256 - f;
        int rb = ((p & 0xff00ff) * g + (q & 0xff00ff) * f + 0x800080) >>> 8 & 0xff00ff;
        int ag = (((p >>> 8) & 0xff00ff) * g + ((q >>> 8) & 0xff00ff) * f + 0x800080) & 0xff00ff00;
        return rb | ag;
    }
}
