package dev.kiln.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BurnDownProbeTest {

    @Test
    void readsUserAndSystemTicksAfterACommandNameWithSpacesAndParentheses() {
        // /proc/<pid>/task/<tid>/stat of a JIT thread: the name may hold spaces and ')', so fields count from the last.
        String stat = "4711 (C2 Compiler) x)) S 1 4711 4711 0 -1 4194368 9876 0 12 0 321 45 0 0 20 0 40 0 1234 "
                + "5000000 3000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";

        assertThat(BurnDownProbe.Cpu.ticks(stat)).isEqualTo(321 + 45);
    }

    @Test
    void summarisesClaimsCompletionsAndCpuPerJob() {
        BurnDownProbe probe = new BurnDownProbe();
        probe.claimed(50);
        probe.claimed(30);
        probe.claimTook(java.time.Duration.ofMillis(3));
        probe.claimTook(java.time.Duration.ofMillis(2));
        probe.completed(80);
        BurnDownProbe.Cpu before = new BurnDownProbe.Cpu(100, 40, Map.of(7, 10L, 8, 5L));
        // 0.8 s of this JVM (0.2 s JIT) and 0.4 s of backends (one of them new) over 80 jobs.
        BurnDownProbe.Cpu after = new BurnDownProbe.Cpu(180, 60, Map.of(7, 40L, 8, 10L, 9, 5L));

        String line = probe.summary(before, after, 80, 10_000_000);

        assertThat(line)
                .contains("2 claims of 40.0 jobs on average")
                .contains("5 ms in claim statements (50 % of the burn-down)")
                .contains("1 completion statements")
                .contains("this JVM 10000 µs")
                .contains("JIT compiler threads 2500 µs")
                .contains("the database's backends 5000 µs (3 backends)");
    }
}
