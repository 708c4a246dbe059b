package dev.kiln.loadgen;

import dev.kiln.queue.QueueListener;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a burn-down's time and CPU go, for the log line of workloads A and B: the worker's claim and completion
 * statements (counted through the {@link QueueListener}), and the CPU of this JVM (its JIT compiler threads apart)
 * and of the benchmark database's backends, from {@code /proc} (Linux, with PostgreSQL on this host; elsewhere the
 * CPU figures are left out).
 */
final class BurnDownProbe implements QueueListener {

    /** Clock ticks per second of {@code /proc/.../stat} (USER_HZ, 100 on Linux). */
    private static final long TICKS_PER_SECOND = 100;

    private final LongAdder claims = new LongAdder();
    private final LongAdder claimedJobs = new LongAdder();
    private final LongAdder claimNanos = new LongAdder();
    private final LongAdder completionStatements = new LongAdder();

    @Override
    public void claimed(int jobs) {
        claims.increment();
        claimedJobs.add(jobs);
    }

    @Override
    public void claimTook(Duration took) {
        claimNanos.add(took.toNanos());
    }

    @Override
    public void completed(int jobs) {
        completionStatements.increment();
    }

    /** CPU ticks so far: this JVM, its JIT compiler threads, and each backend of {@code database} by pid. */
    record Cpu(long jvm, long jit, Map<Integer, Long> backends) {

        static Cpu read(Connection admin, String database) {
            Path self = Path.of("/proc/self");
            long jvm = ticks(self.resolve("stat"));
            long jit = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(self.resolve("task"))) {
                for (Path t : tasks) {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                        jit += ticks(stat);
                    }
                }
            } catch (IOException | RuntimeException e) {
                jit = -1;
            }
            Map<Integer, Long> backends = new HashMap<>();
            try (PreparedStatement ps = admin.prepareStatement(
                    "SELECT pid FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long t = ticks(Path.of("/proc", Integer.toString(rs.getInt(1)), "stat"));
                        if (t >= 0) {
                            backends.put(rs.getInt(1), t);
                        }
                    }
                }
            } catch (SQLException e) {
                backends.clear();
            }
            return new Cpu(jvm, jit, backends);
        }

        private static long ticks(Path stat) {
            try {
                return ticks(Files.readString(stat));
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /** utime + stime: fields 14 and 15, counted after the parenthesised command name. */
        static long ticks(String stat) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
    }

    /** One line for the log: per-job CPU since {@code before}, and the statements behind {@code jobs}. */
    String summary(Cpu before, Cpu after, int jobs, long burnNanos) {
        StringBuilder b = new StringBuilder();
        long n = claims.sum();
        b.append(String.format(
                "%,d claims of %.1f jobs on average, %,d ms in claim statements (%.0f %% of the burn-down), "
                        + "%,d completion statements",
                n,
                n == 0 ? 0.0 : claimedJobs.sum() / (double) n,
                claimNanos.sum() / 1_000_000,
                100.0 * claimNanos.sum() / burnNanos,
                completionStatements.sum()));
        if (before.jvm() >= 0 && after.jvm() >= 0) {
            b.append(String.format("; CPU per job: this JVM %.0f µs", micros(after.jvm() - before.jvm(), jobs)));
            if (before.jit() >= 0 && after.jit() >= 0) {
                b.append(String.format(" (JIT compiler threads %.0f µs)", micros(after.jit() - before.jit(), jobs)));
            }
            long backends = 0;
            for (Map.Entry<Integer, Long> e : after.backends().entrySet()) {
                Long was = before.backends().get(e.getKey());
                backends += e.getValue() - (was == null ? 0 : was);
            }
            if (!after.backends().isEmpty()) {
                b.append(String.format(
                        ", the database's backends %.0f µs (%d backends)",
                        micros(backends, jobs), after.backends().size()));
            }
        }
        return b.toString();
    }

    private static double micros(long ticks, int jobs) {
        return ticks * (1_000_000.0 / TICKS_PER_SECOND) / jobs;
    }
}
