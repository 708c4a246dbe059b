package dev.kiln.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Worker processes for the crash tests: {@code kiln up --role worker} in child JVMs against one database and storage
 * root, each logging to {@code target/<logDir>/<name>.log}, so a test can {@code kill -9} one mid-run. Closing kills
 * whatever is still running.
 */
final class WorkerProcesses implements AutoCloseable {
    private final Map<String, String> env;
    private final Path home;
    private final Path logs;
    private final List<Process> started = new ArrayList<>();

    /** Workers with {@code env} (the API instance's settings), each with its own home under {@code home}. */
    WorkerProcesses(Map<String, String> env, Path home, String logDir) throws IOException {
        this.env = Map.copyOf(env);
        this.home = home;
        this.logs = Files.createDirectories(Path.of("target", logDir));
    }

    /** Starts worker {@code name} with 2 render workers and {@code extra} settings over the shared ones. */
    Process start(String name, Map<String, String> extra) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xshare:auto",
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "up")
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        Map<String, String> e = new HashMap<>(env);
        e.put("KILN_ROLE", "worker");
        e.put("KILN_RENDER_WORKERS", "2");
        e.put("KILN_HOME", home.resolve(name).toString());
        // A start on a loaded 2-core host can wait seconds for its first connection; not what these tests are about.
        e.putIfAbsent("KILN_DB_CONNECT_TIMEOUT", "30s");
        e.putAll(extra);
        pb.environment().putAll(e);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    Process start(String name) throws IOException {
        return start(name, Map.of());
    }

    /**
     * {@code kill -9} of {@code worker} (on Linux {@link Process#destroyForcibly} is SIGKILL: no shutdown hook, no
     * drain, no clean-up), waiting until it is gone.
     */
    static void kill9(Process worker) throws InterruptedException {
        worker.destroyForcibly();
        if (!worker.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("worker " + worker.pid() + " survived SIGKILL");
        }
    }

    /** The single number {@code sql} answers, with {@code params} bound in order. */
    static long count(DataSource db, String sql, Object... params) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
