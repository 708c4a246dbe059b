package dev.kiln.render.scene;

import dev.kiln.render.CancellationSignal;
import dev.kiln.render.internal.FrameSequence;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scene's frames for one video job, with what does not change between frames drawn once, on the first frame, and
 * kept (docs/video.md, "Frame cache"):
 *
 * <ul>
 *   <li>the background and the static layers below the first animated one: one frame-sized image, copied into each
 *       frame as its start;
 *   <li>each later run of static layers (between two animated ones, or above the last): one image of the run's bounds,
 *       blended over the frame at its place in the stack. A static layer above an animated one is never merged with
 *       the layers below it: each run keeps its own place in the z-order;
 *   <li>the blurred shadow of an animated layer that only moves or turns ({@link CachedShadow}).
 * </ul>
 *
 * Animated layers are drawn afresh each frame. What would not fit in the cache's bytes is drawn afresh too, so a frame
 * never needs more than the job was admitted with. The kept images belong to this job only; frames of the job drawn on
 * several threads at once share them read-only (built once under a lock).
 *
 * <p>Frames equal {@link Scene#draw}'s within {@link #TOLERANCE} per 8-bit channel: blending a run drawn apart rounds
 * differently from drawing its layers one by one on the frame, and a kept shadow differs as {@link CachedShadow}
 * says; the background and the static layers below the first animated one are pixel-identical.
 */
final class SceneSequence implements FrameSequence {
    /**
     * Largest difference per 8-bit premultiplied channel between a frame with the cache and without it (3 % of full
     * scale), in a kept shadow only. Measured (SceneSequenceTest): 1 from blending a run drawn apart and from the
     * animated card's turning panel shadow; up to 6 for rect and ellipse shadows turned all the way round (the three
     * box passes of the blur are not exactly isotropic, most visibly at a sharp corner); 0 for moved text shadows.
     * Text, paths and images that turn have their shadow drawn afresh (see {@link CachedShadow#eligible}).
     */
    static final int TOLERANCE = 8;

    private static final ColorModel ARGB_PRE = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB_PRE).getColorModel();
    private static final int[] MASKS = {0xff0000, 0xff00, 0xff, 0xff000000};

    private final Scene scene;
    private final int width;
    private final int height;
    private final long cacheBytes;
    private volatile Plan plan;

    SceneSequence(Scene scene, int width, int height, long cacheBytes) {
        this.scene = scene;
        this.width = width;
        this.height = height;
        this.cacheBytes = cacheBytes;
    }

    /** One part of the layer stack, bottom first. */
    private sealed interface Step {}

    /** Layers drawn afresh each frame; the first step also paints the background when no base image keeps it. */
    private record Live(List<Layer> layers, boolean background) implements Step {}

    /**
     * A run of static layers drawn once: premultiplied ARGB pixels {@code w × h} to blend at {@code (x, y)}, and where
     * they are not transparent: {@code runs} holds, per stretch of a row holding every non-zero pixel of it (stretches
     * closer than {@link #RUN_GAP} pixels joined), its row, first column and end column, three ints a stretch. Text
     * and small shapes leave most of their bounding box transparent; the blend visits only the stretches.
     */
    private record Overlay(int[] pixels, int x, int y, int w, int h, int[] runs) implements Step {}

    /** Transparent pixels between two stretches of an overlay's row below which they are blended as one. */
    static final int RUN_GAP = 16;

    /**
     * What a frame is made of.
     *
     * @param base the frame's start (background and the static layers below the first animated one), or null
     * @param steps the rest of the stack, bottom first
     * @param shadows the kept shadows of animated top-level layers, by identity
     * @param bytes what all of it keeps
     */
    private record Plan(int[] base, List<Step> steps, Map<Layer, CachedShadow> shadows, long bytes) {}

    @Override
    public long cachedBytes() {
        Plan p = plan;
        return p == null ? 0 : p.bytes();
    }

    @Override
    public BufferedImage draw(double timeMs, CancellationSignal cancel) {
        return draw(timeMs, cancel, null);
    }

    @Override
    public BufferedImage draw(double timeMs, CancellationSignal cancel, int[] reuse) {
        Plan p = plan(cancel);
        int n = width * height;
        int[] dst;
        boolean recycled = reuse != null && reuse.length == n;
        if (p.base() != null) {
            // A copy of the base, not a zeroed frame written over: one pass over the pixels instead of two.
            if (recycled) {
                System.arraycopy(p.base(), 0, reuse, 0, n);
                dst = reuse;
            } else {
                dst = p.base().clone();
            }
        } else if (recycled) {
            java.util.Arrays.fill(reuse, 0);
            dst = reuse;
        } else {
            dst = new int[n];
        }
        BufferedImage image = new BufferedImage(
                ARGB_PRE,
                Raster.createPackedRaster(new DataBufferInt(dst, dst.length), width, height, width, MASKS, null),
                /* isRasterPremultiplied= */ true,
                null);
        Rectangle surface = new Rectangle(0, 0, width, height);
        Graphics2D g = null;
        try {
            for (Step step : p.steps()) {
                cancel.throwIfCancelled();
                switch (step) {
                    case Live live -> {
                        if (g == null) {
                            g = graphics(image);
                        }
                        if (live.background()) {
                            scene.paintBackground(g);
                        }
                        new Painter(timeMs, cancel, p.shadows(), dst, width, height).drawAll(g, surface, live.layers());
                    }
                    case Overlay o -> blend(o, dst);
                }
            }
        } finally {
            if (g != null) {
                g.dispose();
            }
        }
        return image;
    }

    private Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        Painter.hints(g);
        // As Scene.draw: the whole scene scaled, so vectors and text are rasterised at the output size.
        g.scale((double) width / scene.width(), (double) height / scene.height());
        return g;
    }

    private void blend(Overlay o, int[] dst) {
        int[] src = o.pixels();
        int[] runs = o.runs();
        // Only the stretches holding non-zero pixels: the same pixels as visiting the whole box (a transparent source
        // leaves its destination as it is).
        for (int r = 0; r < runs.length; r += 3) {
            int y = runs[r];
            int s = y * o.w();
            int d = (o.y() + y) * width + o.x();
            for (int x = runs[r + 1], end = runs[r + 2]; x < end; x++) {
                int px = src[s + x];
                if (px != 0) {
                    dst[d + x] = CachedShadow.over(px, dst[d + x]);
                }
            }
        }
    }

    /** {@link Overlay#runs} of {@code w × h} pixels. */
    static int[] runs(int[] px, int w, int h) {
        int[] runs = new int[48];
        int n = 0;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int x = 0;
            while (x < w) {
                while (x < w && px[row + x] == 0) {
                    x++;
                }
                if (x == w) {
                    break;
                }
                int from = x;
                int end = x;
                // Extend over gaps shorter than RUN_GAP: end is one past the last non-zero pixel seen.
                while (x < w && x - end < RUN_GAP) {
                    if (px[row + x] != 0) {
                        end = x + 1;
                    }
                    x++;
                }
                if (n + 3 > runs.length) {
                    runs = java.util.Arrays.copyOf(runs, 2 * runs.length);
                }
                runs[n++] = y;
                runs[n++] = from;
                runs[n++] = end;
            }
        }
        return java.util.Arrays.copyOf(runs, n);
    }

    private Plan plan(CancellationSignal cancel) {
        Plan p = plan;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (plan == null) {
                plan = build(cancel);
            }
            return plan;
        }
    }

    /** Whether {@code layer} or anything in it changes with time. */
    static boolean animated(Layer layer) {
        if (!layer.common().tracks().isEmpty()) {
            return true;
        }
        return layer instanceof Layer.Group g && g.layers().stream().anyMatch(SceneSequence::animated);
    }

    private Plan build(CancellationSignal cancel) {
        long frameBytes = 4L * width * height;
        long left = cacheBytes;
        long kept = 0;
        // Static layers look the same at any time; draw them at 0.
        Painter still = new Painter(0, cancel);
        AffineTransform device =
                AffineTransform.getScaleInstance((double) width / scene.width(), (double) height / scene.height());
        List<Layer> layers = scene.layers();
        int i = 0;
        while (i < layers.size() && !animated(layers.get(i))) {
            i++;
        }
        List<Step> steps = new ArrayList<>();
        int[] base = null;
        boolean anyBase = scene.background() != null || i > 0;
        if (anyBase && frameBytes <= left) {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB_PRE);
            Graphics2D g = graphics(img);
            try {
                scene.paintBackground(g);
                still.drawAll(g, new Rectangle(0, 0, width, height), layers.subList(0, i));
            } finally {
                g.dispose();
            }
            base = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
            left -= frameBytes;
            kept += frameBytes;
        } else if (anyBase) {
            steps.add(new Live(layers.subList(0, i), /* background= */ true));
        }
        Map<Layer, CachedShadow> shadows = new IdentityHashMap<>();
        while (i < layers.size()) {
            int from = i;
            boolean moving = animated(layers.get(i));
            while (i < layers.size() && animated(layers.get(i)) == moving) {
                i++;
            }
            List<Layer> run = layers.subList(from, i);
            if (moving) {
                for (Layer layer : run) {
                    if (CachedShadow.eligible(layer)) {
                        CachedShadow s = CachedShadow.build(still, layer, device, left);
                        if (s != null) {
                            shadows.put(layer, s);
                            left -= s.bytes();
                            kept += s.bytes();
                        }
                    }
                }
                addLive(steps, run);
                continue;
            }
            Overlay o = overlay(still, device, run, left);
            long bytes = o == null ? 0 : 4L * (o.pixels().length + o.runs().length);
            if (o == null || bytes > left) {
                addLive(steps, run);
            } else {
                steps.add(o);
                left -= bytes;
                kept += bytes;
            }
        }
        return new Plan(base, List.copyOf(steps), Collections.unmodifiableMap(shadows), kept);
    }

    /** Appends {@code run} to the last step when that is drawn afresh too, so one painter pass draws both. */
    private static void addLive(List<Step> steps, List<Layer> run) {
        if (!steps.isEmpty() && steps.getLast() instanceof Live last) {
            List<Layer> joined = new ArrayList<>(last.layers());
            joined.addAll(run);
            steps.set(steps.size() - 1, new Live(joined, last.background()));
        } else {
            steps.add(new Live(run, /* background= */ false));
        }
    }

    /**
     * Draws a run of static layers apart, within its painted bounds, and keeps the smallest rectangle holding all its
     * pixels; null when the run paints nothing on the frame or its bounds take more than {@code maxBytes}.
     */
    private Overlay overlay(Painter still, AffineTransform device, List<Layer> run, long maxBytes) {
        Rectangle r = device.createTransformedShape(still.contentBounds(run)).getBounds();
        r.grow(2, 2);
        r = r.intersection(new Rectangle(0, 0, width, height));
        if (r.isEmpty() || 4L * r.width * r.height > maxBytes) {
            return null;
        }
        BufferedImage img = new BufferedImage(r.width, r.height, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = img.createGraphics();
        try {
            Painter.hints(g);
            g.translate(-r.x, -r.y);
            g.transform(device);
            // Its own surface: device space starts at its top-left pixel, as for a group's offscreen.
            still.drawAll(g, new Rectangle(0, 0, r.width, r.height), run);
        } finally {
            g.dispose();
        }
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        int x0 = r.width;
        int y0 = r.height;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < r.height; y++) {
            for (int x = 0; x < r.width; x++) {
                if (px[y * r.width + x] != 0) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = y;
                }
            }
        }
        if (x1 < 0) {
            return new Overlay(new int[0], r.x, r.y, 0, 0, new int[0]);
        }
        int w = x1 - x0 + 1;
        int h = y1 - y0 + 1;
        int[] crop = new int[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(px, (y0 + y) * r.width + x0, crop, y * w, w);
        }
        return new Overlay(crop, r.x + x0, r.y + y0, w, h, runs(crop, w, h));
    }
}
