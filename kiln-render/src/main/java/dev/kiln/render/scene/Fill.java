package dev.kiln.render.scene;

import java.awt.Color;
import java.awt.LinearGradientPaint;
import java.awt.MultipleGradientPaint;
import java.awt.Paint;
import java.awt.RadialGradientPaint;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.List;

/** A fill: a solid colour or a gradient whose geometry is relative to the painted box (0..1 fractions). */
sealed interface Fill {

    /** The Java2D paint for a shape whose bounding box is {@code box}. */
    Paint paint(Rectangle2D box);

    /** A gradient stop; offsets are strictly increasing within a gradient. */
    record Stop(float offset, Color color) {}

    /** A solid colour. */
    record Solid(Color color) implements Fill {
        @Override
        public Paint paint(Rectangle2D box) {
            return color;
        }
    }

    /** A linear gradient from {@code (x1,y1)} to {@code (x2,y2)}, in fractions of the box. */
    record Linear(double x1, double y1, double x2, double y2, List<Stop> stops) implements Fill {
        public Linear {
            stops = List.copyOf(stops);
        }

        @Override
        public Paint paint(Rectangle2D box) {
            Point2D from = new Point2D.Double(box.getX() + x1 * box.getWidth(), box.getY() + y1 * box.getHeight());
            Point2D to = new Point2D.Double(box.getX() + x2 * box.getWidth(), box.getY() + y2 * box.getHeight());
            if (from.distance(to) < 1e-6) {
                // Degenerate (e.g. an empty box): Java2D rejects equal points; the last stop is what a
                // zero-length gradient shows everywhere.
                return stops.getLast().color();
            }
            return new LinearGradientPaint(
                    from, to, fractions(stops), colors(stops), MultipleGradientPaint.CycleMethod.NO_CYCLE);
        }
    }

    /** A radial gradient centred at {@code (cx,cy)} (fractions of the box), radius a fraction of the box's larger side. */
    record Radial(double cx, double cy, double r, List<Stop> stops) implements Fill {
        public Radial {
            stops = List.copyOf(stops);
        }

        @Override
        public Paint paint(Rectangle2D box) {
            float radius = (float) (r * Math.max(box.getWidth(), box.getHeight()));
            if (!(radius > 1e-6f)) {
                return stops.getLast().color();
            }
            Point2D c = new Point2D.Double(box.getX() + cx * box.getWidth(), box.getY() + cy * box.getHeight());
            return new RadialGradientPaint(
                    c, radius, fractions(stops), colors(stops), MultipleGradientPaint.CycleMethod.NO_CYCLE);
        }
    }

    private static float[] fractions(List<Stop> stops) {
        float[] f = new float[stops.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = stops.get(i).offset();
        }
        return f;
    }

    private static Color[] colors(List<Stop> stops) {
        Color[] c = new Color[stops.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = stops.get(i).color();
        }
        return c;
    }
}
