package dev.kiln.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RenderBenchCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        var commandLine = BenchCommand.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    static Stream<Arguments> badOptions() {
        String url = "http://127.0.0.1:1";
        return Stream.of(
                Arguments.of(
                        List.of("render", "--url", "http://10.0.0.5:8080", "--key", "k", "--rate", "5"),
                        "not loopback"),
                Arguments.of(List.of("render", "--url", url, "--key", "k", "--rate", "-5"), "rate must be"),
                Arguments.of(
                        List.of("render", "--url", url, "--key", "k", "--rate", "5", "--duration", "10 s"),
                        "must be a duration"),
                Arguments.of(List.of("render", "--url", url, "--key", "k"), "--rate is required"),
                Arguments.of(
                        List.of("render", "--url", url, "--key", "k", "--rate", "5", "--format", "gif"),
                        "format must be"),
                Arguments.of(List.of("render", "--url", url, "--key", "k", "--mode", "closed"), "mode must be"),
                Arguments.of(
                        List.of("render", "--url", url, "--key", "k", "--rate", "5", "--body", "/nonexistent/b.json"),
                        "cannot be read"),
                Arguments.of(List.of("render", "--url", url, "--rate", "5"), "--key"),
                Arguments.of(List.of(), "missing subcommand"));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void badOptionsExitNonZeroWithOneLine(List<String> args, String message) {
        int exit = execute(args.toArray(String[]::new));

        assertThat(exit).as("stderr: %s", err).isEqualTo(2);
        assertThat(err.toString().strip())
                .contains(message)
                .doesNotContain("\n")
                .startsWith("kiln bench: ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void completedRunExitsZeroWritesFilesAndPrintsTheSummary(@TempDir Path dir) throws Exception {
        Path outDir = dir.resolve("bench-results");
        try (TestServer server = new TestServer(n -> TestServer.Reply.of(200))) {
            int exit = execute(
                    "render",
                    "--url",
                    server.baseUrl(),
                    "--key",
                    "KEY",
                    "--rate",
                    "20",
                    "--duration",
                    "250ms",
                    "--warmup",
                    "100ms",
                    "--format",
                    "webp",
                    "--timeout-ms",
                    "5000",
                    "--header",
                    "X-Timeout-Ms=4000",
                    "--out",
                    outDir.toString());

            assertThat(exit).isZero();
            assertThat(err.toString()).isEmpty();
            assertThat(out.toString()).contains("| 2xx success | 5 |").contains("report: ");
            assertThat(server.arrivals()).isEqualTo(7);
            TestServer.Received first = server.received().getFirst();
            assertThat(first.authorization()).isEqualTo("Bearer KEY");
            assertThat(first.timeoutHeader()).isEqualTo("4000");
            JsonNode body = new ObjectMapper().readTree(first.body());
            assertThat(body.at("/output/format").asText()).isEqualTo("webp");
            assertThat(body.at("/document/type").asText()).isEqualTo("svg");
        }
        try (Stream<Path> files = Files.list(outDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .hasSize(2)
                    .anyMatch(name -> name.startsWith("open-") && name.endsWith(".json"))
                    .anyMatch(name -> name.startsWith("open-") && name.endsWith(".md"));
        }
    }

    @Test
    void bodyFileIsSentAsIs(@TempDir Path dir) throws Exception {
        Path body = dir.resolve("body.json");
        Files.writeString(body, "{\"document\":{\"type\":\"scene\"},\"output\":{\"format\":\"jpeg\"}}");
        try (TestServer server = new TestServer(n -> TestServer.Reply.of(200))) {
            int exit = execute(
                    "render",
                    "--url",
                    server.baseUrl(),
                    "--key",
                    "K",
                    "--mode",
                    "sequential",
                    "--requests",
                    "3",
                    "--body",
                    body.toString(),
                    "--out",
                    dir.resolve("out").toString());

            assertThat(exit).isZero();
            assertThat(server.received()).hasSize(3).allSatisfy(r -> assertThat(r.body())
                    .isEqualTo(Files.readString(body)));
        }
    }

    @org.junit.jupiter.api.Test
    void keyDefaultsToTheEnvironmentThenToTheFileKilnUpSaved(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home)
            throws Exception {
        java.nio.file.Files.writeString(home.resolve("api-key"), "kiln_saved\n");
        assertThat(RenderBenchCommand.defaultKey(
                        java.util.Map.of("KILN_API_KEY", "kiln_env", "KILN_HOME", home.toString())))
                .isEqualTo("kiln_env");
        assertThat(RenderBenchCommand.defaultKey(java.util.Map.of("KILN_HOME", home.toString())))
                .isEqualTo("kiln_saved");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RenderBenchCommand.defaultKey(
                        java.util.Map.of("KILN_HOME", home.resolve("none").toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pass --key");
    }
}
