package dev.kiln.render;

import java.util.Locale;

/** Which library draws {@code {"type":"svg"}} documents (docs/render-engines.md says why resvg is the default). */
public enum SvgEngine {
    /** Native resvg in confined child processes (kiln-resvg): the default. */
    RESVG,
    /** JSVG in the JVM, behind an interrupting class loader: the fallback when the native host cannot start. */
    JSVG;

    /** Parses {@code resvg} or {@code jsvg}, any case. */
    public static SvgEngine of(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown SVG engine '" + name + "'; expected resvg or jsvg", e);
        }
    }
}
