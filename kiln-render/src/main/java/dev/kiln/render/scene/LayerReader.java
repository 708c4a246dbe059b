package dev.kiln.render.scene;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.FieldReader;
import dev.kiln.render.internal.Violations;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a scene's layers: the layer caps, each layer type's fields, and group nesting. */
final class LayerReader {
    /** The layer types, in the order the schema lists them. */
    static final List<String> LAYER_TYPES = List.of("rect", "ellipse", "path", "text", "image", "group");

    /** Largest |coordinate| in scene units. */
    static final double MAX_COORD = 1_000_000;

    private static final Set<String> COMMON = Set.of("type", "id", "opacity", "rotation", "scale", "animations");
    private static final Set<String> RECT =
            union(COMMON, "x", "y", "width", "height", "radius", "fill", "stroke", "shadow");
    private static final Set<String> ELLIPSE = union(COMMON, "x", "y", "width", "height", "fill", "stroke", "shadow");
    private static final Set<String> PATH = union(COMMON, "x", "y", "d", "fillRule", "fill", "stroke", "shadow");
    private static final Set<String> TEXT = union(
            COMMON,
            "x",
            "y",
            "width",
            "height",
            "text",
            "fontFamily",
            "fontSize",
            "fontWeight",
            "color",
            "align",
            "lineHeight",
            "maxLines",
            "shadow");
    private static final Set<String> IMAGE = union(COMMON, "x", "y", "width", "height", "src", "fit", "shadow");
    private static final Set<String> GROUP = Set.of("type", "id", "opacity", "transform", "layers", "animations");

    private final FieldReader f;
    private final Violations v;
    private final RenderLimits limits;
    private final PaintReader paint;
    private final AnimationReader animation;
    private final ImageSourceReader images;

    LayerReader(
            FieldReader fields,
            RenderLimits limits,
            PaintReader paint,
            AnimationReader animation,
            ImageSourceReader images) {
        this.f = fields;
        this.v = fields.violations();
        this.limits = limits;
        this.paint = paint;
        this.animation = animation;
        this.images = images;
    }

    /**
     * Counts every layer (nested ones too) and the nesting depth without recursion, stopping at the first
     * exceeded cap, so a million layers or 10,000 nested groups cost only up to the caps.
     */
    boolean withinCaps(JsonNode top, String ptr) {
        record Pending(JsonNode layers, String ptr, int depth) {}
        Deque<Pending> stack = new ArrayDeque<>();
        stack.push(new Pending(top, ptr, 0));
        long count = 0;
        while (!stack.isEmpty()) {
            Pending p = stack.pop();
            if (p.depth() > limits.maxDepth()) {
                v.add(p.ptr(), "groups are nested more than " + limits.maxDepth() + " deep (maxDepth)");
                return false;
            }
            int size = p.layers().size();
            if (count + size > limits.maxLayers()) {
                int first = (int) (limits.maxLayers() - count);
                v.add(
                        Violations.child(p.ptr(), first),
                        "more than " + limits.maxLayers() + " layers in the scene, counting nested ones (maxLayers)");
                return false;
            }
            count += size;
            for (int i = 0; i < size; i++) {
                JsonNode layer = p.layers().get(i);
                JsonNode type = layer.get("type");
                JsonNode children = layer.get("layers");
                if (type != null && "group".equals(type.asText()) && children != null && children.isArray()) {
                    stack.push(new Pending(children, Violations.child(p.ptr(), i) + "/layers", p.depth() + 1));
                }
            }
        }
        return true;
    }

    // Recursion here is bounded by maxDepth: withinCaps has already rejected deeper documents.
    /** The layers of {@code array}, bottom first, leaving out each one that has violations. */
    List<Layer> layers(JsonNode array, String ptr) {
        List<Layer> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            Layer layer = layer(array.get(i), Violations.child(ptr, i));
            if (layer != null) {
                out.add(layer);
            }
        }
        return out;
    }

    private Layer layer(JsonNode node, String ptr) {
        if (node == null || !node.isObject()) {
            v.add(ptr, "must be a layer object with a 'type' (one of " + String.join(", ", LAYER_TYPES) + ")");
            return null;
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            v.add(ptr + "/type", "required: one of " + String.join(", ", LAYER_TYPES));
            return null;
        }
        String type = typeNode.textValue();
        if (!LAYER_TYPES.contains(type)) {
            v.add(
                    ptr + "/type",
                    "unknown layer type '" + FieldReader.truncate(type) + "'; layer types are "
                            + String.join(", ", LAYER_TYPES));
            return null;
        }
        if (FieldReader.present(node, "id") && !node.get("id").isTextual()) {
            v.add(ptr + "/id", "must be a string");
        }
        return switch (type) {
            case "rect" -> shape(node, ptr, Layer.ShapeKind.RECT, RECT, type);
            case "ellipse" -> shape(node, ptr, Layer.ShapeKind.ELLIPSE, ELLIPSE, type);
            case "path" -> shape(node, ptr, Layer.ShapeKind.PATH, PATH, type);
            case "text" -> text(node, ptr);
            case "image" -> image(node, ptr);
            default -> group(node, ptr);
        };
    }

    private Layer.Common common(JsonNode node, String ptr, String type, Fill fill, Layer.Stroke stroke) {
        double opacity = f.number(node, ptr, "opacity", 0, 1, 1);
        double rotation = 0;
        double scale = 1;
        if (!type.equals("group")) {
            rotation = f.number(node, ptr, "rotation", -36000, 36000, 0);
            scale = f.number(node, ptr, "scale", -1000, 1000, 1);
        }
        Layer.Shadow shadow =
                FieldReader.present(node, "shadow") ? paint.shadow(node.get("shadow"), ptr + "/shadow") : null;
        Map<Prop, Track> tracks = FieldReader.present(node, "animations")
                ? animation.animations(node.get("animations"), ptr + "/animations", type, fill, stroke)
                : Map.of();
        return new Layer.Common(opacity, rotation, scale, shadow, tracks);
    }

    private Layer shape(JsonNode node, String ptr, Layer.ShapeKind kind, Set<String> allowed, String type) {
        f.object(node, ptr, allowed);
        double x = f.number(node, ptr, "x", -MAX_COORD, MAX_COORD, 0);
        double y = f.number(node, ptr, "y", -MAX_COORD, MAX_COORD, 0);
        double width = 0;
        double height = 0;
        double radius = 0;
        Path2D path = null;
        boolean evenOdd = false;
        if (kind == Layer.ShapeKind.PATH) {
            String d = f.string(node, ptr, "d", true);
            if (d != null) {
                try {
                    path = PathData.parse(d);
                } catch (PathData.PathSyntaxException e) {
                    v.add(ptr + "/d", "invalid SVG path data: " + e.getMessage());
                }
            }
            String rule = f.string(node, ptr, "fillRule", false);
            if (rule != null && !rule.equals("nonzero") && !rule.equals("evenodd")) {
                v.add(ptr + "/fillRule", "must be nonzero or evenodd");
            }
            evenOdd = "evenodd".equals(rule);
            if (path != null) {
                path.setWindingRule(evenOdd ? Path2D.WIND_EVEN_ODD : Path2D.WIND_NON_ZERO);
            }
        } else {
            width = f.number(node, ptr, "width", 0, MAX_COORD, Double.NaN);
            height = f.number(node, ptr, "height", 0, MAX_COORD, Double.NaN);
            if (kind == Layer.ShapeKind.RECT) {
                radius = f.number(node, ptr, "radius", 0, MAX_COORD, 0);
            }
        }
        Fill fill = FieldReader.present(node, "fill") ? paint.fill(node.get("fill"), ptr + "/fill") : null;
        Layer.Stroke stroke =
                FieldReader.present(node, "stroke") ? paint.stroke(node.get("stroke"), ptr + "/stroke") : null;
        Layer.Common common = common(node, ptr, type, fill, stroke);
        return new Layer.Shape(kind, x, y, width, height, radius, path, evenOdd, fill, stroke, common);
    }

    private Layer text(JsonNode node, String ptr) {
        f.object(node, ptr, TEXT);
        String text = f.string(node, ptr, "text", true);
        if (text != null && text.length() > limits.maxTextLength()) {
            v.add(
                    ptr + "/text",
                    "text is " + text.length() + " chars, more than the " + limits.maxTextLength()
                            + " char cap (maxTextLength)");
            text = null;
        }
        double x = f.number(node, ptr, "x", -MAX_COORD, MAX_COORD, 0);
        double y = f.number(node, ptr, "y", -MAX_COORD, MAX_COORD, 0);
        double width = f.number(node, ptr, "width", 1, MAX_COORD, Double.NaN);
        double height = FieldReader.present(node, "height")
                ? f.number(node, ptr, "height", 0, MAX_COORD, Double.NaN)
                : Double.NaN;
        f.string(node, ptr, "fontFamily", false); // any family is accepted; all render with the bundled one
        double fontSize = f.number(node, ptr, "fontSize", 1, 1000, 16);
        int weight = 400;
        JsonNode w = node.get("fontWeight");
        if (w != null && !w.isNull()) {
            if (w.isTextual()
                    && (w.textValue().equals("normal") || w.textValue().equals("bold"))) {
                weight = w.textValue().equals("bold") ? 700 : 400;
            } else if (w.isIntegralNumber() && w.intValue() >= 100 && w.intValue() <= 900 && w.intValue() % 100 == 0) {
                weight = w.intValue();
            } else {
                v.add(ptr + "/fontWeight", "must be 100, 200, … 900, 'normal' or 'bold'");
            }
        }
        Color color = FieldReader.present(node, "color") ? paint.color(node.get("color"), ptr + "/color") : Color.BLACK;
        Layer.Align align = Layer.Align.LEFT;
        String a = f.string(node, ptr, "align", false);
        if (a != null) {
            switch (a) {
                case "left" -> align = Layer.Align.LEFT;
                case "center" -> align = Layer.Align.CENTER;
                case "right" -> align = Layer.Align.RIGHT;
                default -> v.add(ptr + "/align", "must be left, center or right");
            }
        }
        double lineHeight = f.number(node, ptr, "lineHeight", 0.5, 5, 1.2);
        int maxLines = (int) f.integer(node, ptr, "maxLines", 1, 10_000, 0);
        Layer.Common common = common(node, ptr, "text", null, null);
        if (text == null
                || Double.isNaN(width)
                || Double.isNaN(fontSize)
                || Double.isNaN(lineHeight)
                || color == null) {
            return null;
        }
        Font font = Fonts.forWeight(weight);
        TextLayout.Lines layout = TextLayout.layout(text, font, fontSize, width, lineHeight, maxLines, height);
        return new Layer.Text(
                text, x, y, width, height, font, fontSize, color, align, lineHeight, maxLines, layout, common);
    }

    private Layer image(JsonNode node, String ptr) {
        f.object(node, ptr, IMAGE);
        double x = f.number(node, ptr, "x", -MAX_COORD, MAX_COORD, 0);
        double y = f.number(node, ptr, "y", -MAX_COORD, MAX_COORD, 0);
        double width = f.number(node, ptr, "width", 0, MAX_COORD, Double.NaN);
        double height = f.number(node, ptr, "height", 0, MAX_COORD, Double.NaN);
        boolean cover = true;
        String fit = f.string(node, ptr, "fit", false);
        if (fit != null) {
            if (fit.equals("contain")) {
                cover = false;
            } else if (!fit.equals("cover")) {
                v.add(ptr + "/fit", "must be cover or contain");
            }
        }
        String src = f.string(node, ptr, "src", true);
        BufferedImage image = src == null ? null : images.decode(src, ptr + "/src");
        Layer.Common common = common(node, ptr, "image", null, null);
        return image == null ? null : new Layer.Image(x, y, width, height, image, cover, common);
    }

    private Layer group(JsonNode node, String ptr) {
        f.object(node, ptr, GROUP);
        double tx = 0;
        double ty = 0;
        double rotation = 0;
        double sx = 1;
        double sy = 1;
        double ox = 0;
        double oy = 0;
        JsonNode tf = node.get("transform");
        String tptr = ptr + "/transform";
        if (tf != null && !tf.isNull() && f.object(tf, tptr, Set.of("translate", "rotate", "scale", "origin"))) {
            double[] translate = f.point(tf, tptr, "translate", MAX_COORD, 0, 0);
            tx = translate[0];
            ty = translate[1];
            rotation = f.number(tf, tptr, "rotate", -36000, 36000, 0);
            JsonNode s = tf.get("scale");
            if (s != null && s.isNumber()) {
                sx = sy = f.number(tf, tptr, "scale", -1000, 1000, 1);
            } else if (s != null) {
                double[] scale = f.point(tf, tptr, "scale", 1000, 1, 1);
                sx = scale[0];
                sy = scale[1];
            }
            double[] origin = f.point(tf, tptr, "origin", MAX_COORD, 0, 0);
            ox = origin[0];
            oy = origin[1];
        }
        JsonNode children = node.get("layers");
        List<Layer> layers = List.of();
        if (f.array(children, ptr + "/layers", 0, Integer.MAX_VALUE, "required: an array of layers")) {
            layers = layers(children, ptr + "/layers");
        }
        Layer.Common common = common(node, ptr, "group", null, null);
        return new Layer.Group(layers, tx, ty, rotation, sx, sy, ox, oy, common);
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> s = new LinkedHashSet<>(base);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }
}
