package dev.kiln.render.scene;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.Violations;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** Validates a scene JSON tree and builds the immutable {@link Scene}. One instance per parse; not thread-safe. */
final class SceneReader {
    static final List<String> LAYER_TYPES = List.of("rect", "ellipse", "path", "text", "image", "group");

    /** Largest |coordinate| in scene units. */
    static final double MAX_COORD = 1_000_000;
    /** Highest frame rate of an animated scene. */
    static final double MAX_FPS = 120;
    /** Default frame rate when a scene gives a duration but no fps. */
    static final double DEFAULT_FPS = 30;
    /** Most gradient stops. */
    static final int MAX_STOPS = 32;
    /** Most animated properties per layer. */
    static final int MAX_TRACKS = 16;
    /** Most keyframes per animated property. */
    static final int MAX_KEYFRAMES = 256;
    /** Most dash entries in a stroke. */
    static final int MAX_DASH = 32;
    /** Largest shadow blur, in scene units; bounds the blur's cost. */
    static final double MAX_BLUR = 500;

    private static final Set<String> SCENE_FIELDS =
            Set.of("type", "version", "width", "height", "background", "duration", "fps", "layers");
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

    private static final Set<Prop> BOX_PROPS =
            EnumSet.of(Prop.X, Prop.Y, Prop.WIDTH, Prop.HEIGHT, Prop.OPACITY, Prop.ROTATION, Prop.SCALE);
    private static final Map<String, Set<Prop>> ANIMATABLE = Map.of(
            "rect", with(BOX_PROPS, Prop.RADIUS, Prop.FILL, Prop.STROKE_COLOR),
            "ellipse", with(BOX_PROPS, Prop.FILL, Prop.STROKE_COLOR),
            "path", EnumSet.of(Prop.X, Prop.Y, Prop.OPACITY, Prop.ROTATION, Prop.SCALE, Prop.FILL, Prop.STROKE_COLOR),
            "text", with(BOX_PROPS, Prop.FONT_SIZE, Prop.COLOR),
            "image", EnumSet.copyOf(BOX_PROPS),
            "group", EnumSet.of(Prop.X, Prop.Y, Prop.OPACITY, Prop.ROTATION, Prop.SCALE));

    private final Violations v;
    private final RenderLimits limits;
    private final double maxTimeMs;

    SceneReader(Violations v, RenderLimits limits) {
        this.v = v;
        this.limits = limits;
        this.maxTimeMs = limits.maxDuration().toMillis();
    }

    /** Returns the scene, or null when violations were recorded. */
    Scene scene(JsonNode doc, String ptr) {
        if (!object(doc, ptr, SCENE_FIELDS)) {
            return null;
        }
        JsonNode version = doc.get("version");
        if (version != null && !(version.isIntegralNumber() && version.intValue() == 1)) {
            v.add(ptr + "/version", "must be 1 (the only scene format version)");
        }
        int width = (int) integer(doc, ptr, "width", 1, limits.maxDimension(), -1);
        int height = (int) integer(doc, ptr, "height", 1, limits.maxDimension(), -1);
        if (width > 0 && height > 0 && (long) width * height > limits.maxPixels()) {
            v.add(
                    ptr + "/width",
                    "canvas " + width + "x" + height + " exceeds the " + limits.maxPixels() + " pixel cap (maxPixels)");
        }
        Fill background = null;
        if (present(doc, "background")) {
            background = fill(doc.get("background"), ptr + "/background");
        }
        double duration = 0;
        double fps = 0;
        if (present(doc, "duration")) {
            duration = number(doc, ptr, "duration", 1, maxTimeMs, Double.NaN);
            if (Double.isNaN(duration)) {
                duration = 0;
            }
            fps = number(doc, ptr, "fps", 1, MAX_FPS, DEFAULT_FPS);
            if (duration > 0 && !Double.isNaN(fps)) {
                long frames = Math.max(1, Math.round(duration * fps / 1000.0));
                if (frames > limits.maxFrames()) {
                    v.add(
                            ptr + "/fps",
                            "duration × fps gives " + frames + " frames, more than the " + limits.maxFrames()
                                    + " frame cap (maxFrames)");
                }
            }
        } else if (present(doc, "fps")) {
            v.add(ptr + "/fps", "fps needs a duration (ms); a scene without duration is a still");
        }
        JsonNode layersNode = doc.get("layers");
        List<Layer> layers = List.of();
        if (layersNode == null || !layersNode.isArray()) {
            v.add(ptr + "/layers", "required: an array of layers (may be empty)");
        } else if (withinCaps(layersNode, ptr + "/layers")) {
            layers = layers(layersNode, ptr + "/layers");
        }
        if (!v.isEmpty()) {
            return null;
        }
        return new Scene(width, height, background, duration, duration > 0 ? fps : 0, layers);
    }

    /**
     * Counts every layer (nested ones too) and the nesting depth without recursion, stopping at the first
     * exceeded cap, so a million layers or 10,000 nested groups cost only up to the caps.
     */
    private boolean withinCaps(JsonNode top, String ptr) {
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
    private List<Layer> layers(JsonNode array, String ptr) {
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
                    "unknown layer type '" + truncate(type) + "'; layer types are " + String.join(", ", LAYER_TYPES));
            return null;
        }
        if (present(node, "id") && !node.get("id").isTextual()) {
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
        double opacity = number(node, ptr, "opacity", 0, 1, 1);
        double rotation = 0;
        double scale = 1;
        if (!type.equals("group")) {
            rotation = number(node, ptr, "rotation", -36000, 36000, 0);
            scale = number(node, ptr, "scale", -1000, 1000, 1);
        }
        Layer.Shadow shadow = present(node, "shadow") ? shadow(node.get("shadow"), ptr + "/shadow") : null;
        Map<Prop, Track> tracks = present(node, "animations")
                ? animations(node.get("animations"), ptr + "/animations", type, fill, stroke)
                : Map.of();
        return new Layer.Common(opacity, rotation, scale, shadow, tracks);
    }

    private Layer shape(JsonNode node, String ptr, Layer.ShapeKind kind, Set<String> allowed, String type) {
        object(node, ptr, allowed);
        double x = number(node, ptr, "x", -MAX_COORD, MAX_COORD, 0);
        double y = number(node, ptr, "y", -MAX_COORD, MAX_COORD, 0);
        double width = 0;
        double height = 0;
        double radius = 0;
        Path2D path = null;
        boolean evenOdd = false;
        if (kind == Layer.ShapeKind.PATH) {
            String d = string(node, ptr, "d", true);
            if (d != null) {
                try {
                    path = PathData.parse(d);
                } catch (PathData.PathSyntaxException e) {
                    v.add(ptr + "/d", "invalid SVG path data: " + e.getMessage());
                }
            }
            String rule = string(node, ptr, "fillRule", false);
            if (rule != null && !rule.equals("nonzero") && !rule.equals("evenodd")) {
                v.add(ptr + "/fillRule", "must be nonzero or evenodd");
            }
            evenOdd = "evenodd".equals(rule);
            if (path != null) {
                path.setWindingRule(evenOdd ? Path2D.WIND_EVEN_ODD : Path2D.WIND_NON_ZERO);
            }
        } else {
            width = number(node, ptr, "width", 0, MAX_COORD, Double.NaN);
            height = number(node, ptr, "height", 0, MAX_COORD, Double.NaN);
            if (kind == Layer.ShapeKind.RECT) {
                radius = number(node, ptr, "radius", 0, MAX_COORD, 0);
            }
        }
        Fill fill = present(node, "fill") ? fill(node.get("fill"), ptr + "/fill") : null;
        Layer.Stroke stroke = present(node, "stroke") ? stroke(node.get("stroke"), ptr + "/stroke") : null;
        Layer.Common common = common(node, ptr, type, fill, stroke);
        return new Layer.Shape(kind, x, y, width, height, radius, path, evenOdd, fill, stroke, common);
    }

    private Layer text(JsonNode node, String ptr) {
        object(node, ptr, TEXT);
        String text = string(node, ptr, "text", true);
        if (text != null && text.length() > limits.maxTextLength()) {
            v.add(
                    ptr + "/text",
                    "text is " + text.length() + " chars, more than the " + limits.maxTextLength()
                            + " char cap (maxTextLength)");
            text = null;
        }
        double x = number(node, ptr, "x", -MAX_COORD, MAX_COORD, 0);
        double y = number(node, ptr, "y", -MAX_COORD, MAX_COORD, 0);
        double width = number(node, ptr, "width", 1, MAX_COORD, Double.NaN);
        double height = present(node, "height") ? number(node, ptr, "height", 0, MAX_COORD, Double.NaN) : Double.NaN;
        string(node, ptr, "fontFamily", false); // any family is accepted; all render with the bundled one
        double fontSize = number(node, ptr, "fontSize", 1, 1000, 16);
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
        Color color = present(node, "color") ? color(node.get("color"), ptr + "/color") : Color.BLACK;
        Layer.Align align = Layer.Align.LEFT;
        String a = string(node, ptr, "align", false);
        if (a != null) {
            switch (a) {
                case "left" -> align = Layer.Align.LEFT;
                case "center" -> align = Layer.Align.CENTER;
                case "right" -> align = Layer.Align.RIGHT;
                default -> v.add(ptr + "/align", "must be left, center or right");
            }
        }
        double lineHeight = number(node, ptr, "lineHeight", 0.5, 5, 1.2);
        int maxLines = (int) integer(node, ptr, "maxLines", 1, 10_000, 0);
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
        object(node, ptr, IMAGE);
        double x = number(node, ptr, "x", -MAX_COORD, MAX_COORD, 0);
        double y = number(node, ptr, "y", -MAX_COORD, MAX_COORD, 0);
        double width = number(node, ptr, "width", 0, MAX_COORD, Double.NaN);
        double height = number(node, ptr, "height", 0, MAX_COORD, Double.NaN);
        boolean cover = true;
        String fit = string(node, ptr, "fit", false);
        if (fit != null) {
            if (fit.equals("contain")) {
                cover = false;
            } else if (!fit.equals("cover")) {
                v.add(ptr + "/fit", "must be cover or contain");
            }
        }
        String src = string(node, ptr, "src", true);
        BufferedImage image = src == null ? null : decodeImage(src, ptr + "/src");
        Layer.Common common = common(node, ptr, "image", null, null);
        return image == null ? null : new Layer.Image(x, y, width, height, image, cover, common);
    }

    private BufferedImage decodeImage(String src, String ptr) {
        if (src.startsWith(dev.kiln.render.image.AssetReferences.PREFIX)) {
            // Resolved by the caller before the engine sees the document; one left here names no asset of theirs.
            v.add(ptr, "must be asset:<id> naming one of your uploaded assets (POST /v1/assets)");
            return null;
        }
        int comma = src.indexOf(',');
        String header = comma < 0 ? "" : src.substring(0, comma).toLowerCase(Locale.ROOT);
        boolean webp = header.equals("data:image/webp;base64");
        if (!header.equals("data:image/png;base64")
                && !header.equals("data:image/jpeg;base64")
                && !header.equals("data:image/jpg;base64")
                && !webp) {
            v.add(
                    ptr,
                    "must be asset:<id> or a base64 data URI: data:image/png;base64,…, data:image/jpeg;base64,… or"
                            + " data:image/webp;base64,…");
            return null;
        }
        int encodedLength = src.length() - comma - 1;
        // Check the size before decoding so an oversized payload never gets a decoded copy.
        long decodedUpperBound = (encodedLength + 3L) / 4 * 3;
        if (decodedUpperBound - 2 > limits.maxImageBytes()) {
            v.add(
                    ptr,
                    "image is about " + decodedUpperBound + " bytes, more than the " + limits.maxImageBytes()
                            + " byte cap (maxImageBytes)");
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(src.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            v.add(ptr, "invalid base64 in data URI: " + e.getMessage());
            return null;
        }
        if (bytes.length > limits.maxImageBytes()) {
            v.add(
                    ptr,
                    "image is " + bytes.length + " bytes, more than the " + limits.maxImageBytes()
                            + " byte cap (maxImageBytes)");
            return null;
        }
        if (webp) {
            // ImageIO has no WebP reader: Skia decodes it, after the same header checks (size, pixels, structure).
            try {
                return dev.kiln.render.image.Thumbnails.decodeToBufferedImage(bytes, limits);
            } catch (dev.kiln.render.image.InvalidImageException e) {
                v.add(ptr, e.getMessage());
                return null;
            }
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                v.add(ptr, "the data is not a PNG or JPEG image");
                return null;
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!format.equals("png") && !format.equals("jpeg")) {
                    v.add(ptr, "the data is a " + format + " image; only PNG and JPEG are accepted");
                    return null;
                }
                reader.setInput(in, /* seekForwardOnly= */ true, /* ignoreMetadata= */ true);
                // Decompression-bomb guard: the header's size is checked before any pixel is decoded.
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > limits.maxImagePixels()) {
                    v.add(
                            ptr,
                            "image is " + w + "x" + h + " = " + w * h + " pixels, more than the "
                                    + limits.maxImagePixels() + " pixel cap (maxImagePixels)");
                    return null;
                }
                BufferedImage decoded = reader.read(0);
                return toPremultiplied(decoded);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt data with a mix of IOExceptions and unchecked exceptions.
            v.add(ptr, "cannot decode the image: " + e.getMessage());
            return null;
        }
    }

    /** Converts once to the surface's pixel format so every draw blits without conversion. */
    private static BufferedImage toPremultiplied(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private Layer group(JsonNode node, String ptr) {
        object(node, ptr, GROUP);
        double tx = 0;
        double ty = 0;
        double rotation = 0;
        double sx = 1;
        double sy = 1;
        double ox = 0;
        double oy = 0;
        JsonNode tf = node.get("transform");
        String tptr = ptr + "/transform";
        if (tf != null && !tf.isNull() && object(tf, tptr, Set.of("translate", "rotate", "scale", "origin"))) {
            double[] translate = point(tf, tptr, "translate", MAX_COORD, 0, 0);
            tx = translate[0];
            ty = translate[1];
            rotation = number(tf, tptr, "rotate", -36000, 36000, 0);
            JsonNode s = tf.get("scale");
            if (s != null && s.isNumber()) {
                sx = sy = number(tf, tptr, "scale", -1000, 1000, 1);
            } else if (s != null) {
                double[] scale = point(tf, tptr, "scale", 1000, 1, 1);
                sx = scale[0];
                sy = scale[1];
            }
            double[] origin = point(tf, tptr, "origin", MAX_COORD, 0, 0);
            ox = origin[0];
            oy = origin[1];
        }
        JsonNode children = node.get("layers");
        List<Layer> layers = List.of();
        if (children == null || !children.isArray()) {
            v.add(ptr + "/layers", "required: an array of layers");
        } else {
            layers = layers(children, ptr + "/layers");
        }
        Layer.Common common = common(node, ptr, "group", null, null);
        return new Layer.Group(layers, tx, ty, rotation, sx, sy, ox, oy, common);
    }

    private Fill fill(JsonNode node, String ptr) {
        if (node.isTextual()) {
            Color c = color(node, ptr);
            return c == null ? null : new Fill.Solid(c);
        }
        if (!node.isObject()) {
            v.add(ptr, "must be a colour string or a gradient object {\"type\":\"linear\"|\"radial\", \"stops\":[…]}");
            return null;
        }
        String type = string(node, ptr, "type", true);
        if (type == null) {
            return null;
        }
        if (type.equals("linear")) {
            object(node, ptr, Set.of("type", "from", "to", "stops"));
            double[] from = point(node, ptr, "from", 10, 0, 0);
            double[] to = point(node, ptr, "to", 10, 0, 1);
            List<Fill.Stop> stops = stops(node, ptr);
            return stops == null ? null : new Fill.Linear(from[0], from[1], to[0], to[1], stops);
        }
        if (type.equals("radial")) {
            object(node, ptr, Set.of("type", "center", "radius", "stops"));
            double[] center = point(node, ptr, "center", 10, 0.5, 0.5);
            double radius = number(node, ptr, "radius", 0, 10, 0.5);
            List<Fill.Stop> stops = stops(node, ptr);
            return stops == null ? null : new Fill.Radial(center[0], center[1], radius, stops);
        }
        v.add(ptr + "/type", "must be linear or radial");
        return null;
    }

    private List<Fill.Stop> stops(JsonNode node, String ptr) {
        JsonNode stops = node.get("stops");
        String sptr = ptr + "/stops";
        if (stops == null || !stops.isArray() || stops.size() < 2 || stops.size() > MAX_STOPS) {
            v.add(sptr, "required: an array of 2 to " + MAX_STOPS + " stops {\"offset\":0..1,\"color\":…}");
            return null;
        }
        List<Fill.Stop> out = new ArrayList<>();
        double last = -1;
        boolean ok = true;
        for (int i = 0; i < stops.size(); i++) {
            String p = Violations.child(sptr, i);
            JsonNode s = stops.get(i);
            if (!object(s, p, Set.of("offset", "color"))) {
                ok = false;
                continue;
            }
            double offset = number(s, p, "offset", 0, 1, Double.NaN);
            Color c = s.has("color") ? color(s.get("color"), p + "/color") : null;
            if (!s.has("color")) {
                v.add(p + "/color", "required: " + Colors.EXPECTED);
            }
            if (!Double.isNaN(offset) && offset <= last) {
                v.add(p + "/offset", "stop offsets must be strictly increasing");
                ok = false;
            }
            if (Double.isNaN(offset) || c == null) {
                ok = false;
            } else {
                last = offset;
                out.add(new Fill.Stop((float) offset, c));
            }
        }
        return ok ? out : null;
    }

    private Layer.Stroke stroke(JsonNode node, String ptr) {
        if (!object(node, ptr, Set.of("color", "width", "dash"))) {
            return null;
        }
        Color c = node.has("color") ? color(node.get("color"), ptr + "/color") : null;
        if (!node.has("color")) {
            v.add(ptr + "/color", "required: " + Colors.EXPECTED);
        }
        double width = number(node, ptr, "width", 0, 1000, 1);
        List<Double> dash = new ArrayList<>();
        JsonNode d = node.get("dash");
        if (d != null && !d.isNull()) {
            if (!d.isArray() || d.isEmpty() || d.size() > MAX_DASH) {
                v.add(ptr + "/dash", "must be an array of 1 to " + MAX_DASH + " dash lengths");
            } else {
                double sum = 0;
                for (int i = 0; i < d.size(); i++) {
                    JsonNode n = d.get(i);
                    if (!n.isNumber() || n.doubleValue() < 0 || n.doubleValue() > 10_000) {
                        v.add(Violations.child(ptr + "/dash", i), "must be a number from 0 to 10000");
                    } else {
                        dash.add(n.doubleValue());
                        sum += n.doubleValue();
                    }
                }
                if (sum <= 0) {
                    v.add(ptr + "/dash", "dash lengths must not all be zero");
                }
            }
        }
        return c == null || Double.isNaN(width) ? null : new Layer.Stroke(c, width, dash);
    }

    private Layer.Shadow shadow(JsonNode node, String ptr) {
        if (!object(node, ptr, Set.of("dx", "dy", "blur", "color"))) {
            return null;
        }
        double dx = number(node, ptr, "dx", -10_000, 10_000, 0);
        double dy = number(node, ptr, "dy", -10_000, 10_000, 0);
        double blur = number(node, ptr, "blur", 0, MAX_BLUR, 0);
        Color c = node.has("color") ? color(node.get("color"), ptr + "/color") : new Color(0, 0, 0, 128);
        return c == null ? null : new Layer.Shadow(dx, dy, blur, c);
    }

    private Map<Prop, Track> animations(JsonNode node, String ptr, String type, Fill fill, Layer.Stroke stroke) {
        Map<Prop, Track> tracks = new EnumMap<>(Prop.class);
        if (!node.isArray() || node.size() > MAX_TRACKS) {
            v.add(ptr, "must be an array of up to " + MAX_TRACKS + " animations {\"property\":…,\"keyframes\":[…]}");
            return tracks;
        }
        Set<Prop> allowed = ANIMATABLE.get(type);
        for (int i = 0; i < node.size(); i++) {
            String aptr = Violations.child(ptr, i);
            JsonNode anim = node.get(i);
            if (!object(anim, aptr, Set.of("property", "keyframes"))) {
                continue;
            }
            String name = string(anim, aptr, "property", true);
            if (name == null) {
                continue;
            }
            Prop prop = Prop.fromWireName(name).filter(allowed::contains).orElse(null);
            if (prop == null) {
                v.add(
                        aptr + "/property",
                        "'" + truncate(name) + "' cannot be animated on a " + type + " layer; animatable: "
                                + allowed.stream().map(p -> p.wireName).toList());
                continue;
            }
            if (tracks.containsKey(prop)) {
                v.add(aptr + "/property", "'" + name + "' is animated twice");
                continue;
            }
            if (prop == Prop.FILL && !(fill == null || fill instanceof Fill.Solid)) {
                v.add(aptr + "/property", "only a solid-colour fill can be animated, not a gradient");
                continue;
            }
            if (prop == Prop.FILL && fill == null) {
                v.add(aptr + "/property", "animating fill needs a solid-colour 'fill' on the layer");
                continue;
            }
            if (prop == Prop.STROKE_COLOR && stroke == null) {
                v.add(aptr + "/property", "animating strokeColor needs a 'stroke' on the layer");
                continue;
            }
            Track track = keyframes(anim.get("keyframes"), aptr + "/keyframes", prop);
            if (track != null) {
                tracks.put(prop, track);
            }
        }
        return tracks;
    }

    private Track keyframes(JsonNode node, String ptr, Prop prop) {
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_KEYFRAMES) {
            v.add(ptr, "required: an array of 1 to " + MAX_KEYFRAMES + " keyframes {\"t\":ms,\"value\":…}");
            return null;
        }
        List<Track.Keyframe> frames = new ArrayList<>();
        double last = -1;
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            String kptr = Violations.child(ptr, i);
            JsonNode k = node.get(i);
            if (!object(k, kptr, Set.of("t", "value", "easing"))) {
                ok = false;
                continue;
            }
            double t = number(k, kptr, "t", 0, maxTimeMs, Double.NaN);
            if (!Double.isNaN(t) && t <= last) {
                v.add(kptr + "/t", "keyframe times must be strictly increasing");
                ok = false;
            }
            last = Double.isNaN(t) ? last : t;
            double number = 0;
            Color color = null;
            if (prop.colour) {
                JsonNode value = k.get("value");
                if (value == null) {
                    v.add(kptr + "/value", "required: " + Colors.EXPECTED);
                    ok = false;
                } else {
                    color = color(value, kptr + "/value");
                    ok &= color != null;
                }
            } else {
                double[] range = range(prop);
                number = number(k, kptr, "value", range[0], range[1], Double.NaN);
                ok &= !Double.isNaN(number);
            }
            Easing easing = easing(k.get("easing"), kptr + "/easing");
            ok &= easing != null && !Double.isNaN(t);
            if (ok) {
                frames.add(new Track.Keyframe(t, number, color, easing));
            }
        }
        return ok ? new Track(prop, frames) : null;
    }

    private static double[] range(Prop p) {
        return switch (p) {
            case X, Y -> new double[] {-MAX_COORD, MAX_COORD};
            case WIDTH, HEIGHT, RADIUS -> new double[] {0, MAX_COORD};
            case OPACITY -> new double[] {0, 1};
            case ROTATION -> new double[] {-36000, 36000};
            case SCALE -> new double[] {-1000, 1000};
            case FONT_SIZE -> new double[] {1, 1000};
            case FILL, COLOR, STROKE_COLOR -> throw new IllegalArgumentException("colour property " + p);
        };
    }

    private Easing easing(JsonNode node, String ptr) {
        String expected = "must be linear, easeIn, easeOut, easeInOut, step or {\"cubicBezier\":[x1,y1,x2,y2]}";
        if (node == null || node.isNull()) {
            return Easing.LINEAR;
        }
        if (node.isTextual()) {
            return switch (node.textValue()) {
                case "linear" -> Easing.LINEAR;
                case "easeIn" -> Easing.EASE_IN;
                case "easeOut" -> Easing.EASE_OUT;
                case "easeInOut" -> Easing.EASE_IN_OUT;
                case "step" -> Easing.STEP;
                default -> {
                    v.add(ptr, expected);
                    yield null;
                }
            };
        }
        JsonNode bezier = node.isObject() && node.size() == 1 ? node.get("cubicBezier") : null;
        if (bezier == null || !bezier.isArray() || bezier.size() != 4) {
            v.add(ptr, expected);
            return null;
        }
        double[] c = new double[4];
        for (int i = 0; i < 4; i++) {
            JsonNode n = bezier.get(i);
            boolean isX = i % 2 == 0;
            double lo = isX ? 0 : -10;
            double hi = isX ? 1 : 10;
            if (!n.isNumber() || n.doubleValue() < lo || n.doubleValue() > hi) {
                v.add(
                        ptr + "/cubicBezier/" + i,
                        isX ? "control point x must be a number from 0 to 1" : "must be a number from -10 to 10");
                return null;
            }
            c[i] = n.doubleValue();
        }
        return Easing.bezier(c[0], c[1], c[2], c[3]);
    }

    // ---- primitive readers: each records a violation and returns NaN/null when the value is bad ----

    private boolean object(JsonNode node, String ptr, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            v.add(ptr, "must be an object");
            return false;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                v.add(
                        Violations.child(ptr, name),
                        "unknown property '" + truncate(name) + "'; allowed here: "
                                + allowed.stream().sorted().toList());
            }
        }
        return true;
    }

    private static boolean present(JsonNode node, String name) {
        JsonNode n = node.get(name);
        return n != null && !n.isNull();
    }

    /** A number in [min, max]; {@code dflt} when absent, and NaN {@code dflt} means required. */
    private double number(JsonNode node, String ptr, String name, double min, double max, double dflt) {
        JsonNode n = node.get(name);
        String p = Violations.child(ptr, name);
        if (n == null || n.isNull()) {
            if (Double.isNaN(dflt)) {
                v.add(p, "required: a number from " + fmt(min) + " to " + fmt(max));
            }
            return dflt;
        }
        if (!n.isNumber()) {
            v.add(p, "must be a number from " + fmt(min) + " to " + fmt(max));
            return Double.NaN;
        }
        double d = n.doubleValue();
        if (!(d >= min && d <= max)) {
            v.add(p, "must be from " + fmt(min) + " to " + fmt(max) + ", was " + n.asText());
            return Double.NaN;
        }
        return d;
    }

    /** An integer in [min, max]; {@code dflt} when absent, and a negative {@code dflt} means required. */
    private long integer(JsonNode node, String ptr, String name, long min, long max, long dflt) {
        JsonNode n = node.get(name);
        String p = Violations.child(ptr, name);
        if (n == null || n.isNull()) {
            if (dflt < 0) {
                v.add(p, "required: an integer from " + min + " to " + max);
            }
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            v.add(p, "must be an integer from " + min + " to " + max);
            return -1;
        }
        long value = n.longValue();
        if (value < min || value > max) {
            v.add(p, "must be from " + min + " to " + max + ", was " + value);
            return -1;
        }
        return value;
    }

    private String string(JsonNode node, String ptr, String name, boolean required) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                v.add(Violations.child(ptr, name), "required: a string");
            }
            return null;
        }
        if (!n.isTextual()) {
            v.add(Violations.child(ptr, name), "must be a string");
            return null;
        }
        return n.textValue();
    }

    private Color color(JsonNode node, String ptr) {
        Color c = node.isTextual() ? Colors.parse(node.textValue()) : null;
        if (c == null) {
            v.add(ptr, "must be " + Colors.EXPECTED);
        }
        return c;
    }

    /** An {@code [x, y]} pair with |x|, |y| ≤ {@code bound}. */
    private double[] point(JsonNode node, String ptr, String name, double bound, double dx, double dy) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            return new double[] {dx, dy};
        }
        if (!n.isArray()
                || n.size() != 2
                || !n.get(0).isNumber()
                || !n.get(1).isNumber()
                || Math.abs(n.get(0).doubleValue()) > bound
                || Math.abs(n.get(1).doubleValue()) > bound) {
            v.add(Violations.child(ptr, name), "must be [x, y], two numbers from " + fmt(-bound) + " to " + fmt(bound));
            return new double[] {dx, dy};
        }
        return new double[] {n.get(0).doubleValue(), n.get(1).doubleValue()};
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> s = new LinkedHashSet<>(base);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }

    private static Set<Prop> with(Set<Prop> base, Prop... more) {
        EnumSet<Prop> s = EnumSet.copyOf(base);
        s.addAll(List.of(more));
        return s;
    }
}
