package dev.kiln.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DisconnectWatcherTest {
    static final String TABLE = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0
               1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0
               2: 0100007F:1F90 0100007F:C351 08 00000000:00000000 00:00000000 00000000     0        0 3 1 0
               3: 0100007F:1F90 0100007F:C352 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0
            """;

    static long key(int local, int remote) {
        return ((long) local << 16) | remote;
    }

    @Test
    void keepsOnlyWatchedConnectionsWithTheirState() {
        Map<Long, String> states = new HashMap<>();
        Set<Long> watched = Set.of(key(8080, 0xC350), key(8080, 0xC351), key(8080, 0xBEEF));
        DisconnectWatcher.parseTable(TABLE.getBytes(StandardCharsets.US_ASCII), watched, states);
        assertThat(states)
                .containsEntry(key(8080, 0xC350), "01")
                .containsEntry(key(8080, 0xC351), "08")
                .doesNotContainKey(key(8080, 0xC352))
                .as("a watched connection the kernel no longer lists is absent, which means gone")
                .doesNotContainKey(key(8080, 0xBEEF));
    }

    @Test
    void aLiveEntryWinsOverAStaleCloseWaitWithTheSamePorts() {
        String table = """
                  sl  local_address rem_address   st
                   0: 0100007F:1F90 0100007F:C350 08 0
                   1: 0100007F:1F90 0100007F:C350 01 0
                """;
        Map<Long, String> states = new HashMap<>();
        DisconnectWatcher.parseTable(table.getBytes(StandardCharsets.US_ASCII), Set.of(key(8080, 0xC350)), states);
        assertThat(states).containsEntry(key(8080, 0xC350), "01");
    }
}
