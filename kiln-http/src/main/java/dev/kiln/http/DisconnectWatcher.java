package dev.kiln.http;

import dev.kiln.http.ConnectionProbe.Connection;
import dev.kiln.http.ConnectionProbe.Seen;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices clients that hang up while their render waits, so their work is cancelled instead of done.
 *
 * <p>Why this exists: Helidon's blocking handlers get no callback when the peer closes, and reading the
 * socket to find out would consume pipelined bytes. The kernel already knows: a connection whose client sent
 * FIN sits in {@code CLOSE_WAIT}, and one reset by the client is gone. One daemon thread asks a
 * {@link ConnectionProbe} about the waiting requests' connections, and only while some request is waiting,
 * so an idle server pays nothing.
 *
 * <p><b>The cost is bounded.</b> After each check the thread waits {@link #POLL_INTERVAL} or
 * {@link #COST_FACTOR} times as long as the check took, whichever is longer, so the watcher never takes more
 * than 1/({@code COST_FACTOR}+1) of one core, however many connections are open. With {@link SockDiagProbe}
 * a check costs about 10 µs per waiting request, and the bound never bites; with {@link ProcNetTcpProbe} it
 * does under overload, and cancellations then arrive later.
 */
final class DisconnectWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DisconnectWatcher.class);

    /** How often waiting requests' connections are checked when checks are cheap. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    /** The wait after a check is at least this many times the check's own duration. */
    static final int COST_FACTOR = 19;

    /** Null until the thread has chosen one: linking the native calls can take a second on a busy host. */
    private volatile ConnectionProbe probe;

    private final LongSupplier nanoTime;
    private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /** True while the thread parks because nothing is watched; only then does {@link #watch} wake it. */
    private volatile boolean idle;

    DisconnectWatcher(ConnectionProbe probe, LongSupplier nanoTime) {
        this.probe = probe;
        this.nanoTime = nanoTime;
        this.thread =
                Thread.ofPlatform().daemon().name("kiln-disconnect-watcher").unstarted(this::loop);
    }

    /** Starts the checking thread; tests drive {@link #checkOnce()} themselves instead. */
    DisconnectWatcher start() {
        if (probe != ConnectionProbe.NONE) {
            thread.start();
        }
        return this;
    }

    /**
     * A started watcher on the best probe this host offers: netlink, then the TCP table, then none. The
     * choice is made on the watcher's thread, so it costs the server's start nothing.
     */
    static DisconnectWatcher forThisHost() {
        return new DisconnectWatcher(null, System::nanoTime).start();
    }

    private static ConnectionProbe chooseAndLog() {
        ConnectionProbe chosen = bestProbe();
        if (chosen == ConnectionProbe.NONE) {
            LOG.warn("no way to see client disconnects on this host: abandoned renders run to their deadline");
        } else {
            LOG.info("client disconnects are seen through {}", chosen.name());
        }
        return chosen;
    }

    /**
     * The best probe this host offers, unless the system property {@value #PROBE_PROPERTY} names one
     * ({@code sock_diag}, {@code proc} or {@code none}): a knob for benchmarks and odd kernels.
     */
    static ConnectionProbe bestProbe() {
        String wanted = System.getProperty(PROBE_PROPERTY, "auto");
        if (wanted.equals("none")) {
            return ConnectionProbe.NONE;
        }
        if (!wanted.equals("proc")) {
            Optional<SockDiagProbe> diag = SockDiagProbe.open();
            if (diag.isPresent() && seesALiveConnection(diag.get())) {
                return diag.get();
            }
            diag.ifPresent(SockDiagProbe::close);
        }
        return ProcNetTcpProbe.open().orElse(ConnectionProbe.NONE);
    }

    static final String PROBE_PROPERTY = "kiln.disconnect-probe";

    /** A self-test: the probe must find a loopback connection this method holds open. */
    static boolean seesALiveConnection(ConnectionProbe probe) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
                Socket client = new Socket(loopback, server.getLocalPort());
                Socket accepted = server.accept()) {
            Connection c = new Connection((InetSocketAddress) accepted.getLocalSocketAddress(), (InetSocketAddress)
                    accepted.getRemoteSocketAddress());
            return probe.check(List.of(c)).get(c) == Seen.OPEN;
        } catch (IOException | RuntimeException e) {
            LOG.debug("the {} self-test failed", probe.name(), e);
            return false;
        }
    }

    /** The probe in use, or "choosing". */
    String probeName() {
        ConnectionProbe p = probe;
        return p == null ? "choosing" : p.name();
    }

    /** A registration; close it when the request finishes. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Calls {@code onDisconnect} once if the connection {@code local ↔ remote} is closed by the client
     * before the registration is closed.
     */
    Registration watch(InetSocketAddress local, InetSocketAddress remote, Runnable onDisconnect) {
        if (probe == ConnectionProbe.NONE) {
            return () -> {};
        }
        Connection key = new Connection(local, remote);
        Watch watch = new Watch(onDisconnect);
        watches.put(key, watch);
        if (idle) {
            LockSupport.unpark(thread); // only an idle watcher is woken: a busy one keeps its pace
        }
        return () -> watches.remove(key, watch);
    }

    private static final class Watch {
        final Runnable onDisconnect;
        int absences;

        Watch(Runnable onDisconnect) {
            this.onDisconnect = onDisconnect;
        }
    }

    private void loop() {
        if (probe == null) {
            probe = chooseAndLog();
            if (probe == ConnectionProbe.NONE) {
                watches.clear();
                return;
            }
        }
        while (!closed) {
            if (watches.isEmpty()) {
                idle = true;
                if (watches.isEmpty()) { // a watch() between the two reads saw idle and unparks us
                    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                }
                idle = false;
                continue;
            }
            long took = checkOnce();
            long wakeAt = nanoTime.getAsLong() + pauseAfter(took);
            for (long left = pauseAfter(took); left > 0 && !closed; left = wakeAt - nanoTime.getAsLong()) {
                LockSupport.parkNanos(left); // parks can end early; the pause holds regardless
            }
        }
        probe.close();
    }

    /** The wait after a check that took {@code checkNanos}. */
    static long pauseAfter(long checkNanos) {
        return Math.max(POLL_INTERVAL.toNanos(), COST_FACTOR * checkNanos);
    }

    /** One check of every watched connection; returns how long it took, in nanoseconds. */
    long checkOnce() {
        ConnectionProbe probe = this.probe;
        if (probe == null) {
            return 0;
        }
        long start = nanoTime.getAsLong();
        try {
            Map<Connection, Seen> seen = probe.check(List.copyOf(watches.keySet()));
            for (Map.Entry<Connection, Seen> e : seen.entrySet()) {
                Watch w = watches.get(e.getKey());
                if (w == null) {
                    continue;
                }
                // Only this thread reads or writes absences.
                w.absences = e.getValue() == Seen.ABSENT ? w.absences + 1 : 0;
                boolean gone = e.getValue() == Seen.HUNG_UP || w.absences >= probe.absencesBeforeGone();
                if (gone && watches.remove(e.getKey(), w)) {
                    w.onDisconnect.run();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("checking connections through {} failed", probe.name(), e);
        }
        return nanoTime.getAsLong() - start;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        ConnectionProbe p = probe;
        if (p != null && (p == ConnectionProbe.NONE || !thread.isAlive())) {
            p.close(); // otherwise the thread closes it on its way out; closing twice is harmless
        }
    }
}
