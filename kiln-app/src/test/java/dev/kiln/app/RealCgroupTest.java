package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A JVM started inside a real cgroup v1 group with 512 MiB and a 1-core quota sizes itself from it. Runs where
 * the machine allows it (root, a writable v1 memory and cpu hierarchy); skipped elsewhere. The groups are made
 * under this process's own memory group, so they live inside whatever limit it already has.
 */
class RealCgroupTest {
    private static final Path V1_MEMORY = Path.of("/sys/fs/cgroup/memory");
    private static final Path V1_CPU = Path.of("/sys/fs/cgroup/cpu");

    private final List<Path> made = new ArrayList<>();

    @AfterEach
    void removeGroups() throws IOException {
        for (Path p : made.reversed()) {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void aJvmInA512MiBOneCoreGroupGetsA256MiBHeapAndOneCpu() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to make cgroups");
        assumeTrue(Files.isWritable(V1_MEMORY) && Files.isWritable(V1_CPU), "needs a writable cgroup v1 hierarchy");
        String name = "kiln-test-" + ProcessHandle.current().pid();
        Path memory = ownGroup("memory", V1_MEMORY).resolve(name);
        Path cpu = ownGroup("cpu", V1_CPU).resolve(name);
        Files.createDirectory(memory);
        made.add(memory);
        Files.createDirectory(cpu);
        made.add(cpu);
        Files.writeString(memory.resolve("memory.limit_in_bytes"), Long.toString(512L * 1024 * 1024));
        Files.writeString(cpu.resolve("cpu.cfs_period_us"), "100000");
        Files.writeString(cpu.resolve("cpu.cfs_quota_us"), "100000");

        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("java.class.path");
        Process child = new ProcessBuilder(
                        "sh",
                        "-c",
                        "echo $$ > " + memory.resolve("cgroup.procs") + " && echo $$ > " + cpu.resolve("cgroup.procs")
                                + " && exec \"$0\" -Xshare:auto -cp \"$1\" dev.kiln.app.HeapSizing --describe",
                        java,
                        classpath)
                .redirectErrorStream(true)
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out)
                .contains("box=cgroup v1: 1 CPU, 512 MiB")
                .contains("heap=256m")
                .contains("gc=serial");
    }

    /** This process's group in a v1 hierarchy (from /proc/self/cgroup), so test groups nest inside it. */
    private static Path ownGroup(String controller, Path mount) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && List.of(parts[1].split(",")).contains(controller)) {
                return parts[2].equals("/") ? mount : mount.resolve(parts[2].substring(1));
            }
        }
        return mount;
    }
}
