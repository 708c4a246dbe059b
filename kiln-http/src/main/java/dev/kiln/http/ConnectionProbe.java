package dev.kiln.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Map;

/**
 * Asks the operating system whether clients of open connections have hung up, without reading the sockets
 * (a read would consume pipelined bytes, and Helidon owns them).
 *
 * <p>Three implementations, chosen by {@link DisconnectWatcher#forThisHost()}: {@link SockDiagProbe} asks
 * Linux about each watched connection by its address pair, so a check costs the same whatever the number of
 * open connections; {@link ProcNetTcpProbe} reads the whole kernel TCP table, where netlink is not allowed;
 * {@link #NONE} is the portable fallback that knows nothing, and abandoned renders then run to their deadline.
 */
interface ConnectionProbe extends AutoCloseable {
    /** The server's end and the client's end of one accepted connection. */
    record Connection(InetSocketAddress local, InetSocketAddress remote) {}

    /** What the probe saw of a connection. */
    enum Seen {
        /** The client has not closed it. */
        OPEN,
        /** The client sent FIN: the connection is in {@code CLOSE_WAIT}. Definite. */
        HUNG_UP,
        /** The kernel no longer has it, for example after a reset by the client. */
        ABSENT
    }

    /**
     * What the probe sees of each watched connection; connections it cannot judge are left out of the map.
     */
    Map<Connection, Seen> check(Collection<Connection> watched) throws IOException;

    /**
     * How many consecutive {@link Seen#ABSENT} answers make a connection count as gone: 1 where absence is
     * definite, more where the source can skip a live row.
     */
    int absencesBeforeGone();

    /** A short name for logs. */
    String name();

    @Override
    default void close() {}

    /** Knows nothing; used where no probe works. */
    ConnectionProbe NONE = new ConnectionProbe() {
        @Override
        public Map<Connection, Seen> check(Collection<Connection> watched) {
            return Map.of();
        }

        @Override
        public int absencesBeforeGone() {
            return Integer.MAX_VALUE;
        }

        @Override
        public String name() {
            return "none";
        }
    };
}
