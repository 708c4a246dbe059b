package dev.kiln.render.lottie;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.internal.Violations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON pre-pass that makes Skottie play a file as lottie-web does (docs/video.md "Lottie compatibility"): it
 * upgrades the fields of old bodymovin exports the way lottie-web's data manager does on load, moves old
 * {@code s}/{@code e} keyframes to the current form, and rewrites the expressions it can ({@code loopOut},
 * {@code loopIn}, {@code clamp}) into plain keyframes, since Skija's Skottie has no expression evaluator. It works
 * on a copy; every expansion draws on one budget of keyframes, so a small file cannot grow into a large one.
 */
final class LottieCompat {
    /** Keyframes that expanding expressions may add to one document, over all its properties. */
    static final int MAX_EXPANDED_KEYFRAMES = 20_000;
    /** JSON nodes that expanding expressions may copy: keyframes of a path property carry whole paths. */
    static final int MAX_EXPANDED_NODES = 1_000_000;
    /** Deeper nesting than this is not an animation (lottie-web's own files nest a few dozen levels). */
    static final int MAX_DEPTH = 200;
    /** Longer expressions are left alone: every idiom rewritten here is a one-liner. */
    static final int MAX_REWRITTEN_EXPRESSION_CHARS = 512;
    /** How far before a boundary a jump is placed when a cycle's first and last values differ, in frames. */
    private static final double JUMP = 0.001;

    private static final Pattern LOOP = Pattern.compile(
            "(?s)\\s*(?:var \\$bm_rt;)?\\s*(?:\\$bm_rt\\s*=\\s*)?(loopOut|loopIn)\\(\\s*(?:(['\"])(cycle|pingpong|offset)\\2)?"
                    + "\\s*(?:,\\s*0\\s*)?\\)\\s*;?\\s*");
    private static final Pattern CLAMP = Pattern.compile(
            "(?s)\\s*(?:var \\$bm_rt;)?\\s*(?:\\$bm_rt\\s*=\\s*)?clamp\\(\\s*value\\s*,\\s*(-?[0-9.]+)\\s*,\\s*(-?[0-9.]+)\\s*\\)\\s*;?\\s*");
    private static final String NUMBER = "-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?";
    private static final Pattern CONSTANT = Pattern.compile("(?s)\\s*(?:var \\$bm_rt;)?\\s*\\$bm_rt\\s*=\\s*(" + NUMBER
            + "|\\[\\s*" + NUMBER + "(?:\\s*,\\s*" + NUMBER + ")*\\s*\\])\\s*;?\\s*");
    private static final Pattern VALUE =
            Pattern.compile("(?s)\\s*(?:var \\$bm_rt;)?\\s*(?:\\$bm_rt\\s*=\\s*)?value\\s*;?\\s*");

    private final int[] version;
    private final double horizonStart;
    private final double horizonEnd;
    private int keyframesLeft = MAX_EXPANDED_KEYFRAMES;
    private int nodesLeft = MAX_EXPANDED_NODES;

    private LottieCompat(int[] version, double horizonStart, double horizonEnd) {
        this.version = version;
        this.horizonStart = horizonStart;
        this.horizonEnd = horizonEnd;
    }

    /** Returns an upgraded copy of {@code animation}; a rewrite over budget is a violation at its property. */
    static ObjectNode apply(ObjectNode animation, String pointer) {
        ObjectNode copy = animation.deepCopy();
        double ip = copy.path("ip").asDouble(0);
        double op = copy.path("op").asDouble(0);
        LottieCompat pass = new LottieCompat(version(copy.path("v").asText("")), ip, op);
        pass.upgradeOldFormat(copy);
        pass.walk(copy, pointer, 0, 0, 1);
        return copy;
    }

    // ---- old bodymovin exports: the same upgrades as lottie-web's dataManager.completeData ----

    private void upgradeOldFormat(ObjectNode anim) {
        List<JsonNode> layerLists = new ArrayList<>();
        layerLists.add(anim.get("layers"));
        for (JsonNode asset : iterable(anim.get("assets"))) {
            layerLists.add(asset.get("layers"));
        }
        for (JsonNode layers : layerLists) {
            for (JsonNode layer : iterable(layers)) {
                if (!(layer instanceof ObjectNode l)) {
                    continue;
                }
                if (older(4, 1, 9) && l.path("ty").asInt(-1) == 4) {
                    coloursFrom255(l.get("shapes"), 0);
                }
                if (older(4, 4, 14) && l.path("ty").asInt(-1) == 5) {
                    keyframeTextDocument(l);
                }
                if (older(4, 4, 18)) {
                    closedFlags(l, 0);
                }
                if (older(5, 7, 15) && l.path("ty").asInt(-1) == 5) {
                    textPathProperties(l);
                }
            }
        }
    }

    /** Before 4.1.9 fill and stroke colours were 0-255; Skottie reads 0-1 and clamps, so they came out white. */
    private static void coloursFrom255(JsonNode shapes, int depth) {
        for (JsonNode shape : iterable(shapes)) {
            String ty = shape.path("ty").asText("");
            if (ty.equals("gr") && depth < MAX_DEPTH) {
                coloursFrom255(shape.get("it"), depth + 1);
            } else if ((ty.equals("fl") || ty.equals("st")) && shape.get("c") instanceof ObjectNode c) {
                JsonNode k = c.get("k");
                if (isKeyframes(k)) {
                    for (JsonNode kf : k) {
                        divide(kf.get("s"), 255);
                        divide(kf.get("e"), 255);
                    }
                } else {
                    divide(k, 255);
                }
            }
        }
    }

    /** Before 4.4.18 a path's closed flag sat on the shape ({@code closed}) or mask ({@code cl}), not the path. */
    private static void closedFlags(ObjectNode layer, int depth) {
        for (JsonNode mask : iterable(layer.get("masksProperties"))) {
            if (mask.has("cl") && mask.get("pt") instanceof ObjectNode pt) {
                setClosed(pt.get("k"), mask.get("cl").asBoolean());
            }
        }
        closedShapes(layer.get("shapes"), 0);
    }

    private static void closedShapes(JsonNode shapes, int depth) {
        for (JsonNode shape : iterable(shapes)) {
            String ty = shape.path("ty").asText("");
            if (ty.equals("gr") && depth < MAX_DEPTH) {
                closedShapes(shape.get("it"), depth + 1);
            } else if (ty.equals("sh") && shape.has("closed") && shape.get("ks") instanceof ObjectNode ks) {
                setClosed(ks.get("k"), shape.get("closed").asBoolean());
            }
        }
    }

    private static void setClosed(JsonNode k, boolean closed) {
        if (k instanceof ObjectNode path) {
            path.put("c", closed);
        } else if (isKeyframes(k)) {
            for (JsonNode kf : k) {
                for (String f : new String[] {"s", "e"}) {
                    if (kf.path(f).path(0) instanceof ObjectNode path) {
                        path.put("c", closed);
                    }
                }
            }
        }
    }

    /** Before 4.4.14 a text layer's document was one object; since then it is keyframed. */
    private static void keyframeTextDocument(ObjectNode layer) {
        if (layer.get("t") instanceof ObjectNode t && t.get("d") instanceof ObjectNode d && !d.has("k")) {
            ObjectNode kf = JsonNodeFactory.instance.objectNode();
            kf.set("s", d);
            kf.put("t", 0);
            ObjectNode keyed = JsonNodeFactory.instance.objectNode();
            keyed.putArray("k").add(kf);
            t.set("d", keyed);
        }
    }

    /** Before 5.7.15 a text path's {@code a}, {@code p}, {@code r} were bare numbers, not properties. */
    private static void textPathProperties(ObjectNode layer) {
        if (layer.path("t").get("p") instanceof ObjectNode p) {
            for (String f : new String[] {"a", "p", "r"}) {
                if (p.get(f) != null && p.get(f).isNumber()) {
                    ObjectNode prop = JsonNodeFactory.instance.objectNode();
                    prop.put("a", 0);
                    prop.set("k", p.get(f));
                    p.set(f, prop);
                }
            }
        }
    }

    // ---- every animated property: old keyframes and expressions ----

    private void walk(JsonNode node, String pointer, int depth, double st, double sr) {
        if (depth > MAX_DEPTH) {
            throw InvalidDocumentException.of(pointer, "nested more than " + MAX_DEPTH + " levels deep");
        }
        if (node instanceof ObjectNode obj) {
            if (obj.has("ks") && obj.has("ty") && obj.path("ty").isInt()) {
                // A layer: its keyframe times are in its own time, (comp time - st) / sr.
                st = obj.path("st").asDouble(0);
                double s = obj.path("sr").asDouble(1);
                sr = s > 0 ? s : 1;
            }
            JsonNode k = obj.get("k");
            if (isKeyframes(k)) {
                endValuesToStartValues((ArrayNode) k);
            }
            if (obj.get("x") instanceof JsonNode x && x.isTextual()) {
                rewriteExpression(obj, x.textValue(), pointer, st, sr);
            }
            var fields = obj.properties().iterator();
            while (fields.hasNext()) {
                var e = fields.next();
                walk(e.getValue(), Violations.child(pointer, e.getKey()), depth + 1, st, sr);
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                walk(arr.get(i), Violations.child(pointer, i), depth + 1, st, sr);
            }
        }
    }

    /**
     * Old exports give each keyframe an end value {@code e} and leave the next keyframe's {@code s} out; the
     * current form gives every keyframe its own {@code s}. Copying {@code e} forward lets the expansions below, and
     * Skottie, read one form.
     */
    private static void endValuesToStartValues(ArrayNode keyframes) {
        for (int i = 0; i + 1 < keyframes.size(); i++) {
            JsonNode e = keyframes.get(i).get("e");
            if (e != null && keyframes.get(i + 1) instanceof ObjectNode next && !next.has("s")) {
                next.set("s", e.deepCopy());
            }
        }
    }

    private void rewriteExpression(ObjectNode prop, String expression, String pointer, double st, double sr) {
        if (expression.length() > MAX_REWRITTEN_EXPRESSION_CHARS) {
            return; // none of the idioms is this long, and the patterns' backtracking stays linear below it
        }
        Matcher loop = LOOP.matcher(expression);
        Matcher clamp = CLAMP.matcher(expression);
        Matcher constant = CONSTANT.matcher(expression);
        if (VALUE.matcher(expression).matches()) {
            prop.remove("x");
        } else if (constant.matches()) {
            prop.put("a", 0);
            prop.set("k", constantValue(constant.group(1)));
            prop.remove("x");
        } else if (loop.matches() && isKeyframes(prop.get("k")) && prop.get("k").size() >= 2) {
            String type = loop.group(3) == null ? "cycle" : loop.group(3);
            ArrayNode k = (ArrayNode) prop.get("k");
            if (type.equals("offset") && !numeric(k)) {
                return; // an offset loop of a path or a text document has no meaning to expand: left as is
            }
            String where = Violations.child(pointer, "x");
            ArrayNode expanded = loop.group(1).equals("loopOut")
                    ? loopOut(k, type, (horizonEnd - st) / sr, where)
                    : loopIn(k, type, (horizonStart - st) / sr, where);
            prop.set("k", expanded);
            prop.remove("x");
        } else if (clamp.matches()) {
            double lo = Double.parseDouble(clamp.group(1));
            double hi = Double.parseDouble(clamp.group(2));
            JsonNode k = prop.get("k");
            if (isKeyframes(k)) {
                for (JsonNode kf : k) {
                    clampValues(kf.get("s"), lo, hi);
                    clampValues(kf.get("e"), lo, hi);
                }
            } else if (k != null && k.isNumber()) {
                prop.put("k", Math.max(lo, Math.min(hi, k.doubleValue())));
            } else {
                clampValues(k, lo, hi);
            }
            prop.remove("x");
        }
    }

    /** Repeats the keyframes after the last one until {@code end}, the document's last frame in layer time. */
    private ArrayNode loopOut(ArrayNode k, String type, double end, String pointer) {
        double t0 = k.get(0).path("t").asDouble();
        double tn = k.get(k.size() - 1).path("t").asDouble();
        double period = tn - t0;
        ArrayNode out = k.deepCopy();
        if (!(period > 0) || tn >= end) {
            return out;
        }
        List<JsonNode> cycle = new ArrayList<>();
        k.forEach(cycle::add);
        for (int n = 1; tn + (n - 1) * period < end; n++) {
            List<JsonNode> copy = copyOf(cycle, type, n, pointer);
            appendCycle(out, copy, t0 + n * period);
        }
        return out;
    }

    /** Repeats the keyframes before the first one back to {@code start}, the document's first frame in layer time. */
    private ArrayNode loopIn(ArrayNode k, String type, double start, String pointer) {
        double t0 = k.get(0).path("t").asDouble();
        double tn = k.get(k.size() - 1).path("t").asDouble();
        double period = tn - t0;
        if (!(period > 0) || t0 <= start) {
            return k.deepCopy();
        }
        List<JsonNode> cycle = new ArrayList<>();
        k.forEach(cycle::add);
        ArrayNode before = JsonNodeFactory.instance.arrayNode();
        double needed = Math.ceil((t0 - start) / period);
        if (needed * cycle.size() > keyframesLeft) {
            throw overBudget(pointer);
        }
        int copies = (int) needed;
        for (int n = copies; n >= 1; n--) {
            List<JsonNode> copy = copyOf(cycle, type, -n, pointer);
            appendCycle(before, copy, t0 - n * period);
        }
        List<JsonNode> original = new ArrayList<>();
        k.forEach(kf -> original.add(kf.deepCopy()));
        appendCycle(before, original, t0);
        return before;
    }

    /**
     * Appends one cycle whose first keyframe is at {@code start}. Where the previous cycle ended on the same value
     * the two boundary keyframes become one; where it did not, the value jumps there, as lottie-web's modulo does.
     */
    private static void appendCycle(ArrayNode out, List<JsonNode> cycle, double start) {
        double shift = start - cycle.get(0).path("t").asDouble();
        for (JsonNode kf : cycle) {
            ((ObjectNode) kf).put("t", kf.path("t").asDouble() + shift);
        }
        if (!out.isEmpty()) {
            ObjectNode last = (ObjectNode) out.get(out.size() - 1);
            if (sameValue(last.path("s"), cycle.get(0).path("s"))) {
                out.remove(out.size() - 1);
            } else {
                last.put("t", start - JUMP);
                last.put("h", 1);
            }
        }
        cycle.forEach(out::add);
    }

    private static InvalidDocumentException overBudget(String pointer) {
        return InvalidDocumentException.of(
                pointer,
                String.format(
                        Locale.ROOT,
                        "expanding this expression into keyframes over the document's duration would add more"
                                + " than %d keyframes or %d JSON values to the animation",
                        MAX_EXPANDED_KEYFRAMES,
                        MAX_EXPANDED_NODES));
    }

    /** JSON equality, except that numbers compare by value: 90 and 90.0 are one angle. */
    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.doubleValue() == b.doubleValue();
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                if (!sameValue(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Cycle {@code n} of a loop (negative before the keyframes): reversed when odd for pingpong, shifted for offset. */
    private List<JsonNode> copyOf(List<JsonNode> cycle, String type, int n, String pointer) {
        int size = 0;
        for (JsonNode kf : cycle) {
            size += nodes(kf);
        }
        keyframesLeft -= cycle.size();
        nodesLeft -= size;
        if (keyframesLeft < 0 || nodesLeft < 0) {
            throw overBudget(pointer);
        }
        List<JsonNode> copy = new ArrayList<>();
        if (type.equals("pingpong") && Math.floorMod(n, 2) == 1) {
            double t0 = cycle.get(0).path("t").asDouble();
            double tn = cycle.get(cycle.size() - 1).path("t").asDouble();
            for (int j = cycle.size() - 1; j >= 0; j--) {
                ObjectNode kf = JsonNodeFactory.instance.objectNode();
                kf.put("t", t0 + tn - cycle.get(j).path("t").asDouble());
                kf.set("s", cycle.get(j).path("s").deepCopy());
                if (j > 0) {
                    // The segment j-1 -> j played backwards: its easing mirrored, its tangents swapped.
                    JsonNode seg = cycle.get(j - 1);
                    if (seg.path("h").asInt(0) == 1) {
                        kf.put("h", 1);
                    }
                    if (seg.has("i") && seg.has("o")) {
                        kf.set("o", mirrorEasing(seg.get("i")));
                        kf.set("i", mirrorEasing(seg.get("o")));
                    }
                    if (seg.has("to") && seg.has("ti")) {
                        kf.set("to", seg.get("ti").deepCopy());
                        kf.set("ti", seg.get("to").deepCopy());
                    }
                }
                copy.add(kf);
            }
        } else {
            for (JsonNode kf : cycle) {
                ObjectNode c = (ObjectNode) kf.deepCopy();
                c.remove("e");
                c.remove("n");
                copy.add(c);
            }
            if (type.equals("offset")) {
                double[] delta = offset(cycle, n);
                for (JsonNode kf : copy) {
                    add(kf.get("s"), delta);
                }
            }
        }
        return copy;
    }

    /** {@code n} times the change over one cycle, last value minus first, per dimension. */
    private static double[] offset(List<JsonNode> cycle, int n) {
        JsonNode first = cycle.get(0).path("s");
        JsonNode last = cycle.get(cycle.size() - 1).path("s");
        int dims = first.isArray() ? first.size() : 1;
        double[] delta = new double[dims];
        for (int d = 0; d < dims; d++) {
            double a = first.isArray() ? first.path(d).asDouble() : first.asDouble();
            double b = last.isArray() ? last.path(d).asDouble() : last.asDouble();
            delta[d] = n * (b - a);
        }
        return delta;
    }

    private static void add(JsonNode values, double[] delta) {
        if (values instanceof ArrayNode arr) {
            for (int d = 0; d < arr.size() && d < delta.length; d++) {
                arr.set(d, DoubleNode.valueOf(arr.get(d).asDouble() + delta[d]));
            }
        }
    }

    /** An easing handle of the reversed segment: (x, y) becomes (1 - x, 1 - y), per dimension. */
    private static JsonNode mirrorEasing(JsonNode handle) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        for (String axis : new String[] {"x", "y"}) {
            JsonNode v = handle.get(axis);
            if (v == null) {
                continue;
            }
            if (v.isArray()) {
                ArrayNode a = m.putArray(axis);
                v.forEach(e -> a.add(1 - e.asDouble()));
            } else {
                m.put(axis, 1 - v.asDouble());
            }
        }
        return m;
    }

    // ---- helpers ----

    /** {@code 100} or {@code [0, 0]}, already matched by {@link #CONSTANT}. */
    private static JsonNode constantValue(String literal) {
        String t = literal.trim();
        if (!t.startsWith("[")) {
            return DoubleNode.valueOf(Double.parseDouble(t));
        }
        ArrayNode arr = JsonNodeFactory.instance.arrayNode();
        for (String part : t.substring(1, t.length() - 1).split(",")) {
            arr.add(Double.parseDouble(part.trim()));
        }
        return arr;
    }

    private static boolean numeric(ArrayNode keyframes) {
        for (JsonNode kf : keyframes) {
            JsonNode s = kf.get("s");
            if (s == null) {
                continue;
            }
            if (s.isNumber()) {
                continue;
            }
            if (!s.isArray()) {
                return false;
            }
            for (JsonNode v : s) {
                if (!v.isNumber()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void clampValues(JsonNode values, double lo, double hi) {
        if (values instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                if (arr.get(i).isNumber()) {
                    arr.set(
                            i,
                            DoubleNode.valueOf(
                                    Math.max(lo, Math.min(hi, arr.get(i).doubleValue()))));
                }
            }
        }
    }

    private static void divide(JsonNode values, double by) {
        if (values instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                if (arr.get(i).isNumber()) {
                    arr.set(i, DoubleNode.valueOf(arr.get(i).doubleValue() / by));
                }
            }
        }
    }

    /** A {@code k} that holds keyframes: an array of objects with a time {@code t}. */
    static boolean isKeyframes(JsonNode k) {
        return k instanceof ArrayNode arr
                && !arr.isEmpty()
                && arr.get(0).isObject()
                && arr.get(0).path("t").isNumber();
    }

    /** Counts a keyframe's JSON values, stopping early once it is clearly over budget. */
    private int nodes(JsonNode node) {
        int count = 1;
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                count += nodes(child);
                if (count > nodesLeft) {
                    return count;
                }
            }
        }
        return count;
    }

    private boolean older(int major, int minor, int patch) {
        int[] min = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            if (version[i] != min[i]) {
                return version[i] < min[i];
            }
        }
        return false;
    }

    /** "4.1.9" as {4, 1, 9}; a missing or unreadable version counts as current, as in lottie-web. */
    private static int[] version(String v) {
        String[] parts = v.split("\\.");
        int[] out = {100, 100, 100};
        try {
            for (int i = 0; i < 3 && i < parts.length; i++) {
                out[i] = Integer.parseInt(parts[i].trim());
            }
            if (parts.length < 3) {
                return new int[] {100, 100, 100};
            }
        } catch (NumberFormatException e) {
            return new int[] {100, 100, 100};
        }
        return out;
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }
}
