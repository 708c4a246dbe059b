package dev.kiln.render.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.InvalidDocumentException;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Typed reading of JSON fields for the document parsers. Each instance method records a violation at the field's
 * JSON Pointer and returns a sentinel (NaN, -1 or null) when the value is bad, so a parser reports every problem in
 * one pass. One instance per parse; not thread-safe.
 */
public final class FieldReader {
    /** Longest name or value quoted back in a violation; a hostile document must not make a huge error body. */
    private static final int MAX_QUOTED = 40;

    private final Violations v;

    /** Records into {@code violations}. */
    public FieldReader(Violations violations) {
        this.v = violations;
    }

    /** Where this reader records; parsers add their own domain checks to the same list. */
    public Violations violations() {
        return v;
    }

    /**
     * The field {@code name} of {@code parent} when {@code accepts} holds for it.
     *
     * @throws InvalidDocumentException with {@code detail} at the field's pointer when it is absent or not accepted
     */
    public static JsonNode require(
            JsonNode parent, String pointer, String name, Predicate<JsonNode> accepts, String detail) {
        JsonNode n = parent.get(name);
        if (n == null || !accepts.test(n)) {
            throw InvalidDocumentException.of(Violations.child(pointer, name), detail);
        }
        return n;
    }

    /** True when {@code name} is there and not JSON {@code null}. */
    public static boolean present(JsonNode node, String name) {
        JsonNode n = node.get(name);
        return n != null && !n.isNull();
    }

    /** Checks that {@code node} is an object whose fields are all in {@code allowed}; false when it is no object. */
    public boolean object(JsonNode node, String ptr, Set<String> allowed) {
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

    /** Checks that {@code node} is an array of {@code min} to {@code max} items; records {@code detail} when not. */
    public boolean array(JsonNode node, String ptr, int min, int max, String detail) {
        if (node == null || !node.isArray() || node.size() < min || node.size() > max) {
            v.add(ptr, detail);
            return false;
        }
        return true;
    }

    /** A number in [min, max]; {@code dflt} when absent, and NaN {@code dflt} means required. NaN when bad. */
    public double number(JsonNode node, String ptr, String name, double min, double max, double dflt) {
        JsonNode n = node.get(name);
        String p = Violations.child(ptr, name);
        if (n == null || n.isNull()) {
            if (Double.isNaN(dflt)) {
                v.add(p, "required: a number from " + format(min) + " to " + format(max));
            }
            return dflt;
        }
        if (!n.isNumber()) {
            v.add(p, "must be a number from " + format(min) + " to " + format(max));
            return Double.NaN;
        }
        double d = n.doubleValue();
        if (!(d >= min && d <= max)) {
            v.add(p, "must be from " + format(min) + " to " + format(max) + ", was " + n.asText());
            return Double.NaN;
        }
        return d;
    }

    /** An integer in [min, max]; {@code dflt} when absent, and a negative {@code dflt} means required. -1 when bad. */
    public long integer(JsonNode node, String ptr, String name, long min, long max, long dflt) {
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

    /** A string; null when absent (a violation only when {@code required}) or not a string. */
    public String string(JsonNode node, String ptr, String name, boolean required) {
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

    /** An {@code [x, y]} pair with |x|, |y| ≤ {@code bound}; {@code (dx, dy)} when absent or bad. */
    public double[] point(JsonNode node, String ptr, String name, double bound, double dx, double dy) {
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
            v.add(
                    Violations.child(ptr, name),
                    "must be [x, y], two numbers from " + format(-bound) + " to " + format(bound));
            return new double[] {dx, dy};
        }
        return new double[] {n.get(0).doubleValue(), n.get(1).doubleValue()};
    }

    /** A bound as a violation states it: {@code 1000000}, not {@code 1000000.0}. */
    public static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** {@code s} cut to 40 chars (and an ellipsis), for quoting a document's own text back in a violation. */
    public static String truncate(String s) {
        return s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "…" : s;
    }
}
