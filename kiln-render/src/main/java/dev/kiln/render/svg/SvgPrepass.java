package dev.kiln.render.svg;

import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.internal.EmbeddedImages;
import java.io.StringReader;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A safe streaming pass over an SVG before any renderer sees it: rejects DTDs (and so XXE and entity
 * expansion), external references and stylesheets, and reads the root's sizing attributes.
 */
final class SvgPrepass {
    /** Same-document fragments and inline raster images are the only references Kiln accepts. */
    private static final Pattern ALLOWED_REF =
            Pattern.compile("(?s)#.*|data:image/(png|jpeg|gif|webp);base64,.*", Pattern.CASE_INSENSITIVE);

    private static final Pattern CSS_URL =
            Pattern.compile("url\\(\\s*(['\"]?)(.*?)\\1\\s*\\)", Pattern.CASE_INSENSITIVE);

    /**
     * Largest {@code stdDeviation} accepted. JSVG pads the blurred surface by three deviations a side: at 10,000 it
     * ran a 1 GiB heap out of memory from a 400-byte document, and at 3,000 it took 3.4 s; 1,000 (0.9 s) already
     * blurs any card into one colour.
     */
    static final double MAX_STD_DEVIATION = 1000;

    private static final Pattern NUMBER_LIST_SEPARATOR = Pattern.compile("[\\s,]+");

    private static final XMLInputFactory FACTORY = hardenedFactory();

    /** The root {@code <svg>} element's sizing attributes, raw. */
    record RootSize(String width, String height, String viewBox) {}

    private SvgPrepass() {}

    /**
     * Anything but a command letter after closepath, as in {@code d="M0 0Z0"} or {@code "M0 0Z?"}: invalid path
     * grammar (Z takes no arguments) that sends JSVG 2.0.0's PathParser into an endless loop growing a list until
     * the heap is gone, at parse time (docs/hangs.md). Rejected before JSVG sees it. (A stray letter is harmless:
     * JSVG stops at it.)
     */
    private static final Pattern JUNK_AFTER_CLOSEPATH = Pattern.compile("[Zz][\\s,]*[^\\sA-Za-z,]");

    private static XMLInputFactory hardenedFactory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        // No DTD processing at all: a DOCTYPE is reported as an event (and rejected) but never interpreted.
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXMLResolver((publicId, systemId, baseUri, ns) -> {
            throw new XMLStreamException("external entity " + systemId + " refused");
        });
        return f;
    }

    /**
     * Scans {@code svg}; throws {@link InvalidDocumentException} at {@code pointer} on the first forbidden
     * construct.
     */
    static RootSize scan(String svg, String pointer, RenderLimits limits) {
        XMLStreamReader r = null;
        try {
            r = FACTORY.createXMLStreamReader(new StringReader(svg));
            RootSize root = null;
            boolean inStyle = false;
            DashBudget dashes = new DashBudget();
            while (r.hasNext()) {
                int event = r.next();
                switch (event) {
                    case XMLStreamConstants.DTD ->
                        throw InvalidDocumentException.of(
                                pointer, "DOCTYPE and ENTITY declarations are not allowed in SVG documents");
                    case XMLStreamConstants.ENTITY_REFERENCE ->
                        throw InvalidDocumentException.of(
                                pointer, "entity reference &" + r.getLocalName() + "; is not allowed");
                    case XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                        if ("xml-stylesheet".equalsIgnoreCase(r.getPITarget())) {
                            throw InvalidDocumentException.of(
                                    pointer, "external stylesheets (<?xml-stylesheet?>) are not allowed");
                        }
                    }
                    case XMLStreamConstants.START_ELEMENT -> {
                        String name = r.getLocalName();
                        if (root == null) {
                            if (!name.equals("svg")) {
                                throw InvalidDocumentException.of(
                                        pointer, "the root element must be <svg>, was <" + name + ">");
                            }
                            root = new RootSize(
                                    r.getAttributeValue(null, "width"),
                                    r.getAttributeValue(null, "height"),
                                    r.getAttributeValue(null, "viewBox"));
                            viewport(dashes, root);
                        }
                        XMLStreamReader element = r;
                        dashes.shape(name, a -> element.getAttributeValue(null, a));
                        dashes.dashArray(r.getAttributeValue(null, "stroke-dasharray"));
                        String style = r.getAttributeValue(null, "style");
                        if (style != null) {
                            dashes.css(style);
                        }
                        for (int i = 0; i < r.getAttributeCount(); i++) {
                            checkAttribute(name, r.getAttributeLocalName(i), r.getAttributeValue(i), pointer, limits);
                        }
                        inStyle = name.equals("style");
                    }
                    case XMLStreamConstants.END_ELEMENT -> inStyle = false;
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                        if (inStyle) {
                            checkCss("<style>", r.getText(), pointer);
                            dashes.css(r.getText());
                        }
                    }
                    default -> {
                        // comments, whitespace and the document end carry nothing to check
                    }
                }
            }
            if (root == null) {
                throw InvalidDocumentException.of(pointer, "no <svg> root element");
            }
            dashes.check(pointer);
            return root;
        } catch (XMLStreamException e) {
            throw InvalidDocumentException.of(pointer, "malformed XML: " + firstLine(e.getMessage()));
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release beyond the in-memory reader
                }
            }
        }
    }

    /** Percent lengths resolve against the viewBox when there is one, else the root's size, else 100 × 100. */
    private static void viewport(DashBudget dashes, RootSize root) {
        if (root.viewBox() != null) {
            String[] vb = root.viewBox().strip().split("[\\s,]+");
            if (vb.length == 4) {
                try {
                    dashes.viewport(Math.abs(Double.parseDouble(vb[2])), Math.abs(Double.parseDouble(vb[3])));
                    return;
                } catch (NumberFormatException e) {
                    // the parser reports a bad viewBox; keep the default base
                }
            }
        }
    }

    private static void checkAttribute(String element, String attr, String value, String pointer, RenderLimits limits) {
        String where = "<" + element + " " + attr + ">";
        // An <a>'s href is a hyperlink: no renderer follows it, so any target is harmless in an image.
        if ((attr.equals("href") || attr.equals("src")) && !element.equals("a")) {
            checkReference(where, value.strip(), pointer);
            // JSVG decodes embedded images itself, with no pixel cap: check the header here (docs/hangs.md).
            String capped = EmbeddedImages.capViolation(value.strip(), limits);
            if (capped != null) {
                throw InvalidDocumentException.of(pointer, capped + " in " + where);
            }
        }
        if ((attr.equals("d") || attr.equals("path"))
                && JUNK_AFTER_CLOSEPATH.matcher(value).find()) {
            throw InvalidDocumentException.of(
                    pointer,
                    "path data in " + where + " has a number or symbol after Z/z ('" + abbreviate(value.strip())
                            + "'); closepath takes no arguments, only a next command may follow it");
        }
        if (attr.equals("stdDeviation")) {
            checkStdDeviation(where, value, pointer);
        }
        checkCss(where, value, pointer);
    }

    /**
     * A negative blur is an error in SVG, and JSVG's kernel sizing (2.0.0 and 2.1.0 alike) loops for ever on one: its
     * sum of the normal density never reaches one half. Refused here with a clear 422 ({@code -0} is zero and fine);
     * the render guard stops whatever slips past this check.
     */
    private static void checkStdDeviation(String where, String value, String pointer) {
        if (value.isBlank()) {
            return; // absent or empty means 0: no blur
        }
        String[] parts = NUMBER_LIST_SEPARATOR.split(value.strip());
        for (String part : parts) {
            double v;
            try {
                v = Double.parseDouble(part);
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (!Double.isFinite(v) || v < 0) {
                throw InvalidDocumentException.of(
                        pointer,
                        where + " must be one or two finite numbers >= 0, was '" + abbreviate(value.strip())
                                + "' (a negative blur is an error in SVG)");
            }
            if (v > MAX_STD_DEVIATION) {
                throw InvalidDocumentException.of(
                        pointer,
                        where + " must be at most " + (int) MAX_STD_DEVIATION + ", was '" + abbreviate(value.strip())
                                + "' (the blur's padded surface would exceed the pixel cap; maxStdDeviation)");
            }
        }
    }

    private static void checkCss(String where, String text, String pointer) {
        if (text.toLowerCase(Locale.ROOT).contains("@import")) {
            throw InvalidDocumentException.of(pointer, "CSS @import in " + where + " is not allowed");
        }
        Matcher m = CSS_URL.matcher(text);
        while (m.find()) {
            checkReference(where, m.group(2).strip(), pointer);
        }
    }

    private static void checkReference(String where, String ref, String pointer) {
        if (!ALLOWED_REF.matcher(ref).matches()) {
            throw InvalidDocumentException.of(
                    pointer,
                    "external reference '" + abbreviate(ref) + "' in " + where
                            + " is not allowed; only same-document '#id' references and"
                            + " data:image/(png|jpeg|gif|webp);base64 URIs are (Kiln never fetches URLs)");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String m = message.strip();
        int nl = m.indexOf('\n');
        return abbreviate(nl < 0 ? m : m.substring(nl + 1).strip());
    }
}
