package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Shutdown's phases share one deadline, read from an injected ticker. */
class ShutdownDeadlineTest {
    final AtomicLong now = new AtomicLong(1_000);

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void eachPhaseGetsOnlyWhatThePhasesBeforeItLeft() {
        ShutdownDeadline deadline = new ShutdownDeadline(now::get, Duration.ofSeconds(20));
        Duration reserve = Wiring.stopReserve(deadline.budget());
        assertThat(reserve).isEqualTo(Duration.ofSeconds(2));

        Duration serverWait = deadline.remaining(reserve);
        assertThat(serverWait).isEqualTo(Duration.ofSeconds(18));

        // The server's wait ran out and its stop took 3 s more: the workers' wait is what is left, not a fresh one.
        advance(serverWait.plusSeconds(3));
        assertThat(deadline.remaining(reserve)).isZero();
        assertThat(deadline.remaining()).isZero();
    }

    @Test
    void aQuickPhaseLeavesItsTimeToTheNext() {
        ShutdownDeadline deadline = new ShutdownDeadline(now::get, Duration.ofSeconds(4));
        Duration reserve = Wiring.stopReserve(deadline.budget());
        assertThat(reserve).as("a quarter of a small budget").isEqualTo(Duration.ofSeconds(1));
        advance(Duration.ofMillis(500));
        assertThat(deadline.remaining(reserve)).isEqualTo(Duration.ofMillis(2_500));
        assertThat(deadline.remaining()).isEqualTo(Duration.ofMillis(3_500));
    }

    @Test
    void theDeadlineIsFixedWhenTheShutdownBeginsAndHugeBudgetsDoNotOverflow() {
        ShutdownDeadline deadline = new ShutdownDeadline(now::get, Duration.ofSeconds(10));
        advance(Duration.ofSeconds(4));
        ShutdownDeadline later = new ShutdownDeadline(now::get, Duration.ofSeconds(10));
        assertThat(deadline.remaining()).isEqualTo(Duration.ofSeconds(6));
        assertThat(later.remaining()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new ShutdownDeadline(now::get, Duration.ofDays(365 * 1000)).remaining())
                .isPositive();
        assertThatThrownBy(() -> new ShutdownDeadline(now::get, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
