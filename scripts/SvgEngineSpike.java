

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.LoaderContext;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.parser.resources.ResourcePolicy;
import com.github.weisj.jsvg.view.ViewBox;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.OutputFormat;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.encode.Encoders;
import dev.kiln.svg.ResvgEngine;
import dev.kiln.svg.ResvgLimits;
import dev.kiln.svg.RgbaImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Issue 9 spike figures, one JVM: single-thread ms per SVG card for JSVG and resvg-wasm on Chicory (raw pixels and
 * PNG), interleaved round by round, and with {@code --suite DIR} both engines' pass rates on a suite sample (the rule
 * of kiln-svg's {@code resvg-suite/README.md}). Usage (docs/render-engines.md):
 * {@code java -cp "$CP" scripts/SvgEngineSpike.java [--rounds N] [--warmup N]
 * [--suite DIR] [--card SVG]}; the card defaults to the loadgen's reference card (what {@code ./kiln bench render}
 * sends).
 */
public final class SvgEngineSpike {
    private static final int W = 1200;
    private static final int H = 630;

    private SvgEngineSpike() {}

    public static void main(String[] args) throws IOException {
        int rounds = 10;
        int warmup = 5;
        Path suite = null;
        Path card = Path.of("kiln-loadgen/src/main/resources/dev/kiln/loadgen/reference-card.svg");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--suite" -> suite = Path.of(args[++i]);
                case "--card" -> card = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (suite != null) {
            conformance(suite);
        }
        timing(Files.readString(card), rounds, warmup);
    }

    private static void timing(String svg, int rounds, int warmup) {
        byte[] utf8 = svg.getBytes(StandardCharsets.UTF_8);
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        ObjectNode req =
                com.fasterxml.jackson.databind.json.JsonMapper.builder().build().createObjectNode();
        req.putObject("document").put("type", "svg").put("svg", svg);
        req.putObject("output").put("format", "png");
        ResvgEngine resvg = new ResvgEngine(ResvgLimits.defaults());
        OutputSpec png = new OutputSpec(OutputFormat.PNG, OutputSpec.DEFAULT_QUALITY, W, H, 0, null);
        Map<String, Supplier<Object>> cases = new java.util.LinkedHashMap<>();
        cases.put("jsvg draw (raw pixels)", () -> jsvg(utf8));
        cases.put("jsvg prepare + draw + png (RenderEngine)", () -> {
            PreparedRender p = engine.prepare(req);
            return engine.render(p, CancellationSignal.NONE).bytes();
        });
        cases.put("resvg-wasm/chicory draw (raw RGBA)", () -> resvg.render(svg, W));
        cases.put("resvg-wasm/chicory draw + png", () -> Encoders.encode(toImage(resvg.render(svg, W)), png));
        Map<String, List<Double>> ms = new TreeMap<>();
        for (int round = 0; round < warmup + rounds; round++) {
            for (var c : cases.entrySet()) {
                long t = System.nanoTime();
                c.getValue().get();
                double d = (System.nanoTime() - t) / 1e6;
                if (round >= warmup) {
                    ms.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(d);
                }
            }
            System.err.printf("round %d done%n", round);
        }
        System.out.printf(
                "%-45s %10s %10s %10s%n", "case (1200x630 card, single thread)", "median ms", "min ms", "max ms");
        for (var c : cases.keySet()) {
            double[] v =
                    ms.get(c).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("%-45s %10.1f %10.1f %10.1f%n", c, v[v.length / 2], v[0], v[v.length - 1]);
        }
    }

    private static BufferedImage jsvg(byte[] utf8) {
        SVGDocument doc = new SVGLoader()
                .load(
                        new ByteArrayInputStream(utf8),
                        null,
                        LoaderContext.builder()
                                .externalResourcePolicy(ResourcePolicy.DENY_EXTERNAL)
                                .build());
        return drawJsvg(doc, W, H);
    }

    private static BufferedImage drawJsvg(SVGDocument doc, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB_PRE);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            doc.render((java.awt.Component) null, g, new ViewBox(0, 0, w, h));
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Premultiplied RGBA bytes into Java's premultiplied ARGB ints. */
    static BufferedImage toImage(RgbaImage img) {
        BufferedImage out = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_ARGB_PRE);
        int[] px = ((java.awt.image.DataBufferInt) out.getRaster().getDataBuffer()).getData();
        byte[] b = img.rgba();
        for (int i = 0, j = 0; i < px.length; i++, j += 4) {
            px[i] = (b[j + 3] & 0xff) << 24 | (b[j] & 0xff) << 16 | (b[j + 1] & 0xff) << 8 | (b[j + 2] & 0xff);
        }
        return out;
    }

    private static void conformance(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".svg")).sorted().toList();
        }
        ResvgEngine resvg = new ResvgEngine(ResvgLimits.defaults());
        int resvgPass = 0;
        int jsvgPass = 0;
        for (Path svg : files) {
            BufferedImage ref =
                    ImageIO.read(svg.resolveSibling(svg.getFileName().toString().replaceAll("\\.svg$", ".png"))
                            .toFile());
            String text = Files.readString(svg);
            String r;
            try {
                r = passes(toImage(resvg.render(text, ref.getWidth())), ref);
            } catch (RuntimeException e) {
                r = "error: " + e.getMessage();
            }
            String j;
            try {
                SVGDocument doc = new SVGLoader()
                        .load(
                                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                                null,
                                LoaderContext.builder()
                                        .externalResourcePolicy(ResourcePolicy.DENY_EXTERNAL)
                                        .build());
                j = doc == null ? "error: not loaded" : passes(drawJsvg(doc, ref.getWidth(), ref.getHeight()), ref);
            } catch (RuntimeException | AssertionError e) {
                j = "error: " + e;
            }
            resvgPass += r.equals("pass") ? 1 : 0;
            jsvgPass += j.equals("pass") ? 1 : 0;
            System.out.printf("%-75s resvg-wasm %-14s jsvg %s%n", root.relativize(svg), r, j);
        }
        System.out.printf(
                "pass rate: resvg-wasm %d/%d = %.1f %%, jsvg %d/%d = %.1f %%%n",
                resvgPass,
                files.size(),
                100.0 * resvgPass / files.size(),
                jsvgPass,
                files.size(),
                100.0 * jsvgPass / files.size());
    }

    /** "pass" when at most 0.5 % of pixels are off by more than 4/255 in a straight-alpha channel. */
    private static String passes(BufferedImage actual, BufferedImage ref) {
        if (actual.getWidth() != ref.getWidth() || actual.getHeight() != ref.getHeight()) {
            return "size";
        }
        long off = 0;
        for (int y = 0; y < ref.getHeight(); y++) {
            for (int x = 0; x < ref.getWidth(); x++) {
                int a = actual.getRGB(x, y);
                int e = ref.getRGB(x, y);
                if ((a >>> 24) == 0 && (e >>> 24) == 0) {
                    continue;
                }
                for (int shift = 0; shift < 32; shift += 8) {
                    if (Math.abs((a >>> shift & 0xff) - (e >>> shift & 0xff)) > 4) {
                        off++;
                        break;
                    }
                }
            }
        }
        double f = (double) off / ((long) ref.getWidth() * ref.getHeight());
        return f <= 0.005 ? "pass" : String.format("%.2f%%-off", f * 100);
    }
}
