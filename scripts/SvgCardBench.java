import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.SvgEngine;
import dev.kiln.render.svg.resvg.ResvgSandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 9: single-thread ms per SVG card (the loadgen's reference card at 1200 px), through Kiln's request path with
 * each SVG engine (prepare + draw + encode, per format), and the native engine's parts (the child's render and the
 * pipe, the draw with the conversion to a Java image), interleaved round by round. Usage (BENCHMARKS.md):
 * {@code java -cp kiln-bench/target/benchmarks.jar scripts/SvgCardBench.java [rounds] [warmup]}; pair it with
 * {@code node scripts/resvg-native-card.mjs ../shared/peers/node-render} in the same sitting.
 */
public final class SvgCardBench {
    private SvgCardBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String svg = Files.readString(Path.of("kiln-loadgen/src/main/resources/dev/kiln/loadgen/reference-card.svg"));
        byte[] utf8 = svg.getBytes(StandardCharsets.UTF_8);
        RenderEngine resvg = RenderEngine.create(RenderLimits.defaults(), SvgEngine.RESVG);
        RenderEngine jsvg = RenderEngine.create(RenderLimits.defaults(), SvgEngine.JSVG);
        if (resvg.svgEngine() != SvgEngine.RESVG) {
            throw new IllegalStateException("native resvg did not start");
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, Runnable> cases = new LinkedHashMap<>();
        cases.put("native host: render + pipe (raw RGBA)", () -> {
            try {
                ResvgSandbox.engine().render(utf8, 1200, 16_000_000, () -> false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        PreparedRender drawOnly = resvg.prepare(request(json, svg, "png"));
        cases.put("kiln resvg: draw (+ RGBA to Java image)", () -> drawOnly.document().draw(1200, 630, 0, CancellationSignal.NONE));
        for (String format : List.of("png", "jpeg", "webp")) {
            cases.put("kiln resvg: prepare + draw + " + format, () -> resvg.render(resvg.prepare(request(json, svg, format)), CancellationSignal.NONE));
            cases.put("kiln jsvg:  prepare + draw + " + format, () -> jsvg.render(jsvg.prepare(request(json, svg, format)), CancellationSignal.NONE));
        }
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        for (int r = 0; r < warmup + rounds; r++) {
            for (Map.Entry<String, Runnable> c : cases.entrySet()) {
                long t = System.nanoTime();
                c.getValue().run();
                double d = (System.nanoTime() - t) / 1e6;
                if (r >= warmup) {
                    ms.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(d);
                }
            }
        }
        System.out.printf("%-50s %10s %10s %10s%n", "case (ms, " + rounds + " rounds)", "median", "min", "max");
        for (Map.Entry<String, List<Double>> e : ms.entrySet()) {
            List<Double> v = e.getValue().stream().sorted().toList();
            System.out.printf("%-50s %10.1f %10.1f %10.1f%n", e.getKey(), v.get(v.size() / 2), v.getFirst(), v.getLast());
        }
        ResvgSandbox.engine().close();
    }

    private static ObjectNode request(ObjectMapper json, String svg, String format) {
        ObjectNode req = json.createObjectNode();
        req.putObject("document").put("type", "svg").put("svg", svg);
        req.putObject("output").put("format", format).put("width", 1200);
        return req;
    }
}
