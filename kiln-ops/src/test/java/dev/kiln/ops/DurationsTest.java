package dev.kiln.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void parsesEveryUnitAndBareMilliseconds() {
        assertThat(Durations.parse("X", "60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(Durations.parse("X", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("X", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("X", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("X", "1.5s")).isEqualTo(Duration.ofMillis(1_500));
        assertThat(Durations.parse("X", " 0s ")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("X", "40")).isEqualTo(Duration.ofMillis(40));
        assertThat(Durations.parse("X", "10S")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void parsesIso8601() {
        assertThat(Durations.parse("X", "PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1s", "-5", "-0.5m", "PT-5S", "-PT5S"})
    void refusesNegativeDurationsNamingTheSetting(String text) {
        assertThatThrownBy(() -> Durations.parse("KILN_DRAIN_TIMEOUT", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KILN_DRAIN_TIMEOUT must not be negative, was '" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "5d", "s", "1.s", "1.5", "10 s", "1e3ms", "", " ", "PTXS", "0x10s"})
    void refusesAnythingElseNamingTheSettingAndTheValue(String text) {
        assertThatThrownBy(() -> Durations.parse("KILN_REQUEST_TIMEOUT", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KILN_REQUEST_TIMEOUT must be a duration such as 500ms, 10s, 2m or 1h, was '" + text + "'");
    }

    @Test
    void refusesNullAsNotADuration() {
        assertThatThrownBy(() -> Durations.parse("KILN_X", null)).hasMessageContaining("KILN_X must be a duration");
    }

    @Test
    void refusesDurationsPastWhatADurationHolds() {
        assertThatThrownBy(() -> Durations.parse("KILN_X", "99999999999999999999h"))
                .hasMessage("KILN_X is too large, was '99999999999999999999h'");
    }

    @Test
    void formatsCompactlyAndReadsItsOwnOutputBack() {
        assertThat(Durations.format(Duration.ofSeconds(60))).isEqualTo("60s");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofMillis(1_500))).isEqualTo("1.5s");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
        for (Duration d : new Duration[] {Duration.ofMillis(250), Duration.ofMillis(1_500), Duration.ofMinutes(10)}) {
            assertThat(Durations.parse("X", Durations.format(d))).isEqualTo(d);
        }
    }
}
