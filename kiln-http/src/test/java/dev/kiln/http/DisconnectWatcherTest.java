package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.kiln.http.ConnectionProbe.Connection;
import dev.kiln.http.ConnectionProbe.Seen;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DisconnectWatcherTest {
    static final String TABLE = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0
               1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0
               2: 0100007F:1F90 0100007F:C351 08 00000000:00000000 00:00000000 00000000     0        0 3 1 0
               3: 0100007F:1F90 0100007F:C352 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0
            """;

    static long key(int local, int remote) {
        return ProcNetTcpProbe.key(local, remote);
    }

    @Test
    void tableParserKeepsOnlyWatchedConnectionsWithTheirState() {
        Map<Long, String> states = new HashMap<>();
        Set<Long> watched = Set.of(key(8080, 0xC350), key(8080, 0xC351), key(8080, 0xBEEF));
        ProcNetTcpProbe.parseTable(TABLE.getBytes(StandardCharsets.US_ASCII), watched, states);
        assertThat(states)
                .containsEntry(key(8080, 0xC350), "01")
                .containsEntry(key(8080, 0xC351), "08")
                .doesNotContainKey(key(8080, 0xC352))
                .as("a watched connection the kernel no longer lists is absent, which means gone")
                .doesNotContainKey(key(8080, 0xBEEF));
    }

    @Test
    void tableParserLetsALiveEntryWinOverAStaleCloseWaitWithTheSamePorts() {
        String table = """
                  sl  local_address rem_address   st
                   0: 0100007F:1F90 0100007F:C350 08 0
                   1: 0100007F:1F90 0100007F:C350 01 0
                """;
        Map<Long, String> states = new HashMap<>();
        ProcNetTcpProbe.parseTable(table.getBytes(StandardCharsets.US_ASCII), Set.of(key(8080, 0xC350)), states);
        assertThat(states).containsEntry(key(8080, 0xC350), "01");
    }

    static Stream<String> probes() {
        return Stream.of("sock_diag", "/proc/net/tcp");
    }

    static ConnectionProbe open(String name) {
        Optional<? extends ConnectionProbe> probe =
                name.equals("sock_diag") ? SockDiagProbe.open() : ProcNetTcpProbe.open();
        assumeThat(probe).as("%s is available on this host", name).isPresent();
        return probe.orElseThrow();
    }

    static Connection serverSide(Socket accepted) {
        return new Connection((InetSocketAddress) accepted.getLocalSocketAddress(), (InetSocketAddress)
                accepted.getRemoteSocketAddress());
    }

    /** Real sockets: the probe sees a live connection, a client's FIN, and a client's reset. */
    @ParameterizedTest
    @MethodSource("probes")
    void probeSeesOpenHungUpAndResetConnections(String name) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ConnectionProbe probe = open(name);
                ServerSocket server = new ServerSocket(0, 10, loopback);
                Socket polite = new Socket(loopback, server.getLocalPort());
                Socket politeServerSide = server.accept();
                Socket rude = new Socket(loopback, server.getLocalPort());
                Socket rudeServerSide = server.accept()) {
            Connection politeConnection = serverSide(politeServerSide);
            Connection rudeConnection = serverSide(rudeServerSide);
            List<Connection> both = List.of(politeConnection, rudeConnection);
            assertThat(probe.check(both))
                    .containsEntry(politeConnection, Seen.OPEN)
                    .containsEntry(rudeConnection, Seen.OPEN);

            polite.close();
            rude.setSoLinger(true, 0);
            rude.close(); // RST: the server-side socket leaves the kernel's table

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(probe.check(both))
                    .containsEntry(politeConnection, Seen.HUNG_UP)
                    .containsEntry(rudeConnection, Seen.ABSENT));
        }
    }

    @Test
    void theBestProbeOnLinuxIsNetlinkAndPassesItsSelfTest() {
        assumeThat(System.getProperty("os.name")).isEqualTo("Linux");
        try (ConnectionProbe probe = DisconnectWatcher.bestProbe()) {
            assertThat(probe.name()).isEqualTo("sock_diag");
            assertThat(DisconnectWatcher.seesALiveConnection(probe)).isTrue();
        }
    }

    /** A probe whose answers the test sets. */
    static class ScriptedProbe implements ConnectionProbe {
        final Map<Connection, Seen> answers = new HashMap<>();
        final int absences;

        ScriptedProbe(int absences) {
            this.absences = absences;
        }

        @Override
        public Map<Connection, Seen> check(Collection<Connection> watched) {
            Map<Connection, Seen> seen = new HashMap<>();
            for (Connection c : watched) {
                if (answers.containsKey(c)) {
                    seen.put(c, answers.get(c));
                }
            }
            return seen;
        }

        @Override
        public int absencesBeforeGone() {
            return absences;
        }

        @Override
        public String name() {
            return "scripted";
        }
    }

    static InetSocketAddress at(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Test
    void aHungUpClientIsCancelledOnceAndAnAbsentOneAfterTheProbesCountOfAbsences() {
        ScriptedProbe probe = new ScriptedProbe(2);
        AtomicInteger hungUp = new AtomicInteger();
        AtomicInteger reset = new AtomicInteger();
        AtomicInteger open = new AtomicInteger();
        try (DisconnectWatcher watcher = new DisconnectWatcher(probe, System::nanoTime)) {
            watcher.watch(at(8080), at(50000), hungUp::incrementAndGet);
            watcher.watch(at(8080), at(50001), reset::incrementAndGet);
            watcher.watch(at(8080), at(50002), open::incrementAndGet);
            probe.answers.put(new Connection(at(8080), at(50000)), Seen.HUNG_UP);
            probe.answers.put(new Connection(at(8080), at(50001)), Seen.ABSENT);
            probe.answers.put(new Connection(at(8080), at(50002)), Seen.OPEN);

            watcher.checkOnce();
            assertThat(hungUp).hasValue(1);
            assertThat(reset).as("one absence is not enough for this probe").hasValue(0);

            watcher.checkOnce();
            watcher.checkOnce();
            assertThat(hungUp).as("called once, then forgotten").hasValue(1);
            assertThat(reset).hasValue(1);
            assertThat(open).hasValue(0);
        }
    }

    @Test
    void anAbsenceFollowedBySightingStartsTheCountAgain() {
        ScriptedProbe probe = new ScriptedProbe(2);
        AtomicInteger gone = new AtomicInteger();
        Connection c = new Connection(at(8080), at(50000));
        try (DisconnectWatcher watcher = new DisconnectWatcher(probe, System::nanoTime)) {
            watcher.watch(c.local(), c.remote(), gone::incrementAndGet);
            probe.answers.put(c, Seen.ABSENT);
            watcher.checkOnce();
            probe.answers.put(c, Seen.OPEN);
            watcher.checkOnce();
            probe.answers.put(c, Seen.ABSENT);
            watcher.checkOnce();
            assertThat(gone).hasValue(0);
            watcher.checkOnce();
            assertThat(gone).hasValue(1);
        }
    }

    @Test
    void aClosedRegistrationIsNotCalled() {
        ScriptedProbe probe = new ScriptedProbe(1);
        AtomicInteger gone = new AtomicInteger();
        Connection c = new Connection(at(8080), at(50000));
        try (DisconnectWatcher watcher = new DisconnectWatcher(probe, System::nanoTime)) {
            watcher.watch(c.local(), c.remote(), gone::incrementAndGet).close();
            probe.answers.put(c, Seen.HUNG_UP);
            watcher.checkOnce();
            assertThat(gone).hasValue(0);
        }
    }

    @Test
    void theWaitAfterACheckBoundsTheWatchersShareOfOneCore() {
        assertThat(DisconnectWatcher.pauseAfter(Duration.ofMillis(1).toNanos()))
                .as("cheap checks run every poll interval")
                .isEqualTo(DisconnectWatcher.POLL_INTERVAL.toNanos());
        long slow = Duration.ofMillis(130).toNanos();
        long pause = DisconnectWatcher.pauseAfter(slow);
        assertThat((double) slow / (slow + pause))
                .as("a 130 ms check (the TCP table at 2,000 connections) takes at most 1/20 of a core")
                .isLessThanOrEqualTo(1.0 / (DisconnectWatcher.COST_FACTOR + 1) + 1e-9);
    }

    @Test
    void checkOnceReportsTheDurationOnTheInjectedClock() {
        AtomicLong now = new AtomicLong();
        ConnectionProbe slow = new ScriptedProbe(1) {
            @Override
            public Map<Connection, Seen> check(Collection<Connection> watched) {
                now.addAndGet(Duration.ofMillis(7).toNanos());
                return Map.of();
            }
        };
        try (DisconnectWatcher watcher = new DisconnectWatcher(slow, now::get)) {
            watcher.watch(at(8080), at(50000), () -> {});
            assertThat(watcher.checkOnce()).isEqualTo(Duration.ofMillis(7).toNanos());
        }
    }

    @Test
    void withoutAProbeNothingIsWatchedAndNothingFails() {
        AtomicInteger gone = new AtomicInteger();
        try (DisconnectWatcher watcher = new DisconnectWatcher(ConnectionProbe.NONE, System::nanoTime).start()) {
            watcher.watch(at(8080), at(50000), gone::incrementAndGet).close();
            assertThat(watcher.probeName()).isEqualTo("none");
        }
        assertThat(gone).hasValue(0);
    }
}
