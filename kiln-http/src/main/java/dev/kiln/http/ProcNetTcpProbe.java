package dev.kiln.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Linux's {@code /proc/net/tcp{,6}}: the fallback where netlink is not allowed. Each read walks the
 * kernel's whole connection hash and formats every row, so its cost grows with open connections (130 ms a scan
 * at 2,000 on the development host); {@link DisconnectWatcher} stretches its interval to bound that. Rows are
 * matched by local and remote port only: two clients from different addresses on one remote port can mask
 * each other, which can only delay a cancellation, never cause a wrong one.
 */
final class ProcNetTcpProbe implements ConnectionProbe {
    private static final String CLOSE_WAIT = "08";
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private ProcNetTcpProbe() {}

    /** The probe, or empty where the table cannot be read. */
    static Optional<ConnectionProbe> open() {
        return Files.isReadable(TABLES.getFirst()) ? Optional.of(new ProcNetTcpProbe()) : Optional.empty();
    }

    @Override
    public Map<Connection, Seen> check(Collection<Connection> watched) throws IOException {
        Map<Long, Connection> byKey = new HashMap<>();
        for (Connection c : watched) {
            byKey.put(key(c.local().getPort(), c.remote().getPort()), c);
        }
        Map<Long, String> states = new HashMap<>();
        for (Path table : TABLES) {
            if (Files.isReadable(table)) {
                parseTable(Files.readAllBytes(table), byKey.keySet(), states);
            }
        }
        Map<Connection, Seen> seen = new HashMap<>();
        byKey.forEach((key, c) -> {
            String state = states.get(key);
            seen.put(c, state == null ? Seen.ABSENT : CLOSE_WAIT.equals(state) ? Seen.HUNG_UP : Seen.OPEN);
        });
        return seen;
    }

    /**
     * The kernel serves the table in chunks without a consistent snapshot, so one scan can skip a live row
     * while others churn; {@code CLOSE_WAIT} is definite and acts at once.
     */
    @Override
    public int absencesBeforeGone() {
        return 2;
    }

    @Override
    public String name() {
        return "/proc/net/tcp";
    }

    static long key(int localPort, int remotePort) {
        return ((long) localPort << 16) | (remotePort & 0xffff);
    }

    /**
     * Parses {@code /proc/net/tcp} rows: {@code sl local_address rem_address st ...}, addresses as
     * {@code HEXIP:HEXPORT}, keeping the hex state of watched (localPort, remotePort) keys. Under overload the
     * table holds thousands of client connections, so it is scanned as bytes. The header row has no hex port
     * and is skipped by the same rules.
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
                    state = new String(text, start, p - start, StandardCharsets.US_ASCII);
                }
                field++;
            }
            if (localPort >= 0 && remotePort >= 0 && state != null) {
                long key = key(localPort, remotePort);
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
}
