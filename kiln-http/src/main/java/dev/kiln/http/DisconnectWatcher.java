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
 * sent FIN sits in {@code CLOSE_WAIT}, and one reset by the client is gone from the table (after
 * {@link #MISSES_BEFORE_GONE} scans). Connections are keyed by local and remote port only: two clients
 * from different addresses on the same remote port can mask each other, which can only delay a
 * cancellation, never cause a wrong one. One daemon
 * thread reads {@code /proc/net/tcp{,6}} every {@link #POLL_INTERVAL}, and only while some request is
 * waiting, so an idle server pays nothing. On systems without {@code /proc/net/tcp} the watcher is off and
 * abandoned work simply runs to its deadline.
 */
final class DisconnectWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DisconnectWatcher.class);

    /** How often the TCP table is read while requests wait. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(100);

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
        Watch watch = new Watch(onDisconnect);
        watches.put(key, watch);
        LockSupport.unpark(thread);
        return () -> watches.remove(key, watch);
    }

    /**
     * How many consecutive scans must miss a connection before it counts as gone. The kernel serves the
     * table in chunks without a consistent snapshot, so one scan can skip a live row while others churn;
     * {@code CLOSE_WAIT} is definite and acts at once.
     */
    static final int MISSES_BEFORE_GONE = 2;

    private static final class Watch {
        final Runnable onDisconnect;
        int misses;

        Watch(Runnable onDisconnect) {
            this.onDisconnect = onDisconnect;
        }
    }

    private void loop() {
        while (!closed) {
            if (watches.isEmpty()) {
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                continue;
            }
            try {
                Map<Long, String> states = readStates(watches.keySet());
                for (Map.Entry<Long, Watch> e : watches.entrySet()) {
                    String state = states.get(e.getKey());
                    Watch w = e.getValue();
                    // Only this thread reads or writes misses.
                    w.misses = state == null ? w.misses + 1 : 0;
                    boolean gone = CLOSE_WAIT.equals(state) || w.misses >= MISSES_BEFORE_GONE;
                    if (gone && watches.remove(e.getKey(), w)) {
                        w.onDisconnect.run();
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("reading the TCP table failed", e);
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    /**
     * Maps (localPort, remotePort) to the hex TCP state of the watched connections. Under overload the table
     * holds thousands of client connections, so it is scanned as bytes and only watched keys are kept.
     */
    static Map<Long, String> readStates(java.util.Set<Long> watched) throws IOException {
        Map<Long, String> states = new HashMap<>();
        for (Path table : TABLES) {
            if (Files.isReadable(table)) {
                parseTable(Files.readAllBytes(table), watched, states);
            }
        }
        return states;
    }

    /**
     * Parses {@code /proc/net/tcp} rows: {@code sl local_address rem_address st ...}, addresses as
     * {@code HEXIP:HEXPORT}. The header row has no hex port and is skipped by the same rules.
     */
    static void parseTable(byte[] text, java.util.Set<Long> watched, Map<Long, String> states) {
        int i = 0;
        int n = text.length;
        while (i < n) {
            int lineEnd = i;
            while (lineEnd < n && text[lineEnd] != '\n') {
                lineEnd++;
            }
            // Fields 1 and 2 (0-based) are the addresses, field 3 the state.
            int field = 0;
            int localPort = -1;
            int remotePort = -1;
            String state = null;
            int p = i;
            while (p < lineEnd && field <= 3) {
                while (p < lineEnd && text[p] == ' ') {
                    p++;
                }
                int start = p;
                while (p < lineEnd && text[p] != ' ') {
                    p++;
                }
                if (start == p) {
                    break;
                }
                if (field == 1) {
                    localPort = hexPort(text, start, p);
                } else if (field == 2) {
                    remotePort = hexPort(text, start, p);
                } else if (field == 3) {
                    state = new String(text, start, p - start, java.nio.charset.StandardCharsets.US_ASCII);
                }
                field++;
            }
            if (localPort >= 0 && remotePort >= 0 && state != null) {
                long key = ((long) localPort << 16) | remotePort;
                if (watched.contains(key)) {
                    // A live connection wins over a stale CLOSE_WAIT entry that reused the same ports.
                    states.merge(key, state, (a, b) -> a.equals(CLOSE_WAIT) ? b : a);
                }
            }
            i = lineEnd + 1;
        }
    }

    /** The port after the last ':' of {@code HEXIP:HEXPORT}, or -1. */
    private static int hexPort(byte[] text, int start, int end) {
        int colon = -1;
        for (int k = end - 1; k >= start; k--) {
            if (text[k] == ':') {
                colon = k;
                break;
            }
        }
        if (colon < 0 || colon == end - 1 || end - colon - 1 > 4) {
            return -1;
        }
        int port = 0;
        for (int k = colon + 1; k < end; k++) {
            int d = Character.digit(text[k], 16);
            if (d < 0) {
                return -1;
            }
            port = port * 16 + d;
        }
        return port;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
