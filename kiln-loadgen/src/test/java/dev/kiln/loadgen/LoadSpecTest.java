package dev.kiln.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoadSpecTest {

    private static LoadSpec.Builder valid(String url) {
        return LoadSpec.builder(URI.create(url)).ratePerSecond(10).duration(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://10.0.0.1:8080/v1/renders",
                "http://192.168.1.20/",
                "https://8.8.8.8/",
                "http://example.com/",
                "http://localhost.example.com/",
                "http://[::2]:8080/",
                "http://0.0.0.0:8080/"
            })
    void rejectsEveryTargetThatIsNotLoopback(String url) {
        assertThatThrownBy(() -> valid(url).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not loopback");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8080/v1/renders",
                "http://127.9.8.7/",
                "http://localhost:8080/",
                "http://LOCALHOST/",
                "http://[::1]:8080/"
            })
    void acceptsLoopbackTargets(String url) {
        assertThat(valid(url).build().target()).isEqualTo(URI.create(url));
    }

    @Test
    void rejectsNonHttpSchemes() {
        assertThatThrownBy(() -> valid("ftp://127.0.0.1/").build()).hasMessageContaining("url must be http");
    }

    @Test
    void messagesNameTheSetting() {
        assertThatThrownBy(() -> valid("http://127.0.0.1/").ratePerSecond(0).build())
                .hasMessageStartingWith("rate must be");
        assertThatThrownBy(
                        () -> valid("http://127.0.0.1/").duration(Duration.ZERO).build())
                .hasMessageStartingWith("duration must be");
        assertThatThrownBy(() -> valid("http://127.0.0.1/")
                        .warmup(Duration.ofSeconds(-1))
                        .build())
                .hasMessageStartingWith("warmup must be");
        assertThatThrownBy(() ->
                        valid("http://127.0.0.1/").requestTimeout(Duration.ZERO).build())
                .hasMessageStartingWith("timeout must be");
        assertThatThrownBy(() -> valid("http://127.0.0.1/").maxOutstanding(0).build())
                .hasMessageStartingWith("max-outstanding must be");
        assertThatThrownBy(() -> valid("http://127.0.0.1/")
                        .ratePerSecond(100_000)
                        .duration(Duration.ofHours(1))
                        .build())
                .hasMessageStartingWith("rate × (warmup + duration)");
        assertThatThrownBy(() -> valid("http://127.0.0.1/")
                        .mode(LoadSpec.Mode.SEQUENTIAL)
                        .requests(0)
                        .build())
                .hasMessageStartingWith("requests must be");
        assertThatThrownBy(() -> valid("http://127.0.0.1/")
                        .mode(LoadSpec.Mode.SATURATE)
                        .concurrency(0)
                        .build())
                .hasMessageStartingWith("concurrency must be");
    }

    @Test
    void sequentialModeNeedsNoRate() {
        LoadSpec spec = LoadSpec.builder(URI.create("http://127.0.0.1/"))
                .mode(LoadSpec.Mode.SEQUENTIAL)
                .requests(5)
                .build();
        assertThat(spec.requests()).isEqualTo(5);
        assertThat(spec.requestTimeout()).isEqualTo(LoadSpec.DEFAULT_REQUEST_TIMEOUT);
    }

    @Test
    void toStringKeepsTheKeySecret() {
        LoadSpec spec = valid("http://127.0.0.1/").apiKey("sk-very-secret").build();
        assertThat(spec.toString()).doesNotContain("sk-very-secret").contains("apiKey=***");
    }

    @Test
    void modeParsesCaseInsensitively() {
        assertThat(LoadSpec.Mode.parse("Saturate")).isEqualTo(LoadSpec.Mode.SATURATE);
        assertThatThrownBy(() -> LoadSpec.Mode.parse("closed")).hasMessageContaining("mode must be");
    }
}
