package dev.kiln.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.Document;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.encode.Encoders;
import dev.kiln.render.svg.jsvg.JsvgRasterizer;
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
 * What hang containment costs a render (issue 11): {@code contained} is the production path ({@link RenderEngine}:
 * a render-guard section, and for SVG JSVG rewritten with a checkpoint before every branch); {@code plain} draws the
 * same prepared document without the guard, with JSVG as shipped (loaded by the application class loader), and
 * encodes it with the same PNG encoder.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ContainmentBench {
    @Param({"scene-card", "svg-card"})
    public String document;

    @Param({"contained", "plain"})
    public String path;

    private RenderEngine engine;
    private PreparedRender prepared;
    private Document plainDocument;

    @Setup
    public void setUp() {
        engine = RenderEngine.create(RenderLimits.defaults());
        ObjectNode req = RenderFormatBench.request(document);
        req.putObject("output").put("format", "png");
        prepared = engine.prepare(req);
        plainDocument = plainDocument(document, prepared);
        if (plainDocument.getClass().getClassLoader()
                        == prepared.document().getClass().getClassLoader()
                && document.equals("svg-card")) {
            throw new IllegalStateException("the plain SVG path must use JSVG as shipped, not the sandbox's copy");
        }
    }

    /** The prepared document drawn without containment: for SVG, JSVG as shipped (the application loader's copy). */
    static Document plainDocument(String document, PreparedRender prepared) {
        return document.equals("svg-card")
                ? new JsvgRasterizer()
                        .load(
                                RenderFormatBench.resource("card.svg").getBytes(StandardCharsets.UTF_8),
                                prepared.document().intrinsicWidth(),
                                prepared.document().intrinsicHeight())
                        .orElseThrow()
                : prepared.document();
    }

    /** One full render, draw and PNG encode, on the path named by {@link #path}. */
    @Benchmark
    public byte[] render() {
        if (path.equals("contained")) {
            return engine.render(prepared, CancellationSignal.NONE).bytes();
        }
        OutputSpec out = prepared.output();
        return Encoders.encode(plainDocument.draw(out.width(), out.height(), 0, CancellationSignal.NONE), out);
    }
}
