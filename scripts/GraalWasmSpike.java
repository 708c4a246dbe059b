

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.LoaderContext;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.parser.resources.ResourcePolicy;
import com.github.weisj.jsvg.view.ViewBox;
import dev.kiln.render.OutputFormat;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.encode.Encoders;
import dev.kiln.svg.ResvgEngine;
import dev.kiln.svg.ResvgInterruptedException;
import dev.kiln.svg.ResvgLimits;
import dev.kiln.svg.RgbaImage;
import dev.kiln.svg.graalwasm.GraalResvgEngine;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Issue 9 spike figures, one JVM: single-thread ms per SVG card for JSVG, resvg-wasm on GraalWasm (context per render
 * and instance per render, raw RGBA and + PNG) and resvg-wasm on Chicory, interleaved round by round after each case's
 * own warm-up; a tiny SVG to show the per-render instance cost; and how long after its deadline a hostile render
 * stops. Usage (BENCHMARKS.md "SVG engine spike: GraalWasm"):
 * {@code java <JVMCI flags> -cp "$CP" scripts/GraalWasmSpike.java [--rounds N] [--warmup N] [--no-chicory | --only-instance]}.
 */
public final class GraalWasmSpike {
    private static final int W = 1200;
    private static final int H = 630;
    private static final String TINY = "<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20'>"
            + "<rect width='20' height='20' fill='red' fill-opacity='0.5'/></svg>";
    private static final String HOSTILE = "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='200'>"
            + "<filter id='m'><feMorphology radius='9999'/></filter>"
            + "<rect x='20' y='20' width='160' height='160' fill='seagreen' filter='url(#m)'/></svg>";

    private GraalWasmSpike() {}

    public static void main(String[] args) throws IOException {
        int rounds = 15;
        int warmup = 60;
        boolean chicory = true;
        boolean onlyInstance = false;
        Path card = Path.of("kiln-loadgen/src/main/resources/dev/kiln/loadgen/reference-card.svg");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--no-chicory" -> chicory = false;
                case "--only-instance" -> {
                    chicory = false;
                    onlyInstance = true;
                }
                case "--card" -> card = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String svg = Files.readString(card);
        byte[] utf8 = svg.getBytes(StandardCharsets.UTF_8);
        OutputSpec png = new OutputSpec(OutputFormat.PNG, OutputSpec.DEFAULT_QUALITY, W, H, 0, null);
        GraalResvgEngine perContext = new GraalResvgEngine(
                ResvgLimits.defaults(),
                onlyInstance ? GraalResvgEngine.Isolation.INSTANCE_PER_RENDER : GraalResvgEngine.Isolation.CONTEXT_PER_RENDER);
        GraalResvgEngine perInstance =
                new GraalResvgEngine(ResvgLimits.defaults(), GraalResvgEngine.Isolation.INSTANCE_PER_RENDER);
        System.out.printf(
                "polyglot engine: %s (optimizing %s)%n", perContext.implementationName(), perContext.optimizing());
        ResvgEngine chicoryEngine = new ResvgEngine(ResvgLimits.defaults());
        Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
        Map<String, Integer> warm = new LinkedHashMap<>();
        cases.put("jsvg draw (raw pixels)", () -> jsvg(utf8));
        warm.put("jsvg draw (raw pixels)", 20);
        if (!onlyInstance) {
            cases.put("graalwasm, context per render (raw RGBA)", () -> perContext.render(svg, W));
            warm.put("graalwasm, context per render (raw RGBA)", warmup);
        }
        cases.put("graalwasm, instance per render (raw RGBA)", () -> perInstance.render(svg, W));
        warm.put("graalwasm, instance per render (raw RGBA)", warmup);
        cases.put("graalwasm, instance per render + png", () -> Encoders.encode(toImage(perInstance.render(svg, W)), png));
        warm.put("graalwasm, instance per render + png", 5);
        if (!onlyInstance) {
            cases.put("graalwasm, tiny 40x20 svg, context per render", () -> perContext.render(TINY, 0));
            warm.put("graalwasm, tiny 40x20 svg, context per render", 20);
        }
        cases.put("graalwasm, tiny 40x20 svg, instance per render", () -> perInstance.render(TINY, 0));
        warm.put("graalwasm, tiny 40x20 svg, instance per render", 20);
        if (chicory) {
            cases.put("chicory (compiled) draw (raw RGBA)", () -> chicoryEngine.render(svg, W));
            warm.put("chicory (compiled) draw (raw RGBA)", 3);
        }
        for (var c : cases.entrySet()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < warm.get(c.getKey()); i++) {
                c.getValue().get();
            }
            System.err.printf("warmed %s in %.1f s%n", c.getKey(), (System.nanoTime() - t0) / 1e9);
        }
        long compilationsBefore = traceLines();
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (var c : cases.entrySet()) {
                long t = System.nanoTime();
                c.getValue().get();
                ms.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - t) / 1e6);
            }
        }
        long compilationsDuring = traceLines() - compilationsBefore;
        if (compilationsBefore >= 0) {
            System.out.printf("Truffle compilation log lines: %d during warm-up, %d during the measured rounds%n",
                    compilationsBefore, compilationsDuring);
        }
        System.out.printf("%-50s %10s %10s %10s%n", "case (1200x630 card, single thread)", "median ms", "min ms", "max ms");
        for (var c : cases.keySet()) {
            double[] v = ms.get(c).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("%-50s %10.1f %10.1f %10.1f%n", c, v[v.length / 2], v[0], v[v.length - 1]);
        }
        for (GraalResvgEngine e : List.of(perContext, perInstance)) {
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                try {
                    e.render(HOSTILE, 0, Duration.ofMillis(500));
                    System.out.println("hostile render finished?!");
                } catch (ResvgInterruptedException ex) {
                    System.out.printf("hostile feMorphology, deadline 500 ms: stopped after %.1f ms%n",
                            (System.nanoTime() - t) / 1e6);
                }
            }
        }
        perContext.close();
        perInstance.close();
    }

    /** Lines in the file of -Dpolyglot.log.file (with -Dpolyglot.engine.TraceCompilation=true), or -1. */
    private static long traceLines() {
        String file = System.getProperty("polyglot.log.file");
        if (file == null) {
            return -1;
        }
        try (var lines = Files.lines(Path.of(file))) {
            return lines.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static BufferedImage jsvg(byte[] utf8) {
        SVGDocument doc = new SVGLoader()
                .load(new ByteArrayInputStream(utf8), null,
                        LoaderContext.builder().externalResourcePolicy(ResourcePolicy.DENY_EXTERNAL).build());
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            doc.render((java.awt.Component) null, g, new ViewBox(0, 0, W, H));
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Premultiplied RGBA bytes into Java's premultiplied ARGB ints. */
    private static BufferedImage toImage(RgbaImage img) {
        BufferedImage out = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_ARGB_PRE);
        int[] px = ((java.awt.image.DataBufferInt) out.getRaster().getDataBuffer()).getData();
        byte[] b = img.rgba();
        for (int i = 0, j = 0; i < px.length; i++, j += 4) {
            px[i] = (b[j + 3] & 0xff) << 24 | (b[j] & 0xff) << 16 | (b[j + 1] & 0xff) << 8 | (b[j + 2] & 0xff);
        }
        return out;
    }
}
