package dev.kiln.render;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.encode.Encoders;
import dev.kiln.render.internal.DocumentParser;
import dev.kiln.render.internal.FieldReader;
import dev.kiln.render.internal.PreparedDocument;
import dev.kiln.render.internal.RenderAbortedError;
import dev.kiln.render.internal.RenderGuard;
import dev.kiln.render.internal.Violations;
import dev.kiln.render.lottie.LottieParser;
import dev.kiln.render.scene.SceneParser;
import dev.kiln.render.svg.SvgParser;
import dev.kiln.render.svg.SvgSandbox;
import dev.kiln.render.svg.resvg.ResvgSandbox;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Objects;

/** The default {@link Renderer}: scene, SVG and Lottie documents to PNG, JPEG or WebP. */
public final class RenderEngine implements Renderer {
    private final RenderLimits limits;
    private final Map<String, DocumentParser> parsers;
    private final String typeRequired;

    private final SvgEngine svgEngine;

    private RenderEngine(RenderLimits limits, SvgEngine svgEngine) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.svgEngine = svgEngine;
        // Ordered, so the "one of" message lists the types the same way in every run.
        this.parsers = new java.util.LinkedHashMap<>();
        parsers.put("scene", new SceneParser());
        parsers.put(
                "svg", new SvgParser(svgEngine == SvgEngine.RESVG ? ResvgSandbox::rasterizer : SvgSandbox::rasterizer));
        parsers.put("lottie", new LottieParser());
        this.typeRequired = "required: one of " + parsers.keySet();
    }

    /** Creates an engine enforcing {@code limits}, drawing SVG with native resvg where it can start. */
    public static RenderEngine create(RenderLimits limits) {
        return create(limits, SvgEngine.RESVG);
    }

    /**
     * Creates an engine enforcing {@code limits} whose SVG documents {@code svg} draws. When native resvg cannot
     * start on this machine (the host's confinement needs Landlock and seccomp), JSVG draws them instead and a
     * warning says why; {@link #svgEngine()} tells which one it is.
     */
    public static RenderEngine create(RenderLimits limits, SvgEngine svg) {
        SvgEngine chosen = svg;
        IllegalStateException failure = svg == SvgEngine.RESVG ? ResvgSandbox.failure() : null;
        if (failure != null) {
            System.getLogger(RenderEngine.class.getName())
                    .log(
                            System.Logger.Level.WARNING,
                            "native resvg cannot start here; SVG falls back to JSVG",
                            failure);
            chosen = SvgEngine.JSVG;
        }
        if (chosen == SvgEngine.JSVG) {
            SvgSandbox.warmUp(); // loads the sandboxed JSVG off the request path
        }
        return new RenderEngine(limits, chosen);
    }

    /** The library that draws this engine's SVG documents. */
    public SvgEngine svgEngine() {
        return svgEngine;
    }

    /** The caps this engine enforces. */
    public RenderLimits limits() {
        return limits;
    }

    @Override
    public PreparedRender prepare(JsonNode request) {
        return prepare(request, CancellationSignal.NONE);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The parse runs inside a {@link RenderGuard} section, so library code stuck in a loop is interrupted once
     * {@code cancel} fires.
     */
    @Override
    public PreparedRender prepare(JsonNode request, CancellationSignal cancel) {
        Objects.requireNonNull(cancel, "cancel");
        try (RenderGuard.Section ignored = RenderGuard.enter(cancel)) {
            return prepareGuarded(request);
        } catch (RenderAbortedError e) {
            throw new RenderCancelledException();
        }
    }

    private PreparedRender prepareGuarded(JsonNode request) {
        if (request == null || !request.isObject()) {
            throw InvalidDocumentException.of("", "the body must be a JSON object with 'document' and 'output'");
        }
        JsonNode document =
                FieldReader.require(request, "", "document", JsonNode::isObject, "required: an object with a 'type'");
        JsonNode type = FieldReader.require(document, "/document", "type", JsonNode::isTextual, typeRequired);
        DocumentParser parser = parsers.get(type.textValue());
        if (parser == null) {
            throw InvalidDocumentException.of(
                    "/document/type",
                    "unknown document type '" + type.textValue() + "'; expected one of scene, svg, lottie");
        }
        PreparedDocument doc = parser.parse(document, "/document", limits);
        OutputSpec output = OutputSpecs.resolve(request.get("output"), "/output", doc, limits);
        return new PreparedRender(doc, output);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Draw and encode run inside a {@link RenderGuard} section: once {@code cancel} fires, the thread is
     * interrupted, which stops instrumented library code (JSVG) at its next loop iteration.
     */
    @Override
    public RenderOutput render(PreparedRender prepared, CancellationSignal cancel) {
        Objects.requireNonNull(cancel, "cancel");
        try (RenderGuard.Section ignored = RenderGuard.enter(cancel)) {
            return renderGuarded(prepared, cancel);
        } catch (RenderAbortedError e) {
            throw new RenderCancelledException();
        }
    }

    private RenderOutput renderGuarded(PreparedRender prepared, CancellationSignal cancel) {
        OutputSpec out = prepared.output();
        double timeMs = out.timeMs() != null
                ? out.timeMs()
                : prepared.document().fps() > 0
                        ? out.frame() * 1000.0 / prepared.document().fps()
                        : 0.0;
        cancel.throwIfCancelled();
        BufferedImage image = prepared.document().draw(out.width(), out.height(), timeMs, cancel);
        cancel.throwIfCancelled();
        byte[] bytes = Encoders.forFormat(out.format()).encode(image, out);
        return new RenderOutput(bytes, out.format().mediaType(), out.width(), out.height());
    }

    /** Resolves the {@code output} object against the document's natural size. */
    static final class OutputSpecs {
        private OutputSpecs() {}

        static OutputSpec resolve(JsonNode node, String pointer, PreparedDocument doc, RenderLimits limits) {
            Violations v = new Violations();
            if (node == null || node.isNull()) {
                node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                        .objectNode()
                        .put("format", "png");
            }
            if (!node.isObject()) {
                throw InvalidDocumentException.of(pointer, "must be an object such as {\"format\":\"png\"}");
            }
            OutputFormat format = OutputFormat.PNG;
            JsonNode f = node.get("format");
            if (f != null) {
                if (!f.isTextual() || OutputFormat.fromWireName(f.textValue()).isEmpty()) {
                    v.add(pointer + "/format", "must be one of png, jpeg, webp for a still render");
                } else {
                    format = OutputFormat.fromWireName(f.textValue()).orElseThrow();
                }
            }
            int quality = intField(node, "quality", pointer, 1, 100, OutputSpec.DEFAULT_QUALITY, v);
            Integer w = optionalInt(node, "width", pointer, 1, limits.maxDimension(), v);
            Integer h = optionalInt(node, "height", pointer, 1, limits.maxDimension(), v);
            int frame = intField(node, "frame", pointer, 0, Math.max(0, doc.frameCount() - 1), 0, v);
            Double timeMs = null;
            JsonNode t = node.get("timeMs");
            if (t != null && !t.isNull()) {
                double maxMs = doc.fps() > 0 ? doc.frameCount() * 1000.0 / doc.fps() : 0.0;
                if (!t.isNumber() || t.doubleValue() < 0 || t.doubleValue() > maxMs) {
                    v.add(pointer + "/timeMs", "must be a number from 0 to " + maxMs + " (the document's duration)");
                } else {
                    timeMs = t.doubleValue();
                }
            }
            v.throwIfAny();
            int iw = doc.intrinsicWidth();
            int ih = doc.intrinsicHeight();
            int width;
            int height;
            if (w != null && h != null) {
                width = w;
                height = h;
            } else if (w != null) {
                width = w;
                height = (int) Math.max(1, Math.round((double) ih * w / iw));
            } else if (h != null) {
                height = h;
                width = (int) Math.max(1, Math.round((double) iw * h / ih));
            } else {
                width = iw;
                height = ih;
            }
            if (width > limits.maxDimension() || height > limits.maxDimension()) {
                throw InvalidDocumentException.of(
                        pointer,
                        "output size " + width + "x" + height + " exceeds the " + limits.maxDimension() + " px cap");
            }
            if ((long) width * height > limits.maxPixels()) {
                throw InvalidDocumentException.of(
                        pointer,
                        "output size " + width + "x" + height + " exceeds the " + limits.maxPixels() + " pixel cap");
            }
            return new OutputSpec(format, quality, width, height, frame, timeMs);
        }

        private static int intField(
                JsonNode node, String name, String pointer, int min, int max, int dflt, Violations v) {
            Integer value = optionalInt(node, name, pointer, min, max, v);
            return value == null ? dflt : value;
        }

        private static Integer optionalInt(JsonNode node, String name, String pointer, int min, int max, Violations v) {
            JsonNode n = node.get(name);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < min || n.intValue() > max) {
                v.add(Violations.child(pointer, name), "must be an integer from " + min + " to " + max);
                return null;
            }
            return n.intValue();
        }
    }
}
