package dev.kiln.render.scene;

import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/** A parsed, immutable scene layer. */
sealed interface Layer {

    /** Properties every layer has. */
    Common common();

    /**
     * Properties shared by all layer types.
     *
     * @param opacity 0..1
     * @param rotation degrees clockwise about the layer's centre
     * @param scale uniform scale about the layer's centre
     * @param shadow a drop shadow, or null
     * @param tracks the animated properties
     */
    record Common(double opacity, double rotation, double scale, Shadow shadow, Map<Prop, Track> tracks) {
        public Common {
            tracks = Map.copyOf(tracks);
        }

        double number(Prop p, double base, double t) {
            Track track = tracks.get(p);
            return track == null ? base : track.number(t);
        }

        Color color(Prop p, Color base, double t) {
            Track track = tracks.get(p);
            return track == null ? base : track.color(t);
        }
    }

    /**
     * A stroke.
     *
     * @param color stroke colour
     * @param width stroke width in scene units
     * @param dash dash lengths (on, off, ...) or empty for solid
     */
    record Stroke(Color color, double width, List<Double> dash) {
        public Stroke {
            dash = List.copyOf(dash);
        }
    }

    /**
     * A drop shadow of the layer's alpha.
     *
     * @param dx horizontal offset in scene units
     * @param dy vertical offset
     * @param blur blur radius in scene units (a Gaussian with sigma = blur / 2, like CSS)
     * @param color shadow colour
     */
    record Shadow(double dx, double dy, double blur, Color color) {}

    /** The geometry of a shape layer. */
    enum ShapeKind {
        RECT,
        ELLIPSE,
        PATH
    }

    /**
     * A rect, ellipse or path.
     *
     * @param path for {@link ShapeKind#PATH}: the parsed path, never mutated after parsing
     * @param evenOdd whether the path uses the even-odd fill rule
     */
    record Shape(
            ShapeKind kind,
            double x,
            double y,
            double width,
            double height,
            double radius,
            Path2D path,
            boolean evenOdd,
            Fill fill,
            Stroke stroke,
            Common common)
            implements Layer {}

    /** Horizontal alignment of text lines in their box. */
    enum Align {
        LEFT,
        CENTER,
        RIGHT
    }

    /**
     * A text box with word wrapping.
     *
     * @param height the box height, or NaN when the box grows with the text
     * @param maxLines the most lines to show (an ellipsis ends the last one), 0 for no cap
     * @param lineHeight line height as a multiple of the font size
     * @param font the bundled font at size 1, derived per draw
     * @param layout the layout at the un-animated font size and width, reused when those are not animated
     */
    record Text(
            String text,
            double x,
            double y,
            double width,
            double height,
            Font font,
            double fontSize,
            Color color,
            Align align,
            double lineHeight,
            int maxLines,
            TextLayout.Lines layout,
            Common common)
            implements Layer {}

    /**
     * An embedded raster image, decoded at parse time; {@code image} is never drawn into.
     *
     * @param cover true for cover (fill the box, crop), false for contain (fit inside, letterbox)
     */
    record Image(double x, double y, double width, double height, BufferedImage image, boolean cover, Common common)
            implements Layer {}

    /**
     * A group of layers with a transform and group opacity.
     *
     * @param tx translation x
     * @param ty translation y
     * @param rotation degrees clockwise about the origin
     * @param sx horizontal scale about the origin
     * @param sy vertical scale about the origin
     * @param ox transform origin x, in the group's own coordinates
     * @param oy transform origin y
     */
    record Group(
            List<Layer> layers,
            double tx,
            double ty,
            double rotation,
            double sx,
            double sy,
            double ox,
            double oy,
            Common common)
            implements Layer {
        public Group {
            layers = List.copyOf(layers);
        }
    }
}
