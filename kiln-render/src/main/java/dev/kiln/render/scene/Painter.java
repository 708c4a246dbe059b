package dev.kiln.render.scene;

import dev.kiln.render.CancellationSignal;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.List;
import java.util.Map;

/** Draws layers at one time {@code t}. One instance per draw call; holds no shared mutable state. */
final class Painter {
    private final double t;
    private final CancellationSignal cancel;
    /** Top-level layers whose blurred shadow a video's frame cache keeps (identity keys), read only. */
    private final Map<Layer, CachedShadow> shadows;
    /** The frame's pixels (device space = pixel space), where cached shadows are drawn; null without a cache. */
    private final int[] target;

    private final int targetWidth;
    private final int targetHeight;

    Painter(double t, CancellationSignal cancel) {
        this(t, cancel, Map.of(), null, 0, 0);
    }

    Painter(
            double t,
            CancellationSignal cancel,
            Map<Layer, CachedShadow> shadows,
            int[] target,
            int targetWidth,
            int targetHeight) {
        this.t = t;
        this.cancel = cancel;
        this.shadows = shadows;
        this.target = target;
        this.targetWidth = targetWidth;
        this.targetHeight = targetHeight;
    }

    static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_ALPHA_INTERPOLATION, RenderingHints.VALUE_ALPHA_INTERPOLATION_QUALITY);
    }

    /**
     * Draws {@code layers} onto {@code g}, whose surface (in device pixels) is {@code surface}. The surface is
     * passed explicitly because a BufferedImage's Graphics2D reports unbounded device bounds.
     */
    void drawAll(Graphics2D g, Rectangle surface, List<Layer> layers) {
        for (Layer layer : layers) {
            cancel.throwIfCancelled();
            draw(g, surface, layer);
        }
    }

    private void draw(Graphics2D g, Rectangle surface, Layer layer) {
        Layer.Common c = layer.common();
        double opacity = clamp01(c.number(Prop.OPACITY, c.opacity(), t));
        if (opacity <= 0) {
            return;
        }
        AffineTransform savedTransform = g.getTransform();
        Composite savedComposite = g.getComposite();
        try {
            g.transform(localTransform(layer));
            if (layer instanceof Layer.Group group) {
                drawGroup(g, surface, group, opacity);
                return;
            }
            if (c.shadow() != null) {
                CachedShadow cached = target == null ? null : shadows.get(layer);
                if (cached == null
                        || !cached.draw(
                                target,
                                targetWidth,
                                targetHeight,
                                surface,
                                g.getTransform(),
                                c.number(Prop.X, CachedShadow.baseX(layer), t) - cached.refX(),
                                c.number(Prop.Y, CachedShadow.baseY(layer), t) - cached.refY())) {
                    drawShadow(g, surface, layer, c.shadow(), opacity);
                }
            }
            if (opacity < 1) {
                g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) opacity));
            }
            paintContent(g, surface, layer);
        } finally {
            g.setTransform(savedTransform);
            g.setComposite(savedComposite);
        }
    }

    private void drawGroup(Graphics2D g, Rectangle surface, Layer.Group group, double opacity) {
        if (opacity >= 1) {
            drawAll(g, surface, group.layers());
            return;
        }
        // Group opacity applies to the composited group, so overlapping children do not show through
        // each other: draw them into an offscreen layer, then blend that once.
        Rectangle device = g.getTransform()
                .createTransformedShape(contentBounds(group.layers()))
                .getBounds()
                .intersection(surface);
        if (device.isEmpty()) {
            return;
        }
        BufferedImage offscreen = new BufferedImage(device.width, device.height, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D og = offscreen.createGraphics();
        try {
            hints(og);
            og.translate(-device.x, -device.y);
            og.transform(g.getTransform());
            // The offscreen is its own surface: its device space starts at its top-left pixel.
            drawAll(og, new Rectangle(0, 0, device.width, device.height), group.layers());
        } finally {
            og.dispose();
        }
        g.setTransform(new AffineTransform());
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) opacity));
        g.drawImage(offscreen, device.x, device.y, null);
    }

    private void drawShadow(Graphics2D g, Rectangle surface, Layer layer, Layer.Shadow shadow, double opacity) {
        AffineTransform at = g.getTransform();
        double sigma = shadow.blur() / 2 * Math.sqrt(Math.abs(at.getDeterminant()));
        int margin = (int) Math.ceil(3 * sigma) + 2;
        Point2D offset = at.deltaTransform(new Point2D.Double(shadow.dx(), shadow.dy()), null);
        int ox = (int) Math.round(offset.getX());
        int oy = (int) Math.round(offset.getY());
        Rectangle device = at.createTransformedShape(ownBounds(layer)).getBounds();
        device.grow(margin, margin);
        // Only the part that lands on the surface once shifted by the offset is worth blurring.
        Rectangle reach = new Rectangle(surface.x - ox, surface.y - oy, surface.width, surface.height);
        reach.grow(margin, margin);
        device = device.intersection(reach);
        if (device.isEmpty()) {
            return;
        }
        // A wide blur removes all fine detail, so the mask is drawn and blurred at 1/k resolution (σ stays
        // about 4 mask pixels) and scaled back up: k² less work for the same look, and a bounded mask even
        // for a huge blur on an upscaled render.
        int k = (int) Math.max(1, Math.floor(sigma / 4));
        int mw = (device.width + k - 1) / k;
        int mh = (device.height + k - 1) / k;
        BufferedImage mask = new BufferedImage(mw, mh, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D mg = mask.createGraphics();
        try {
            hints(mg);
            mg.scale(1.0 / k, 1.0 / k);
            mg.translate(-device.x, -device.y);
            mg.transform(at);
            paintContent(mg, new Rectangle(0, 0, mw, mh), layer);
        } finally {
            mg.dispose();
        }
        int[] argb = ((DataBufferInt) mask.getRaster().getDataBuffer()).getData();
        int[] alpha = new int[argb.length];
        for (int i = 0; i < argb.length; i++) {
            alpha[i] = argb[i] >>> 24;
        }
        Blur.gaussian(alpha, mw, mh, sigma / k);
        Color c = shadow.color();
        int[] lut = Blur.tintTable(c.getRed(), c.getGreen(), c.getBlue(), c.getAlpha());
        // Tint into a full-size premultiplied image: drawing it untransformed is a plain blit, several
        // times faster than Java2D's scaled drawImage.
        // Only the part of the shadow that lands on the surface is materialised.
        Rectangle visible =
                new Rectangle(device.x + ox, device.y + oy, device.width, device.height).intersection(surface);
        if (visible.isEmpty()) {
            return;
        }
        BufferedImage shadowImage = new BufferedImage(visible.width, visible.height, BufferedImage.TYPE_INT_ARGB_PRE);
        int[] out = ((DataBufferInt) shadowImage.getRaster().getDataBuffer()).getData();
        Blur.upscale(
                alpha,
                mw,
                mh,
                k,
                lut,
                out,
                visible.x - ox - device.x,
                visible.y - oy - device.y,
                visible.width,
                visible.height);
        AffineTransform saved = g.getTransform();
        Composite savedComposite = g.getComposite();
        try {
            g.setTransform(new AffineTransform());
            if (opacity < 1) {
                g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) opacity));
            }
            g.drawImage(shadowImage, visible.x, visible.y, null);
        } finally {
            g.setTransform(saved);
            g.setComposite(savedComposite);
        }
    }

    void paintContent(Graphics2D g, Rectangle surface, Layer layer) {
        switch (layer) {
            case Layer.Shape s -> paintShape(g, s);
            case Layer.Text text -> paintText(g, text);
            case Layer.Image image -> paintImage(g, image);
            case Layer.Group group -> drawAll(g, surface, group.layers());
        }
    }

    private void paintShape(Graphics2D g, Layer.Shape s) {
        Layer.Common c = s.common();
        java.awt.Shape shape;
        Rectangle2D box;
        if (s.kind() == Layer.ShapeKind.PATH) {
            double x = c.number(Prop.X, s.x(), t);
            double y = c.number(Prop.Y, s.y(), t);
            g.translate(x, y);
            shape = s.path();
            box = s.path().getBounds2D();
        } else {
            box = box(s.common(), s.x(), s.y(), s.width(), s.height());
            if (s.kind() == Layer.ShapeKind.ELLIPSE) {
                shape = new Ellipse2D.Double(box.getX(), box.getY(), box.getWidth(), box.getHeight());
            } else {
                double r = Math.max(0, c.number(Prop.RADIUS, s.radius(), t));
                r = Math.min(r, Math.min(box.getWidth(), box.getHeight()) / 2);
                shape = r > 0
                        ? new RoundRectangle2D.Double(
                                box.getX(), box.getY(), box.getWidth(), box.getHeight(), 2 * r, 2 * r)
                        : box;
            }
        }
        if (s.fill() != null) {
            if (s.fill() instanceof Fill.Solid solid) {
                g.setPaint(c.color(Prop.FILL, solid.color(), t));
            } else {
                g.setPaint(s.fill().paint(box));
            }
            g.fill(shape);
        }
        if (s.stroke() != null && s.stroke().width() > 0) {
            g.setPaint(c.color(Prop.STROKE_COLOR, s.stroke().color(), t));
            g.setStroke(basicStroke(s.stroke()));
            g.draw(shape);
        }
    }

    private static BasicStroke basicStroke(Layer.Stroke stroke) {
        float[] dash = null;
        if (!stroke.dash().isEmpty()) {
            dash = new float[stroke.dash().size()];
            for (int i = 0; i < dash.length; i++) {
                dash[i] = stroke.dash().get(i).floatValue();
            }
        }
        return new BasicStroke((float) stroke.width(), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }

    private TextLayout.Lines layout(Layer.Text text) {
        Layer.Common c = text.common();
        double size = Math.max(1, c.number(Prop.FONT_SIZE, text.fontSize(), t));
        double width = Math.max(0, c.number(Prop.WIDTH, text.width(), t));
        double height = Double.isNaN(text.height()) ? Double.NaN : Math.max(0, c.number(Prop.HEIGHT, text.height(), t));
        if (size == text.fontSize() && width == text.width() && (Double.isNaN(height) || height == text.height())) {
            return text.layout();
        }
        return TextLayout.layout(text.text(), text.font(), size, width, text.lineHeight(), text.maxLines(), height);
    }

    private void paintText(Graphics2D g, Layer.Text text) {
        Layer.Common c = text.common();
        TextLayout.Lines lines = layout(text);
        double x = c.number(Prop.X, text.x(), t);
        double y = c.number(Prop.Y, text.y(), t);
        double width = Math.max(0, c.number(Prop.WIDTH, text.width(), t));
        Font font = lines.font();
        g.setFont(font);
        g.setPaint(c.color(Prop.COLOR, text.color(), t));
        double lh = lines.lineHeight();
        // Centre the glyph box (ascent + descent) within each line box, as CSS line-height does.
        double baseline = y + (lh - (lines.ascent() + lines.descent())) / 2 + lines.ascent();
        for (int i = 0; i < lines.lines().size(); i++) {
            String line = lines.lines().get(i);
            if (line.isEmpty()) {
                continue;
            }
            double lw = lines.widths().get(i);
            double lx =
                    switch (text.align()) {
                        case LEFT -> x;
                        case CENTER -> x + (width - lw) / 2;
                        case RIGHT -> x + width - lw;
                    };
            g.drawString(line, (float) lx, (float) (baseline + i * lh));
        }
    }

    private void paintImage(Graphics2D g, Layer.Image layer) {
        Rectangle2D box = box(layer.common(), layer.x(), layer.y(), layer.width(), layer.height());
        BufferedImage img = layer.image();
        int iw = img.getWidth();
        int ih = img.getHeight();
        if (box.getWidth() <= 0 || box.getHeight() <= 0) {
            return;
        }
        if (layer.cover()) {
            // Crop the source to the box's aspect ratio rather than clipping: Java2D clips are not antialiased.
            double scale = Math.max(box.getWidth() / iw, box.getHeight() / ih);
            int cw = (int) Math.max(1, Math.min(iw, Math.round(box.getWidth() / scale)));
            int ch = (int) Math.max(1, Math.min(ih, Math.round(box.getHeight() / scale)));
            BufferedImage crop = img.getSubimage((iw - cw) / 2, (ih - ch) / 2, cw, ch);
            AffineTransform at = new AffineTransform();
            at.translate(box.getX(), box.getY());
            at.scale(box.getWidth() / cw, box.getHeight() / ch);
            g.drawImage(crop, at, null);
        } else {
            double scale = Math.min(box.getWidth() / iw, box.getHeight() / ih);
            double dw = iw * scale;
            double dh = ih * scale;
            AffineTransform at = new AffineTransform();
            at.translate(box.getX() + (box.getWidth() - dw) / 2, box.getY() + (box.getHeight() - dh) / 2);
            at.scale(scale, scale);
            g.drawImage(img, at, null);
        }
    }

    private Rectangle2D box(Layer.Common c, double x, double y, double w, double h) {
        return new Rectangle2D.Double(
                c.number(Prop.X, x, t),
                c.number(Prop.Y, y, t),
                Math.max(0, c.number(Prop.WIDTH, w, t)),
                Math.max(0, c.number(Prop.HEIGHT, h, t)));
    }

    /** The layer's own rotation/scale about its centre, or a group's transform. */
    AffineTransform localTransform(Layer layer) {
        Layer.Common c = layer.common();
        AffineTransform at = new AffineTransform();
        if (layer instanceof Layer.Group g) {
            double scale = c.number(Prop.SCALE, Double.NaN, t);
            double sx = Double.isNaN(scale) ? g.sx() : scale;
            double sy = Double.isNaN(scale) ? g.sy() : scale;
            at.translate(c.number(Prop.X, g.tx(), t), c.number(Prop.Y, g.ty(), t));
            at.translate(g.ox(), g.oy());
            at.rotate(Math.toRadians(c.number(Prop.ROTATION, g.rotation(), t)));
            at.scale(sx, sy);
            at.translate(-g.ox(), -g.oy());
            return at;
        }
        double rotation = c.number(Prop.ROTATION, c.rotation(), t);
        double scale = c.number(Prop.SCALE, c.scale(), t);
        if (rotation == 0 && scale == 1) {
            return at;
        }
        Rectangle2D b = geometryBounds(layer);
        at.translate(b.getCenterX(), b.getCenterY());
        at.rotate(Math.toRadians(rotation));
        at.scale(scale, scale);
        at.translate(-b.getCenterX(), -b.getCenterY());
        return at;
    }

    /**
     * A non-group layer's local transform with its rotation left out: the frame in which a video's frame cache
     * draws the layer's shadow once ({@link CachedShadow}).
     */
    AffineTransform unrotatedTransform(Layer layer) {
        double scale = layer.common().number(Prop.SCALE, layer.common().scale(), t);
        AffineTransform at = new AffineTransform();
        if (scale == 1) {
            return at;
        }
        Rectangle2D b = geometryBounds(layer);
        at.translate(b.getCenterX(), b.getCenterY());
        at.scale(scale, scale);
        at.translate(-b.getCenterX(), -b.getCenterY());
        return at;
    }

    /** A non-group layer's x at this painter's time. */
    double positionX(Layer layer) {
        return layer.common().number(Prop.X, CachedShadow.baseX(layer), t);
    }

    /** A non-group layer's y at this painter's time. */
    double positionY(Layer layer) {
        return layer.common().number(Prop.Y, CachedShadow.baseY(layer), t);
    }

    /** The layer's geometry box (no stroke or shadow), in its own coordinates before its local transform. */
    private Rectangle2D geometryBounds(Layer layer) {
        return switch (layer) {
            case Layer.Shape s
            when s.kind() == Layer.ShapeKind.PATH -> {
                Rectangle2D p = s.path().getBounds2D();
                yield new Rectangle2D.Double(
                        p.getX() + s.common().number(Prop.X, s.x(), t),
                        p.getY() + s.common().number(Prop.Y, s.y(), t),
                        p.getWidth(),
                        p.getHeight());
            }
            case Layer.Shape s -> box(s.common(), s.x(), s.y(), s.width(), s.height());
            case Layer.Image i -> box(i.common(), i.x(), i.y(), i.width(), i.height());
            case Layer.Text text -> {
                TextLayout.Lines lines = layout(text);
                double h = Double.isNaN(text.height())
                        ? lines.height()
                        : Math.max(0, text.common().number(Prop.HEIGHT, text.height(), t));
                Rectangle2D b = box(text.common(), text.x(), text.y(), text.width(), 0);
                yield new Rectangle2D.Double(b.getX(), b.getY(), b.getWidth(), h);
            }
            case Layer.Group g -> contentBounds(g.layers());
        };
    }

    /** Conservative bounds of what the layer paints (stroke and glyph overhang included), before its transform. */
    Rectangle2D ownBounds(Layer layer) {
        Rectangle2D b = geometryBounds(layer);
        double pad = 1;
        if (layer instanceof Layer.Shape s && s.stroke() != null) {
            pad += s.stroke().width() / 2;
        } else if (layer instanceof Layer.Text text) {
            TextLayout.Lines lines = layout(text);
            pad += lines.font().getSize2D() * 0.5 + Math.max(0, lines.height() - b.getHeight());
        }
        return new Rectangle2D.Double(b.getX() - pad, b.getY() - pad, b.getWidth() + 2 * pad, b.getHeight() + 2 * pad);
    }

    /** Union of the children's painted bounds (shadows included), in the parent's coordinates. */
    Rectangle2D contentBounds(List<Layer> layers) {
        Rectangle2D union = null;
        for (Layer child : layers) {
            Rectangle2D b = ownBounds(child);
            Layer.Shadow sh = child.common().shadow();
            if (sh != null) {
                double m = 1.5 * sh.blur() + 2;
                Rectangle2D s = new Rectangle2D.Double(
                        b.getX() + sh.dx() - m, b.getY() + sh.dy() - m, b.getWidth() + 2 * m, b.getHeight() + 2 * m);
                b = b.createUnion(s);
            }
            b = localTransform(child).createTransformedShape(b).getBounds2D();
            union = union == null ? b : union.createUnion(b);
        }
        return union == null ? new Rectangle2D.Double() : union;
    }

    private static double clamp01(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
