package dev.kiln.render.scene;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.internal.FieldReader;
import dev.kiln.render.internal.Violations;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads a scene's paint: colours, solid and gradient fills, strokes and shadows. */
final class PaintReader {
    /** Most gradient stops. */
    static final int MAX_STOPS = 32;
    /** Most dash entries in a stroke. */
    static final int MAX_DASH = 32;
    /** Largest shadow blur, in scene units; bounds the blur's cost. */
    static final double MAX_BLUR = 500;

    private static final String STOPS_EXPECTED =
            "required: an array of 2 to " + MAX_STOPS + " stops {\"offset\":0..1,\"color\":…}";
    private static final String DASH_EXPECTED = "must be an array of 1 to " + MAX_DASH + " dash lengths";

    private final FieldReader f;
    private final Violations v;

    PaintReader(FieldReader fields) {
        this.f = fields;
        this.v = fields.violations();
    }

    /** A colour string; null (and a violation) when it is none. */
    Color color(JsonNode node, String ptr) {
        Color c = node.isTextual() ? Colors.parse(node.textValue()) : null;
        if (c == null) {
            v.add(ptr, "must be " + Colors.EXPECTED);
        }
        return c;
    }

    /** A colour string or a linear or radial gradient object. */
    Fill fill(JsonNode node, String ptr) {
        if (node.isTextual()) {
            Color c = color(node, ptr);
            return c == null ? null : new Fill.Solid(c);
        }
        if (!node.isObject()) {
            v.add(ptr, "must be a colour string or a gradient object {\"type\":\"linear\"|\"radial\", \"stops\":[…]}");
            return null;
        }
        String type = f.string(node, ptr, "type", true);
        if (type == null) {
            return null;
        }
        if (type.equals("linear")) {
            f.object(node, ptr, Set.of("type", "from", "to", "stops"));
            double[] from = f.point(node, ptr, "from", 10, 0, 0);
            double[] to = f.point(node, ptr, "to", 10, 0, 1);
            List<Fill.Stop> stops = stops(node, ptr);
            return stops == null ? null : new Fill.Linear(from[0], from[1], to[0], to[1], stops);
        }
        if (type.equals("radial")) {
            f.object(node, ptr, Set.of("type", "center", "radius", "stops"));
            double[] center = f.point(node, ptr, "center", 10, 0.5, 0.5);
            double radius = f.number(node, ptr, "radius", 0, 10, 0.5);
            List<Fill.Stop> stops = stops(node, ptr);
            return stops == null ? null : new Fill.Radial(center[0], center[1], radius, stops);
        }
        v.add(ptr + "/type", "must be linear or radial");
        return null;
    }

    private List<Fill.Stop> stops(JsonNode node, String ptr) {
        JsonNode stops = node.get("stops");
        String sptr = ptr + "/stops";
        if (!f.array(stops, sptr, 2, MAX_STOPS, STOPS_EXPECTED)) {
            return null;
        }
        List<Fill.Stop> out = new ArrayList<>();
        double last = -1;
        boolean ok = true;
        for (int i = 0; i < stops.size(); i++) {
            String p = Violations.child(sptr, i);
            JsonNode s = stops.get(i);
            if (!f.object(s, p, Set.of("offset", "color"))) {
                ok = false;
                continue;
            }
            double offset = f.number(s, p, "offset", 0, 1, Double.NaN);
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

    /** A stroke {@code {"color", "width", "dash"}}. */
    Layer.Stroke stroke(JsonNode node, String ptr) {
        if (!f.object(node, ptr, Set.of("color", "width", "dash"))) {
            return null;
        }
        Color c = node.has("color") ? color(node.get("color"), ptr + "/color") : null;
        if (!node.has("color")) {
            v.add(ptr + "/color", "required: " + Colors.EXPECTED);
        }
        double width = f.number(node, ptr, "width", 0, 1000, 1);
        List<Double> dash = new ArrayList<>();
        JsonNode d = node.get("dash");
        if (d != null && !d.isNull()) {
            if (f.array(d, ptr + "/dash", 1, MAX_DASH, DASH_EXPECTED)) {
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

    /** A drop shadow {@code {"dx", "dy", "blur", "color"}}. */
    Layer.Shadow shadow(JsonNode node, String ptr) {
        if (!f.object(node, ptr, Set.of("dx", "dy", "blur", "color"))) {
            return null;
        }
        double dx = f.number(node, ptr, "dx", -10_000, 10_000, 0);
        double dy = f.number(node, ptr, "dy", -10_000, 10_000, 0);
        double blur = f.number(node, ptr, "blur", 0, MAX_BLUR, 0);
        Color c = node.has("color") ? color(node.get("color"), ptr + "/color") : new Color(0, 0, 0, 128);
        return c == null ? null : new Layer.Shadow(dx, dy, blur, c);
    }
}
