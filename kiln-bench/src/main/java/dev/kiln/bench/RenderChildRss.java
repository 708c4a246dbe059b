package dev.kiln.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident memory a render child process would need (issue 11's rejected containment): renders the scene and
 * SVG cards 20 times each in a fresh JVM and prints its VmRSS and VmHWM. Run it with the heap and collector a child
 * would get, e.g. {@code java -Xmx64m -XX:+UseSerialGC -cp kiln-bench/target/benchmarks.jar
 * dev.kiln.bench.RenderChildRss}.
 */
public final class RenderChildRss {
    private RenderChildRss() {}

    /** Renders, then prints the process's resident set. */
    public static void main(String[] args) throws IOException {
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        for (String doc : new String[] {"scene-card", "svg-card"}) {
            ObjectNode req = RenderFormatBench.request(doc);
            for (int i = 0; i < 20; i++) {
                engine.render(engine.prepare(req), CancellationSignal.NONE);
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                System.out.println(line);
            }
        }
    }
}
