package dev.kiln.render.svg;

import dev.kiln.render.InvalidDocumentException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bounds the number of dashes an SVG's strokes can be cut into. Java2D's dasher (Marlin, inside one
 * {@code Graphics2D.draw} call in the JDK) does work linear in the dash count and cannot be interrupted: a 683-unit
 * path with {@code stroke-dasharray="0.00001"} held a render thread for minutes. The pre-pass sums an upper
 * estimate of every shape's length and keeps the shortest dash period anywhere in the document (attributes, style
 * attributes and style sheets, ignoring inheritance), and refuses the document when their ratio exceeds
 * {@link #MAX_DASHES}. The estimate errs high, so a legitimate drawing is refused only if it is enormous compared
 * with its shortest dash; documents that slip past are still contained by the render pool (docs/capacity-model.md).
 */
final class DashBudget {
    /** At most this many dashes a document: about a tenth of a second of Java2D's dasher on this machine. */
    static final double MAX_DASHES = 1_000_000;

    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");
    private static final Pattern LENGTH =
            Pattern.compile("\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*([a-zA-Z%]*)\\s*");
    private static final Pattern LIST_SEPARATOR = Pattern.compile("[\\s,]+");
    private static final Pattern CSS_DASHARRAY =
            Pattern.compile("stroke-dasharray\\s*:\\s*([^;}!]+)", Pattern.CASE_INSENSITIVE);

    /** A px-like scale for percentages: lengths in % are taken against this viewport diagonal. */
    private double percentBase = 100;

    private double totalLength;
    private double shortestPeriod = Double.POSITIVE_INFINITY;

    void viewport(double width, double height) {
        percentBase = Math.sqrt(width * width + height * height) / Math.sqrt(2);
    }

    /** Adds a shape element's estimated length (user units) from its geometry attributes. */
    void shape(String element, java.util.function.Function<String, String> attr) {
        double length =
                switch (element) {
                    case "path" -> 2 * sumOfMagnitudes(attr.apply("d"));
                    case "polyline", "polygon" -> 2 * sumOfMagnitudes(attr.apply("points"));
                    case "rect" -> 2 * (length(attr.apply("width")) + length(attr.apply("height")));
                    case "circle" -> 2 * Math.PI * length(attr.apply("r"));
                    case "ellipse" -> 2 * Math.PI * Math.max(length(attr.apply("rx")), length(attr.apply("ry")));
                    case "line" ->
                        Math.abs(length(attr.apply("x2")) - length(attr.apply("x1")))
                                + Math.abs(length(attr.apply("y2")) - length(attr.apply("y1")));
                    default -> 0;
                };
        // pathLength rescales the dashes: the count is pathLength / period, however long the shape really is.
        String pathLength = attr.apply("pathLength");
        if (pathLength != null && length != 0) {
            length = Math.max(length, length(pathLength));
        }
        if (Double.isFinite(length)) {
            totalLength += length;
        } else {
            totalLength = Double.POSITIVE_INFINITY;
        }
    }

    /** Records a {@code stroke-dasharray} value (an attribute, or a declaration's value). */
    void dashArray(String value) {
        if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("none")) {
            return;
        }
        double sum = 0;
        String[] parts = LIST_SEPARATOR.split(value.strip());
        for (String part : parts) {
            double v = length(part);
            if (!(v >= 0)) {
                return; // negative or unreadable: the renderer refuses or ignores the pattern, nothing to bound
            }
            sum += v;
        }
        if (sum <= 0) {
            return; // an all-zero pattern draws a solid stroke
        }
        double period = parts.length % 2 == 1 ? 2 * sum : sum;
        shortestPeriod = Math.min(shortestPeriod, period);
    }

    /** Records every {@code stroke-dasharray} declaration in CSS text. */
    void css(String text) {
        Matcher m = CSS_DASHARRAY.matcher(text);
        while (m.find()) {
            dashArray(m.group(1));
        }
    }

    /** Throws when the strokes could be cut into more than {@link #MAX_DASHES} dashes. */
    void check(String pointer) {
        if (shortestPeriod == Double.POSITIVE_INFINITY) {
            return;
        }
        double dashes = totalLength / shortestPeriod;
        if (dashes > MAX_DASHES) {
            throw InvalidDocumentException.of(
                    pointer,
                    String.format(
                            Locale.ROOT,
                            "stroke-dasharray with a period of %.3g would cut strokes about %.3g units long into"
                                    + " about %.2g dashes; at most %,d are allowed (maxDashes)",
                            shortestPeriod,
                            totalLength,
                            dashes,
                            (long) MAX_DASHES));
        }
    }

    /**
     * Twice the sum of the magnitudes of a coordinate list is an upper estimate of the length of the polyline, path
     * (control polygons bound Bézier lengths; radii bound arcs) or polygon it draws.
     */
    private static double sumOfMagnitudes(String data) {
        if (data == null) {
            return 0;
        }
        double sum = 0;
        Matcher m = NUMBER.matcher(data);
        while (m.find()) {
            sum += Math.abs(parse(m.group()));
        }
        return sum;
    }

    /** A length in user units (px); absolute units converted at 96 dpi, % against the viewport, em/ex at 16 px. */
    private double length(String value) {
        if (value == null) {
            return 0;
        }
        Matcher m = LENGTH.matcher(value);
        if (!m.matches()) {
            return 0;
        }
        double v = parse(m.group(1));
        double scale =
                switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "", "px" -> 1;
                    case "%" -> percentBase / 100;
                    case "mm" -> 96 / 25.4;
                    case "cm" -> 96 / 2.54;
                    case "in" -> 96;
                    case "pt" -> 96 / 72.0;
                    case "pc" -> 16;
                    case "em" -> 16;
                    case "ex" -> 8;
                    default -> 1;
                };
        return v * scale;
    }

    private static double parse(String number) {
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
