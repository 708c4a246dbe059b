package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Config records validate themselves with messages that name the setting. */
class ConfigTest {

    @Test
    void defaultsRecoverADeadWorkersJobsWithinTenSeconds() {
        QueueConfig d = QueueConfig.defaults();
        assertThat(d.worstCaseRecovery()).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(d.heartbeatInterval()).isLessThan(d.lease());
    }

    @Test
    void heartbeatMustBeWellInsideTheLease() {
        assertThatThrownBy(() -> QueueConfig.defaults()
                        .withLeases(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeatInterval")
                .hasMessageContaining("lease");
    }

    @Test
    void rescuerMustNotWaitLongerThanALease() {
        assertThatThrownBy(() -> QueueConfig.defaults()
                        .withLeases(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rescuerInterval");
    }

    @Test
    void eachSettingIsNamedWhenInvalid() {
        assertThatThrownBy(() -> QueueConfig.defaults().withTenantQuota(0)).hasMessageContaining("tenantQuota");
        assertThatThrownBy(() -> QueueConfig.defaults().withPollInterval(Duration.ZERO))
                .hasMessageContaining("pollInterval");
        assertThatThrownBy(() -> QueueConfig.defaults()
                        .withRetention(Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(1), 0))
                .hasMessageContaining("retentionBatchSize");
        assertThatThrownBy(() -> QueueConfig.defaults().withVacuumInterval(Duration.ofMillis(1)))
                .hasMessageContaining("vacuumInterval");
        assertThatThrownBy(() -> WorkerConfig.named(" ")).hasMessageContaining("worker name");
        assertThatThrownBy(() -> WorkerConfig.named("w").withConcurrency(0)).hasMessageContaining("concurrency");
        assertThatThrownBy(() -> WorkerConfig.named("w").withDrainTimeout(Duration.ofSeconds(-1)))
                .hasMessageContaining("drainTimeout");
        assertThatThrownBy(() -> JobRequest.of("", "t", "{}")).hasMessageContaining("kind");
        assertThatThrownBy(() -> JobRequest.of("k", "", "{}")).hasMessageContaining("tenant");
        assertThatThrownBy(() -> JobRequest.of("k", "t", "{}").withMaxAttempts(0))
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> JobRequest.of("k", "t", "{}").withTimeout(Duration.ZERO))
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("retry cap");
    }

    @Test
    void backoffDoublesUpToTheCapWithFullJitter() {
        RetryPolicy p = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(p.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.ceiling(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(p.ceiling(7)).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.ceiling(1_000)).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.delay(3, new FixedRandom(0.0))).isEqualTo(Duration.ZERO);
        assertThat(p.delay(3, new FixedRandom(0.25))).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.delay(3, new FixedRandom(0.999))).isLessThan(p.ceiling(3));
    }
}
