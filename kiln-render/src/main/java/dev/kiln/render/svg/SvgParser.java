package dev.kiln.render.svg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.DocumentParser;
import dev.kiln.render.internal.FieldReader;
import dev.kiln.render.internal.PreparedDocument;
import dev.kiln.render.internal.SvgRasterizer;
import dev.kiln.render.internal.Violations;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code {"type":"svg","svg":"<svg ...>"}} documents: size cap, a hardened XML pre-pass that rejects
 * DTDs and external references, then the intrinsic size from width/height (px or unitless) or the viewBox.
 */
public final class SvgParser implements DocumentParser {
    private final java.util.function.Supplier<SvgRasterizer> rasterizer;

    /** A parser whose documents are drawn by {@code rasterizer}'s library. */
    public SvgParser(java.util.function.Supplier<SvgRasterizer> rasterizer) {
        this.rasterizer = rasterizer;
    }

    private static final Pattern PX_LENGTH =
            Pattern.compile("\\s*([+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*(px)?\\s*");
    private static final Pattern VIEWBOX_SEPARATOR = Pattern.compile("[\\s,]+");

    @Override
    public PreparedDocument parse(JsonNode document, String pointer, RenderLimits limits) {
        String svgPointer = Violations.child(pointer, "svg");
        String svg = FieldReader.require(
                        document, pointer, "svg", JsonNode::isTextual, "required: the SVG markup as a string")
                .textValue();
        // A UTF-16 char is at most 3 UTF-8 bytes: skip the encode when the string cannot be too large.
        if ((long) svg.length() * 3 > limits.maxSvgBytes()
                && svg.getBytes(StandardCharsets.UTF_8).length > limits.maxSvgBytes()) {
            throw InvalidDocumentException.of(
                    svgPointer, "SVG is larger than the " + limits.maxSvgBytes() + " byte cap (maxSvgBytes)");
        }
        SvgPrepass.RootSize root = SvgPrepass.scan(svg, svgPointer, limits);
        double[] size = intrinsicSize(root, svgPointer);
        int width = (int) Math.ceil(size[0]);
        int height = (int) Math.ceil(size[1]);
        if (width > limits.maxDimension() || height > limits.maxDimension()) {
            throw InvalidDocumentException.of(
                    svgPointer,
                    "intrinsic size " + width + "x" + height + " exceeds the " + limits.maxDimension()
                            + " px cap (maxDimension)");
        }
        return rasterizer
                .get()
                .load(svg.getBytes(StandardCharsets.UTF_8), width, height)
                .orElseThrow(() -> InvalidDocumentException.of(svgPointer, "the SVG could not be parsed"));
    }

    /** Width and height in px from the root attributes; a missing or non-px side comes from the viewBox. */
    static double[] intrinsicSize(SvgPrepass.RootSize root, String pointer) {
        Double w = pxLength(root.width());
        Double h = pxLength(root.height());
        double[] vb = viewBox(root.viewBox(), pointer);
        if (w != null && h != null) {
            return new double[] {w, h};
        }
        if (vb == null) {
            throw InvalidDocumentException.of(
                    pointer, "cannot size the SVG: give the root width and height in px (or unitless), or a viewBox");
        }
        if (w != null) {
            return new double[] {w, Math.max(1, w * vb[3] / vb[2])};
        }
        if (h != null) {
            return new double[] {Math.max(1, h * vb[2] / vb[3]), h};
        }
        return new double[] {vb[2], vb[3]};
    }

    private static Double pxLength(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = PX_LENGTH.matcher(value);
        if (!m.matches()) {
            return null; // %, em, mm...: not an absolute pixel size, so the viewBox decides
        }
        double v = Double.parseDouble(m.group(1));
        return v >= 1 && Double.isFinite(v) ? v : null;
    }

    private static double[] viewBox(String value, String pointer) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String[] parts = VIEWBOX_SEPARATOR.split(value.strip());
        try {
            if (parts.length == 4) {
                double[] vb = new double[4];
                for (int i = 0; i < 4; i++) {
                    vb[i] = Double.parseDouble(parts[i]);
                }
                if (Double.isFinite(vb[2]) && Double.isFinite(vb[3]) && vb[2] >= 1 && vb[3] >= 1) {
                    return vb;
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the violation below
        }
        throw InvalidDocumentException.of(
                pointer,
                "viewBox '" + value + "' must be four numbers 'minX minY width height' with width, height >= 1");
    }
}
