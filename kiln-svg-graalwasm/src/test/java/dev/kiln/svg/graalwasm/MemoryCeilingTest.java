package dev.kiln.svg.graalwasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryCeilingTest {
    /** (module (memory 17)) plus a custom section after it, which must survive the rewrite byte for byte. */
    private static final byte[] MODULE = {0, 'a', 's', 'm', 1, 0, 0, 0, 5, 3, 1, 0, 17, 0, 3, 1, 'x', 42};

    @Test
    void declaresTheCeilingAsTheMemorysMaximumAndKeepsTheOtherSections() {
        byte[] out = MemoryCeiling.apply(MODULE, 300);
        // memory section: 1 memory, flags 1 (has max), initial 17, max 300 as LEB128 (0xac 0x02).
        assertThat(out).containsExactly(0, 'a', 's', 'm', 1, 0, 0, 0, 5, 5, 1, 1, 17, 0xac - 256, 2, 0, 3, 1, 'x', 42);
        assertThat(MemoryCeiling.initialPages(out)).isEqualTo(17);
    }

    @Test
    void refusesACeilingBelowTheModulesInitialMemory() {
        assertThatThrownBy(() -> MemoryCeiling.apply(MODULE, 16)).hasMessageContaining("17 memory pages");
    }
}
