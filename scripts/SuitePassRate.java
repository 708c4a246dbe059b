import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.InvalidDocumentException;
import dev.kiln.render.RenderCancelledException;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.SvgEngine;
import dev.kiln.render.image.PixelDiff;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Issue 9: the pass rate of each SVG engine on the whole of resvg's suite, per category, through Kiln's request path
 * (pre-pass, sizing, engine, PNG), with the rule of kiln-render's resvg-suite/README.md (at most 0.5 % of pixels
 * off by more than 4/255 in a straight-alpha channel). Each file has a 5 s budget. Usage (BENCHMARKS.md):
 * {@code java -cp kiln-bench/target/benchmarks.jar scripts/SuitePassRate.java SUITE_DIR [resvg|jsvg ...]}, where
 * SUITE_DIR is {@code crates/resvg/tests/tests} of linebender/resvg at the tag of the shipped resvg (v0.40.0).
 */
public final class SuitePassRate {
    private SuitePassRate() {}

    public static void main(String[] args) throws Exception {
        Path suite = Path.of(args[0]);
        List<SvgEngine> engines = args.length > 1
                ? Stream.of(args).skip(1).map(SvgEngine::of).toList()
                : List.of(SvgEngine.RESVG, SvgEngine.JSVG);
        List<Path> files;
        try (Stream<Path> s = Files.walk(suite)) {
            files = s.filter(p -> p.toString().endsWith(".svg"))
                    .filter(p -> Files.exists(png(p)))
                    .sorted()
                    .toList();
        }
        ObjectMapper json = new ObjectMapper();
        for (SvgEngine which : engines) {
            RenderEngine engine = RenderEngine.create(RenderLimits.defaults(), which);
            if (engine.svgEngine() != which) {
                throw new IllegalStateException(which + " is not available here");
            }
            Map<String, int[]> byCategory = new TreeMap<>(); // pass, rejected, timed out, total
            long started = System.nanoTime();
            for (Path svg : files) {
                String category = suite.relativize(svg).getName(0).toString();
                int[] c = byCategory.computeIfAbsent(category, k -> new int[4]);
                c[3]++;
                BufferedImage expected = ImageIO.read(png(svg).toFile());
                String markup;
                try {
                    markup = Files.readString(svg);
                } catch (java.nio.charset.MalformedInputException e) {
                    c[1]++; // not UTF-8 (the suite's encoding tests): a JSON request cannot carry it
                    continue;
                }
                ObjectNode req = json.createObjectNode();
                req.putObject("document").put("type", "svg").put("svg", markup);
                req.putObject("output").put("format", "png").put("width", expected.getWidth());
                long deadline = System.nanoTime() + 5_000_000_000L;
                try {
                    byte[] out = engine.render(engine.prepare(req), () -> System.nanoTime() > deadline).bytes();
                    double off = PixelDiff.offFraction(ImageIO.read(new ByteArrayInputStream(out)), expected, 4);
                    if (off <= 0.005) {
                        c[0]++;
                    } else {
                        System.err.printf("FAIL %s %s %.2f%%%n", which, suite.relativize(svg), off * 100);
                    }
                } catch (InvalidDocumentException e) {
                    System.err.printf("4XX %s %s %s%n", which, suite.relativize(svg), e.getMessage());
                    c[1]++;
                } catch (RenderCancelledException e) {
                    c[2]++;
                } catch (RuntimeException e) {
                    c[1]++;
                }
            }
            int pass = 0;
            int total = 0;
            int passNoText = 0;
            int totalNoText = 0;
            System.out.printf("%n%s (%d files, %.0f s)%n| category | pass | of | rate | 4xx | over 5 s |%n|---|---:|---:|---:|---:|---:|%n",
                    which, files.size(), (System.nanoTime() - started) / 1e9);
            for (Map.Entry<String, int[]> e : byCategory.entrySet()) {
                int[] c = e.getValue();
                System.out.printf("| %s | %d | %d | %.1f %% | %d | %d |%n", e.getKey(), c[0], c[3], 100.0 * c[0] / c[3], c[1], c[2]);
                pass += c[0];
                total += c[3];
                if (!e.getKey().equals("text")) {
                    passNoText += c[0];
                    totalNoText += c[3];
                }
            }
            System.out.printf("| **all but text** | %d | %d | **%.1f %%** | | |%n| all | %d | %d | %.1f %% | | |%n",
                    passNoText, totalNoText, 100.0 * passNoText / totalNoText, pass, total, 100.0 * pass / total);
        }
        System.exit(0);
    }

    private static Path png(Path svg) {
        return svg.resolveSibling(svg.getFileName().toString().replaceAll("\\.svg$", ".png"));
    }
}
