package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cgroup v1 and v2 limits read from fixture trees laid out like {@code /} (src/test/resources/cgroup). */
class ContainerLimitsTest {
    private static final long MIB = 1024 * 1024;

    static Path fixture(String name) {
        try {
            return Path.of(
                    ContainerLimitsTest.class.getResource("/cgroup/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void v1NestedGroupOnAHybridHostReadsTheMemoryAndCpuControllers() {
        ContainerLimits limits = ContainerLimits.read(fixture("v1-nested"));

        assertThat(limits.version()).isEqualTo("v1");
        assertThat(limits.memoryBytes()).hasValue(512 * MIB);
        assertThat(limits.cpus()).hasValue(1.0);
    }

    @Test
    void v1InsideAContainerResolvesTheGroupAgainstTheMountRoot() {
        ContainerLimits limits = ContainerLimits.read(fixture("v1-docker"));

        assertThat(limits.version()).isEqualTo("v1");
        assertThat(limits.memoryBytes()).hasValue(256 * MIB);
        assertThat(limits.cpus()).hasValue(1.5);
    }

    @Test
    void v2TakesTheSmallestLimitOfTheGroupAndItsAncestors() {
        ContainerLimits limits = ContainerLimits.read(fixture("v2-nested"));

        assertThat(limits.version()).isEqualTo("v2");
        assertThat(limits.memoryBytes()).as("the parent slice's 384 MiB binds").hasValue(384 * MIB);
        assertThat(limits.cpus()).hasValue(1.0);
    }

    @Test
    void v2WithAPrivateCgroupNamespaceReadsTheMountPoint() {
        ContainerLimits limits = ContainerLimits.read(fixture("v2-namespace"));

        assertThat(limits.memoryBytes()).hasValue(1024 * MIB);
        assertThat(limits.cpus()).hasValue(2.5);
    }

    @Test
    void unlimitedGroupsAndMissingFilesMeanNoLimits(@TempDir Path empty) {
        assertThat(ContainerLimits.read(fixture("v2-unlimited"))).isEqualTo(ContainerLimits.NONE);
        assertThat(ContainerLimits.read(empty)).isEqualTo(ContainerLimits.NONE);
    }

    @Test
    void cgroupFileAndMountinfoParsing() {
        Map<String, String> groups =
                ContainerLimits.parseCgroupFile(List.of("4:memory:/a", "2:cpu,cpuacct:/b", "0::/c", "garbage"));
        assertThat(groups)
                .containsEntry("memory", "/a")
                .containsEntry("cpu", "/b")
                .containsEntry("cpuacct", "/b");
        assertThat(groups).containsEntry("", "/c");

        List<ContainerLimits.Mount> mounts = ContainerLimits.parseMountinfo(List.of(
                "30 25 0:28 / /sys/fs/cgroup/memory rw,relatime shared:13 - cgroup cgroup rw,memory",
                "26 22 0:23 / /sys/fs/cgroup/with\\040space rw - cgroup2 cgroup2 rw",
                "24 30 0:22 / /sys rw - sysfs sysfs rw"));
        assertThat(mounts).hasSize(2);
        assertThat(mounts.get(0).controllers()).contains("memory");
        assertThat(mounts.get(1).mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup/with space"));
    }

    @Test
    void theBoxRoundsAQuotaUpAndNeverExceedsTheHost() {
        ContainerLimits oneAndAHalf = ContainerLimits.read(fixture("v1-docker"));
        Box box = Box.of(oneAndAHalf, 8, 32L * 1024 * MIB);
        assertThat(box.cpus()).isEqualTo(2);
        assertThat(box.memoryBytes()).isEqualTo(256 * MIB);
        assertThat(box.source()).isEqualTo("cgroup v1");

        assertThat(Box.of(oneAndAHalf, 1, 32L * 1024 * MIB).cpus())
                .as("a host smaller than the quota")
                .isEqualTo(1);
        Box host = Box.of(ContainerLimits.NONE, 2, 24L * 1024 * MIB);
        assertThat(host.source()).isEqualTo("host");
        assertThat(host.cpus()).isEqualTo(2);
        // A limit above the host's memory is no limit.
        Box generous = Box.of(ContainerLimits.read(fixture("v2-namespace")), 4, 512 * MIB);
        assertThat(generous.memoryBytes()).isEqualTo(512 * MIB);
        assertThat(generous.cpus()).isEqualTo(3);
    }

    @Test
    void memTotalIsReadFromProcMeminfo() {
        assertThat(Box.memTotalKib(List.of("MemTotal:       24683520 kB", "MemFree:  1 kB")))
                .isEqualTo(24683520);
        assertThat(Box.memTotalKib(List.of("nothing"))).isZero();
    }
}
