package dev.kiln.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The memory limit and CPU quota of the cgroup this process runs in, cgroup v1 or v2, read the way the kernel
 * exposes them: {@code /proc/self/cgroup} names the process's group per controller, {@code /proc/self/mountinfo}
 * says where each hierarchy is mounted (and which part of it a container sees), and the group's files hold the
 * limits. A limit set on an ancestor group binds too, so each one is the smallest found from the process's group
 * up to the root of the mount.
 *
 * <p>Every path is resolved under {@code root} ({@code /} in production), so tests read fixture trees.
 *
 * @param memoryBytes the memory limit, when one is set
 * @param cpus the CPU quota in cores (quota ÷ period, e.g. 1.5), when one is set
 * @param version which hierarchy the limits came from: {@code "v1"}, {@code "v2"}, or {@code "none"}
 */
record ContainerLimits(OptionalLong memoryBytes, OptionalDouble cpus, String version) {

    /**
     * cgroup v1 reports "no limit" as the largest page-aligned long (9223372036854771712); anything from 2^62 up
     * is treated as unlimited.
     */
    static final long V1_UNLIMITED = 1L << 62;

    /** No limits: a host, or a system without cgroups. */
    static final ContainerLimits NONE = new ContainerLimits(OptionalLong.empty(), OptionalDouble.empty(), "none");

    /** The limits of this process's own cgroups. */
    static ContainerLimits detect() {
        return read(Path.of("/"));
    }

    /** The limits seen by a process whose {@code /proc/self} and cgroup mounts lie under {@code root}. */
    static ContainerLimits read(Path root) {
        try {
            Path cgroupFile = under(root, "/proc/self/cgroup");
            Path mountinfoFile = under(root, "/proc/self/mountinfo");
            if (!Files.isReadable(cgroupFile) || !Files.isReadable(mountinfoFile)) {
                return NONE;
            }
            Map<String, String> groups = parseCgroupFile(Files.readAllLines(cgroupFile));
            List<Mount> mounts = parseMountinfo(Files.readAllLines(mountinfoFile));
            return read(root, groups, mounts);
        } catch (IOException | RuntimeException e) {
            // Unreadable or unexpected cgroup files must not stop a start: size from the host instead.
            return NONE;
        }
    }

    private static ContainerLimits read(Path root, Map<String, String> groups, List<Mount> mounts) {
        Mount v1Memory = v1Mount(mounts, "memory");
        Mount v1Cpu = v1Mount(mounts, "cpu");
        Mount v2 = mounts.stream()
                .filter(m -> m.fsType().equals("cgroup2"))
                .findFirst()
                .orElse(null);
        String v2Group = groups.get("");
        OptionalLong memory = OptionalLong.empty();
        OptionalDouble cpus = OptionalDouble.empty();
        boolean v1 = false;
        boolean unified = false;
        // Hybrid systems mount v1 controllers and an empty v2 tree side by side; a controller in use on v1 wins,
        // as it does for the JVM's own container support.
        if (v1Memory != null && groups.containsKey("memory")) {
            memory = smallest(dirs(root, v1Memory, groups.get("memory")), ContainerLimits::v1Memory);
            v1 = true;
        } else if (v2 != null && v2Group != null) {
            memory = smallest(dirs(root, v2, v2Group), ContainerLimits::v2Memory);
            unified = true;
        }
        if (v1Cpu != null && groups.containsKey("cpu")) {
            cpus = smallestCpus(dirs(root, v1Cpu, groups.get("cpu")), ContainerLimits::v1Cpus);
            v1 = true;
        } else if (v2 != null && v2Group != null) {
            cpus = smallestCpus(dirs(root, v2, v2Group), ContainerLimits::v2Cpus);
            unified = true;
        }
        if (memory.isEmpty() && cpus.isEmpty()) {
            return NONE;
        }
        return new ContainerLimits(memory, cpus, v1 ? "v1" : unified ? "v2" : "none");
    }

    /** One cgroup mount: where it is, which part of the hierarchy it shows, and its controllers (v1). */
    record Mount(String root, Path mountPoint, String fsType, List<String> controllers) {}

    /** {@code /proc/self/cgroup}: controller → group path; the v2 line ({@code 0::/path}) is under key "". */
    static Map<String, String> parseCgroupFile(List<String> lines) {
        Map<String, String> groups = new HashMap<>();
        for (String line : lines) {
            int first = line.indexOf(':');
            int second = first < 0 ? -1 : line.indexOf(':', first + 1);
            if (second < 0) {
                continue;
            }
            String controllers = line.substring(first + 1, second);
            String path = line.substring(second + 1);
            if (controllers.isEmpty()) {
                groups.put("", path);
                continue;
            }
            for (String c : controllers.split(",")) {
                groups.put(c, path);
            }
        }
        return groups;
    }

    /** The cgroup and cgroup2 lines of {@code /proc/self/mountinfo}. */
    static List<Mount> parseMountinfo(List<String> lines) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : lines) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] left = line.substring(0, dash).split(" ");
            String[] right = line.substring(dash + 3).split(" ");
            if (left.length < 5 || right.length < 1) {
                continue;
            }
            String fsType = right[0];
            if (!fsType.equals("cgroup") && !fsType.equals("cgroup2")) {
                continue;
            }
            List<String> controllers =
                    fsType.equals("cgroup") && right.length >= 3 ? List.of(right[2].split(",")) : List.of();
            mounts.add(new Mount(unescape(left[3]), Path.of(unescape(left[4])), fsType, controllers));
        }
        return mounts;
    }

    private static Mount v1Mount(List<Mount> mounts, String controller) {
        return mounts.stream()
                .filter(m -> m.fsType().equals("cgroup") && m.controllers().contains(controller))
                .findFirst()
                .orElse(null);
    }

    /**
     * The process's group directory and its ancestors up to the mount point. Inside a container the mount shows
     * only the container's part of the hierarchy ({@code root} is its path), so that prefix is cut off; a group
     * path outside the mount's root (a private cgroup namespace shows "/") is the mount point itself.
     */
    static List<Path> dirs(Path fsRoot, Mount mount, String groupPath) {
        String relative;
        if (mount.root().equals("/")) {
            relative = groupPath;
        } else if (groupPath.equals(mount.root()) || groupPath.startsWith(mount.root() + "/")) {
            relative = groupPath.substring(mount.root().length());
        } else {
            relative = "/";
        }
        Path top = under(fsRoot, mount.mountPoint().toString());
        Path dir = relative.isEmpty() || relative.equals("/") ? top : top.resolve(relative.substring(1));
        List<Path> dirs = new ArrayList<>();
        for (Path d = dir.normalize(); d != null && d.startsWith(top); d = d.getParent()) {
            dirs.add(d);
        }
        return dirs;
    }

    private interface LimitReader {
        OptionalLong read(Path dir) throws IOException;
    }

    private interface CpuReader {
        OptionalDouble read(Path dir) throws IOException;
    }

    private static OptionalLong smallest(List<Path> dirs, LimitReader reader) {
        OptionalLong best = OptionalLong.empty();
        for (Path d : dirs) {
            OptionalLong v;
            try {
                v = reader.read(d);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            if (v.isPresent() && (best.isEmpty() || v.getAsLong() < best.getAsLong())) {
                best = v;
            }
        }
        return best;
    }

    private static OptionalDouble smallestCpus(List<Path> dirs, CpuReader reader) {
        OptionalDouble best = OptionalDouble.empty();
        for (Path d : dirs) {
            OptionalDouble v;
            try {
                v = reader.read(d);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            if (v.isPresent() && (best.isEmpty() || v.getAsDouble() < best.getAsDouble())) {
                best = v;
            }
        }
        return best;
    }

    private static OptionalLong v1Memory(Path dir) throws IOException {
        String value = readFirstLine(dir.resolve("memory.limit_in_bytes"));
        if (value == null) {
            return OptionalLong.empty();
        }
        long bytes = Long.parseLong(value);
        return bytes <= 0 || bytes >= V1_UNLIMITED ? OptionalLong.empty() : OptionalLong.of(bytes);
    }

    private static OptionalLong v2Memory(Path dir) throws IOException {
        String value = readFirstLine(dir.resolve("memory.max"));
        if (value == null || value.equals("max")) {
            return OptionalLong.empty();
        }
        long bytes = Long.parseLong(value);
        return bytes <= 0 ? OptionalLong.empty() : OptionalLong.of(bytes);
    }

    private static OptionalDouble v1Cpus(Path dir) throws IOException {
        String quota = readFirstLine(dir.resolve("cpu.cfs_quota_us"));
        String period = readFirstLine(dir.resolve("cpu.cfs_period_us"));
        if (quota == null || period == null) {
            return OptionalDouble.empty();
        }
        return cpus(Long.parseLong(quota), Long.parseLong(period));
    }

    private static OptionalDouble v2Cpus(Path dir) throws IOException {
        String value = readFirstLine(dir.resolve("cpu.max"));
        if (value == null) {
            return OptionalDouble.empty();
        }
        String[] parts = value.split("\\s+");
        if (parts[0].equals("max")) {
            return OptionalDouble.empty();
        }
        long period = parts.length > 1 ? Long.parseLong(parts[1]) : 100_000;
        return cpus(Long.parseLong(parts[0]), period);
    }

    private static OptionalDouble cpus(long quota, long period) {
        return quota <= 0 || period <= 0 ? OptionalDouble.empty() : OptionalDouble.of((double) quota / period);
    }

    private static String readFirstLine(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            return null;
        }
        List<String> lines = Files.readAllLines(file);
        return lines.isEmpty() ? null : lines.getFirst().strip();
    }

    /** {@code root} + an absolute path. */
    static Path under(Path root, String absolute) {
        return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    /** mountinfo escapes space, tab, newline and backslash as octal ({@code \040}). */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not an escape: keep the backslash
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
