package dev.kiln.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices clients that hang up while their render waits, so their work is cancelled instead of done.
 *
 * <p>Why this exists: Helidon's blocking handlers get no callback when the peer closes, and reading the
 * socket to find out would consume pipelined bytes. The kernel already knows: a connection whose client
 * sent FIN sits in {@code CLOSE_WAIT}, and one reset by the client is gone from the table. One daemon
 * thread reads {@code /proc/net/tcp{,6}} every {@link #POLL_INTERVAL}, and only while some request is
 * waiting, so an idle server pays nothing. On systems without {@code /proc/net/tcp} the watcher is off and
 * abandoned work simply runs to its deadline.
 */
final class DisconnectWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DisconnectWatcher.class);

    /** How often the TCP table is read while requests wait. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private static final String CLOSE_WAIT = "08";
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
    private final boolean enabled;
    private final Thread thread;
    private volatile boolean closed;

    DisconnectWatcher() {
        this.enabled = Files.isReadable(TABLES.getFirst());
        if (!enabled) {
            LOG.warn("/proc/net/tcp is not readable: client disconnects will not cancel queued renders");
        }
        this.thread =
                Thread.ofPlatform().daemon().name("kiln-disconnect-watcher").unstarted(this::loop);
        if (enabled) {
            thread.start();
        }
    }

    /** A registration; close it when the request finishes. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Calls {@code onDisconnect} once if the connection {@code localPort ↔ remotePort} is closed by the
     * client before the registration is closed.
     */
    Registration watch(int localPort, int remotePort, Runnable onDisconnect) {
        if (!enabled) {
            return () -> {};
        }
        long key = ((long) localPort << 16) | (remotePort & 0xffff);
        watches.put(key, new Watch(onDisconnect));
        LockSupport.unpark(thread);
        return () -> watches.remove(key);
    }

    private record Watch(Runnable onDisconnect) {}

    private void loop() {
        while (!closed) {
            if (watches.isEmpty()) {
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                continue;
            }
            try {
                Map<Long, String> states = readStates();
                for (Map.Entry<Long, Watch> e : watches.entrySet()) {
                    String state = states.get(e.getKey());
                    if (state == null || state.equals(CLOSE_WAIT)) {
                        if (watches.remove(e.getKey(), e.getValue())) {
                            e.getValue().onDisconnect().run();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("reading the TCP table failed", e);
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    /** Maps (localPort, remotePort) to the hex TCP state for every connection the kernel lists. */
    static Map<Long, String> readStates() throws IOException {
        Map<Long, String> states = new HashMap<>();
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> lines = Files.readAllLines(table);
            for (int i = 1; i < lines.size(); i++) {
                parseLine(lines.get(i), states);
            }
        }
        return states;
    }

    static void parseLine(String line, Map<Long, String> states) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4) {
            return;
        }
        int localPort = port(f[1]);
        int remotePort = port(f[2]);
        if (localPort < 0 || remotePort < 0) {
            return;
        }
        long key = ((long) localPort << 16) | remotePort;
        // A live connection wins over a stale CLOSE_WAIT/TIME_WAIT entry that reused the same ports.
        states.merge(key, f[3], (a, b) -> a.equals(CLOSE_WAIT) ? b : a);
    }

    private static int port(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(hostPort.substring(colon + 1), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
