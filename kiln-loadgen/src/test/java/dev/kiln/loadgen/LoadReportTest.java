package dev.kiln.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadReportTest {

    @Test
    void writesJsonAndMarkdownThatParse(@TempDir Path dir) throws Exception {
        LoadReport report;
        try (TestServer server = new TestServer(n -> TestServer.Reply.of(n % 2 == 0 ? 200 : 429))) {
            report = LoadGenerator.run(LoadSpec.builder(server.uri("/v1/renders"))
                    .ratePerSecond(40)
                    .duration(Duration.ofMillis(250))
                    .body("{}")
                    .apiKey("secret-key")
                    .build());
        }

        LoadReport.WrittenFiles files = report.writeTo(dir.resolve("out"));

        JsonNode json = new ObjectMapper().readTree(files.json().toFile());
        assertThat(json.get("mode").asText()).isEqualTo("open");
        assertThat(json.get("rate_per_s").asDouble()).isEqualTo(40.0);
        assertThat(json.get("offered").asLong()).isEqualTo(10);
        assertThat(json.get("errors").asLong()).isEqualTo(5);
        assertThat(json.at("/classes/success/count").asLong()).isEqualTo(5);
        assertThat(json.at("/classes/rejected_429/count").asLong()).isEqualTo(5);
        assertThat(json.at("/classes/success/p99_9_ms").asDouble()).isPositive();
        assertThat(json.at("/classes/dropped/count").asLong()).isZero();
        assertThat(json.get("goodput_per_s").asDouble()).isPositive();
        assertThat(json.get("latency_from").asText()).isEqualTo("intended_send");
        assertThat(json.has("max_send_lag_ms")).isTrue();
        assertThat(Files.readString(files.json())).doesNotContain("secret-key");

        String markdown = Files.readString(files.markdown());
        assertThat(markdown).isEqualTo(report.toMarkdown()).doesNotContain("secret-key");
        List<String> rows = markdown.lines().filter(l -> l.startsWith("|")).toList();
        assertThat(rows).hasSize(2 + Outcome.values().length);
        assertThat(rows.get(0)).isEqualTo("| outcome | count | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms |");
        assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("| 2xx success | 5 | "));
        assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("| 429 rejected | 5 | "));
        for (String row : rows) {
            assertThat(row.split("\\|", -1)).hasSize(9);
        }
    }
}
