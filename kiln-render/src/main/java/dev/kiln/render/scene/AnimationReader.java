package dev.kiln.render.scene;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.internal.FieldReader;
import dev.kiln.render.internal.Violations;
import java.awt.Color;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a layer's {@code animations}: which properties may move, their keyframes and easings. */
final class AnimationReader {
    /** Most animated properties per layer. */
    static final int MAX_TRACKS = 16;
    /** Most keyframes per animated property. */
    static final int MAX_KEYFRAMES = 256;

    private static final String TRACKS_EXPECTED =
            "must be an array of up to " + MAX_TRACKS + " animations {\"property\":…,\"keyframes\":[…]}";
    private static final String KEYFRAMES_EXPECTED =
            "required: an array of 1 to " + MAX_KEYFRAMES + " keyframes {\"t\":ms,\"value\":…}";
    private static final String EASING_EXPECTED =
            "must be linear, easeIn, easeOut, easeInOut, step or {\"cubicBezier\":[x1,y1,x2,y2]}";

    private static final Set<Prop> BOX_PROPS =
            EnumSet.of(Prop.X, Prop.Y, Prop.WIDTH, Prop.HEIGHT, Prop.OPACITY, Prop.ROTATION, Prop.SCALE);
    private static final Map<String, Set<Prop>> ANIMATABLE = Map.of(
            "rect", with(BOX_PROPS, Prop.RADIUS, Prop.FILL, Prop.STROKE_COLOR),
            "ellipse", with(BOX_PROPS, Prop.FILL, Prop.STROKE_COLOR),
            "path", EnumSet.of(Prop.X, Prop.Y, Prop.OPACITY, Prop.ROTATION, Prop.SCALE, Prop.FILL, Prop.STROKE_COLOR),
            "text", with(BOX_PROPS, Prop.FONT_SIZE, Prop.COLOR),
            "image", EnumSet.copyOf(BOX_PROPS),
            "group", EnumSet.of(Prop.X, Prop.Y, Prop.OPACITY, Prop.ROTATION, Prop.SCALE));

    private final FieldReader f;
    private final Violations v;
    private final PaintReader paint;
    private final double maxTimeMs;

    AnimationReader(FieldReader fields, PaintReader paint, double maxTimeMs) {
        this.f = fields;
        this.v = fields.violations();
        this.paint = paint;
        this.maxTimeMs = maxTimeMs;
    }

    /** The tracks of a {@code type} layer; {@code fill} and {@code stroke} are the layer's, which colour tracks need. */
    Map<Prop, Track> animations(JsonNode node, String ptr, String type, Fill fill, Layer.Stroke stroke) {
        Map<Prop, Track> tracks = new EnumMap<>(Prop.class);
        if (!f.array(node, ptr, 0, MAX_TRACKS, TRACKS_EXPECTED)) {
            return tracks;
        }
        Set<Prop> allowed = ANIMATABLE.get(type);
        for (int i = 0; i < node.size(); i++) {
            String aptr = Violations.child(ptr, i);
            JsonNode anim = node.get(i);
            if (!f.object(anim, aptr, Set.of("property", "keyframes"))) {
                continue;
            }
            String name = f.string(anim, aptr, "property", true);
            if (name == null) {
                continue;
            }
            Prop prop = Prop.fromWireName(name).filter(allowed::contains).orElse(null);
            if (prop == null) {
                v.add(
                        aptr + "/property",
                        "'" + FieldReader.truncate(name) + "' cannot be animated on a " + type + " layer; animatable: "
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
        if (!f.array(node, ptr, 1, MAX_KEYFRAMES, KEYFRAMES_EXPECTED)) {
            return null;
        }
        List<Track.Keyframe> frames = new ArrayList<>();
        double last = -1;
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            String kptr = Violations.child(ptr, i);
            JsonNode k = node.get(i);
            if (!f.object(k, kptr, Set.of("t", "value", "easing"))) {
                ok = false;
                continue;
            }
            double t = f.number(k, kptr, "t", 0, maxTimeMs, Double.NaN);
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
                    color = paint.color(value, kptr + "/value");
                    ok &= color != null;
                }
            } else {
                double[] range = range(prop);
                number = f.number(k, kptr, "value", range[0], range[1], Double.NaN);
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

    /** The values a numeric property accepts, the same as its static field's. */
    private static double[] range(Prop p) {
        return switch (p) {
            case X, Y -> new double[] {-LayerReader.MAX_COORD, LayerReader.MAX_COORD};
            case WIDTH, HEIGHT, RADIUS -> new double[] {0, LayerReader.MAX_COORD};
            case OPACITY -> new double[] {0, 1};
            case ROTATION -> new double[] {-36000, 36000};
            case SCALE -> new double[] {-1000, 1000};
            case FONT_SIZE -> new double[] {1, 1000};
            case FILL, COLOR, STROKE_COLOR -> throw new IllegalArgumentException("colour property " + p);
        };
    }

    private Easing easing(JsonNode node, String ptr) {
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
                    v.add(ptr, EASING_EXPECTED);
                    yield null;
                }
            };
        }
        JsonNode bezier = node.isObject() && node.size() == 1 ? node.get("cubicBezier") : null;
        if (!f.array(bezier, ptr, 4, 4, EASING_EXPECTED)) {
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

    private static Set<Prop> with(Set<Prop> base, Prop... more) {
        EnumSet<Prop> s = EnumSet.copyOf(base);
        s.addAll(List.of(more));
        return s;
    }
}
