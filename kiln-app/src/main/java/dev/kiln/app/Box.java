package dev.kiln.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The box this instance runs in: the cgroup's CPU quota and memory limit when it has them (v1 or v2), else the
 * host's cores and memory. The heap the launcher gives the JVM, the render workers and the per-job memory budget
 * are all sized from it (docs/capacity-model.md, "Default sizing").
 *
 * @param cpus whole cores the process may use: the quota rounded up, at most the host's cores, at least 1
 * @param memoryBytes memory the process may use: the limit, or the host's memory when there is none
 * @param source where the figures came from: {@code cgroup v1}, {@code cgroup v2} or {@code host}
 */
record Box(int cpus, long memoryBytes, String source) {

    private static final long MIB = 1024 * 1024;

    /** Smallest default heap: below it the server's own structures leave no room for a render. */
    static final long MIN_HEAP_BYTES = 128 * MIB;

    /**
     * Share of the box's memory the heap may take by default. The rest is the JVM's own memory (metaspace, code
     * cache, thread stacks, GC structures), Skia's native surfaces and the kernel's socket buffers, which together
     * measured 150–250 MB beside the heap under 3× overload (BENCHMARKS.md, "Memory").
     */
    static final double HEAP_SHARE_OF_BOX = 0.5;

    /**
     * Heap per core on a box with memory to spare (a host, a generous limit): two per-job budgets per render
     * worker (half of the heap is the render budget, the other half bodies, caches and the rest). A large host's
     * memory alone would give a heap far beyond what the render workers can use, and RSS grows with it.
     */
    static final long HEAP_PER_CPU_BYTES = 256 * MIB;

    Box {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be at least 1, was " + cpus);
        }
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("memoryBytes must be positive, was " + memoryBytes);
        }
    }

    /** This process's box: its cgroup limits over the host's cores and memory. */
    static Box detect() {
        return of(ContainerLimits.detect(), Runtime.getRuntime().availableProcessors(), hostMemoryBytes());
    }

    /** The box given cgroup {@code limits} on a host with {@code hostCpus} cores and {@code hostMemoryBytes}. */
    static Box of(ContainerLimits limits, int hostCpus, long hostMemoryBytes) {
        int cpus = Math.max(1, hostCpus);
        long memory = hostMemoryBytes;
        boolean limited = false;
        if (limits.cpus().isPresent()) {
            // A quota of 1.5 cores lets two threads run at once for part of each period; count it as 2.
            cpus = (int) Math.max(1, Math.min(cpus, Math.ceil(limits.cpus().getAsDouble() - 1e-9)));
            limited = true;
        }
        if (limits.memoryBytes().isPresent() && limits.memoryBytes().getAsLong() < memory) {
            memory = limits.memoryBytes().getAsLong();
            limited = true;
        }
        return new Box(cpus, memory, limited ? "cgroup " + limits.version() : "host");
    }

    /**
     * The default max heap: half the box's memory, but no more than {@link #HEAP_PER_CPU_BYTES} a core, and at
     * least {@link #MIN_HEAP_BYTES}. E.g. 512 MiB and 1 core → 256 MiB; a 24 GiB host with 2 cores → 512 MiB.
     */
    long defaultHeapBytes() {
        long byMemory = (long) (memoryBytes * HEAP_SHARE_OF_BOX);
        long byCpus = cpus * HEAP_PER_CPU_BYTES;
        return roundToMib(Math.max(MIN_HEAP_BYTES, Math.min(byMemory, byCpus)));
    }

    /** The garbage collector the launcher picks for a box. */
    enum Collector {
        /**
         * Serial: no concurrent GC threads, the smallest footprint, short young pauses over a small live set. On
         * 2 CPUs under 3× overload it peaked at 319–323 MB RSS against ZGC's 462–472 MB at the same heap, with
         * goodput the same within the noise (BENCHMARKS.md, "Memory"); on one CPU ZGC's concurrent threads would
         * also take the core the renders need.
         */
        SERIAL("serial"),
        /** Generational ZGC with a soft max of half the heap: sub-millisecond pauses where cores are plenty. */
        ZGC("zgc");

        private final String wireName;

        Collector(String wireName) {
            this.wireName = wireName;
        }

        /** The word the launcher reads. */
        String wireName() {
            return wireName;
        }
    }

    /** Most CPUs for which the default collector is Serial; above, ZGC (not measured here: more cores, bigger heaps). */
    static final int SERIAL_MAX_CPUS = 2;

    /** The default collector: Serial on small boxes (up to {@link #SERIAL_MAX_CPUS} CPUs), ZGC on larger ones. */
    Collector defaultCollector() {
        return cpus <= SERIAL_MAX_CPUS ? Collector.SERIAL : Collector.ZGC;
    }

    /** One line for the start-up log: where the figures came from and what they are. */
    String describe() {
        return source + ": " + cpus + (cpus == 1 ? " CPU, " : " CPUs, ") + memoryBytes / MIB + " MiB";
    }

    private static long roundToMib(long bytes) {
        return bytes / MIB * MIB;
    }

    /** {@code MemTotal} of {@code /proc/meminfo}, or what the JVM reports where that file does not exist. */
    static long hostMemoryBytes() {
        try {
            long kib = memTotalKib(Files.readAllLines(Path.of("/proc/meminfo")));
            if (kib > 0) {
                return kib * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unreadable /proc: fall back below
        }
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os.getTotalMemorySize();
    }

    /** The {@code MemTotal:} line of {@code /proc/meminfo}, in KiB; 0 when missing. */
    static long memTotalKib(List<String> meminfo) {
        for (String line : meminfo) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).strip().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        return 0;
    }
}
