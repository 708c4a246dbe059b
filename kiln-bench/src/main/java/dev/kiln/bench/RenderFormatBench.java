package dev.kiln.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread cost of one full render (prepare excluded: draw + encode) of a 1200×630 reference card per
 * output format. Add a document by adding a resource name to {@link #document} and a case to {@link #request}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RenderFormatBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The document to render: {@code scene-card} is the README's sample card (examples/card.json: gradient,
     * shadowed rounded rect, text, path); {@code svg-card} is a gradient background, rounded rects, circles and
     * paths.
     */
    @Param({"scene-card", "svg-card"})
    public String document;

    @Param({"png", "jpeg", "webp"})
    public String format;

    private RenderEngine engine;
    private PreparedRender prepared;

    @Setup
    public void setUp() {
        engine = RenderEngine.create(RenderLimits.defaults());
        ObjectNode req = request(document);
        req.putObject("output").put("format", format);
        prepared = engine.prepare(req);
    }

    static ObjectNode request(String document) {
        ObjectNode req = JSON.createObjectNode();
        switch (document) {
            case "svg-card" -> req.putObject("document").put("type", "svg").put("svg", resource("card.svg"));
            case "scene-card" -> req.set("document", parse(resource("scene-card.json")));
            default -> throw new IllegalArgumentException("unknown benchmark document " + document);
        }
        return req;
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Full render: draw and encode. */
    @Benchmark
    public byte[] render() {
        return engine.render(prepared, CancellationSignal.NONE).bytes();
    }

    static String resource(String name) {
        try (InputStream in = RenderFormatBench.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing benchmark resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
