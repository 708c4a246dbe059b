package dev.kiln.renderpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PoolConfigTest {

    private static final long MIB = 1024L * 1024;

    @Test
    void defaultsUseCoresWhenMemoryAllows() {
        PoolConfig config = PoolConfig.defaults(8, 4096 * MIB, 128 * MIB);

        assertThat(config.workers()).isEqualTo(8);
        assertThat(config.queueCapacity()).isEqualTo(32);
        assertThat(config.initialServiceTime()).isEqualTo(PoolConfig.DEFAULT_INITIAL_SERVICE_TIME);
        assertThat(config.overdueGrace()).isEqualTo(PoolConfig.DEFAULT_OVERDUE_GRACE);
        assertThat(config.drainTimeout()).isEqualTo(PoolConfig.DEFAULT_DRAIN_TIMEOUT);
    }

    @Test
    void defaultsAreLimitedByMemoryBudget() {
        PoolConfig config = PoolConfig.defaults(8, 300 * MIB, 128 * MIB);

        assertThat(config.workers()).isEqualTo(2);
        assertThat(config.queueCapacity()).isEqualTo(8);
    }

    @Test
    void defaultsKeepAtLeastOneWorker() {
        assertThat(PoolConfig.defaults(4, 10 * MIB, 128 * MIB).workers()).isEqualTo(1);
    }

    @Test
    void defaultsAreCappedAtMaxWorkers() {
        assertThat(PoolConfig.defaults(100_000, Long.MAX_VALUE, 1).workers()).isEqualTo(PoolConfig.MAX_WORKERS);
    }

    @Test
    void defaultsArgumentsAreValidatedByName() {
        assertThatThrownBy(() -> PoolConfig.defaults(0, MIB, MIB)).hasMessageContaining("cores");
        assertThatThrownBy(() -> PoolConfig.defaults(1, 0, MIB)).hasMessageContaining("memoryBudgetBytes");
        assertThatThrownBy(() -> PoolConfig.defaults(1, MIB, 0)).hasMessageContaining("perJobBytes");
    }

    @Test
    void validationMessagesNameTheSetting() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new PoolConfig(0, 1, s, s, s))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workers");
        assertThatThrownBy(() -> new PoolConfig(PoolConfig.MAX_WORKERS + 1, 1, s, s, s))
                .hasMessageContaining("workers");
        assertThatThrownBy(() -> new PoolConfig(1, -1, s, s, s)).hasMessageContaining("queueCapacity");
        assertThatThrownBy(() -> new PoolConfig(1, 1, Duration.ZERO, s, s)).hasMessageContaining("initialServiceTime");
        assertThatThrownBy(() -> new PoolConfig(1, 1, null, s, s)).hasMessageContaining("initialServiceTime");
        assertThatThrownBy(() -> new PoolConfig(1, 1, s, Duration.ofSeconds(-1), s))
                .hasMessageContaining("overdueGrace");
        assertThatThrownBy(() -> new PoolConfig(1, 1, s, null, s)).hasMessageContaining("overdueGrace");
        assertThatThrownBy(() -> new PoolConfig(1, 1, s, s, Duration.ofMillis(-1)))
                .hasMessageContaining("drainTimeout");
        assertThatThrownBy(() -> new PoolConfig(1, 1, s, s, null)).hasMessageContaining("drainTimeout");
    }

    @Test
    void queueCapacityIsBoundedRelativeToWorkers() {
        Duration s = Duration.ofSeconds(1);
        int tooMany = PoolConfig.MAX_QUEUE_PER_WORKER * 2 + 1;

        assertThatThrownBy(() -> new PoolConfig(2, tooMany, s, s, s))
                .hasMessageContaining("queueCapacity")
                .hasMessageContaining("workers");
        assertThat(new PoolConfig(2, tooMany - 1, s, s, s).queueCapacity()).isEqualTo(tooMany - 1);
    }

    @Test
    void zeroQueueAndZeroGraceAreAllowed() {
        PoolConfig config = new PoolConfig(1, 0, Duration.ofMillis(1), Duration.ZERO, Duration.ZERO);

        assertThat(config.queueCapacity()).isZero();
        assertThat(config.overdueGrace()).isZero();
    }
}
