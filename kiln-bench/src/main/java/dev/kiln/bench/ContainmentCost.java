package dev.kiln.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.Document;
import dev.kiln.render.OutputSpec;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.encode.Encoders;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The containment's per-render cost measured the way a shared 2-core host allows: the same renders as
 * {@link ContainmentBench}, contained and plain <em>interleaved</em> (A, B, A, B…) so that drift in the machine's load
 * hits both alike, timed by the thread's own CPU time rather than the wall clock, and reported as medians. Run with
 * {@code java -cp kiln-bench/target/benchmarks.jar dev.kiln.bench.ContainmentCost [pairs]}.
 */
public final class ContainmentCost {
    private ContainmentCost() {}

    /** Prints, per document, the median CPU time of a contained and a plain render and their ratio. */
    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long metaBefore = metaspaceUsed();
        int classesBefore = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        // Preparing an SVG waits for the sandbox's copy of JSVG to load (the engine's public path to it).
        engine.prepare(RenderFormatBench.request("svg-card"));
        System.out.printf(
                Locale.ROOT,
                "sandbox: %d classes, %.1f MiB of metaspace (the instrumented copy of JSVG and the adapter)%n%n",
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount() - classesBefore,
                (metaspaceUsed() - metaBefore) / 1048576.0);
        System.out.println("| document | contained (median CPU ms) | plain (median CPU ms) | contained ÷ plain |");
        System.out.println("|---|---:|---:|---:|");
        for (String document : new String[] {"scene-card", "svg-card"}) {
            ObjectNode req = RenderFormatBench.request(document);
            req.putObject("output").put("format", "png");
            PreparedRender prepared = engine.prepare(req);
            Document plain = ContainmentBench.plainDocument(document, prepared);
            OutputSpec out = prepared.output();
            Runnable contained = () -> engine.render(prepared, CancellationSignal.NONE);
            Runnable direct =
                    () -> Encoders.encode(plain.draw(out.width(), out.height(), 0, CancellationSignal.NONE), out);
            for (int i = 0; i < 60; i++) { // warm-up: JIT both paths
                contained.run();
                direct.run();
            }
            long[] a = new long[pairs];
            long[] b = new long[pairs];
            for (int i = 0; i < pairs; i++) {
                a[i] = cpuOf(cpu, contained);
                b[i] = cpuOf(cpu, direct);
            }
            double ma = median(a) / 1e6;
            double mb = median(b) / 1e6;
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.3f |%n", document, ma, mb, ma / mb);
        }
    }

    private static long metaspaceUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getName().equals("Metaspace"))
                .mapToLong(p -> p.getUsage().getUsed())
                .sum();
    }

    private static long cpuOf(ThreadMXBean cpu, Runnable r) {
        long t0 = cpu.getCurrentThreadCpuTime();
        r.run();
        return cpu.getCurrentThreadCpuTime() - t0;
    }

    private static double median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
