package dev.kiln.loadgen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options every HTTP load command shares ({@code kiln bench render}, {@code kiln bench http}): where to send, with
 * which key, the load model, and where the report goes; a picocli mixin. The command adds what it sends.
 */
final class LoadOptions {

    /** Default output directory, relative to the working directory. */
    static final Path DEFAULT_OUT = Path.of("bench-results");

    /** Where {@code ./kiln up} listens by default. */
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    @Option(
            names = "--url",
            defaultValue = DEFAULT_URL,
            description = "Base URL of Kiln; must be loopback (default: ${DEFAULT-VALUE})")
    String url;

    @Option(
            names = "--key",
            description = "API key, sent as Authorization: Bearer <key> (default: $KILN_API_KEY, else the key"
                    + " ./kiln up saved in $KILN_HOME/api-key)")
    private String key;

    @Option(
            names = "--mode",
            defaultValue = "open",
            converter = RenderBenchCommand.ModeConverter.class,
            description =
                    "open (constant arrival rate), sequential (one client) or saturate (closed loop). Default: ${DEFAULT-VALUE}")
    private LoadSpec.Mode mode;

    @Option(names = "--rate", description = "Open model: arrival rate in requests/s")
    private Double rate;

    @Option(
            names = "--duration",
            defaultValue = "60s",
            converter = RenderBenchCommand.DurationConverter.class,
            description = "Measured period (open, saturate), e.g. 60s, 500ms, 2m. Default: ${DEFAULT-VALUE}")
    private Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "0s",
            converter = RenderBenchCommand.DurationConverter.class,
            description = "Warm-up before measuring; its results are discarded. Default: ${DEFAULT-VALUE}")
    private Duration warmup;

    @Option(
            names = "--requests",
            defaultValue = "" + LoadSpec.DEFAULT_REQUESTS,
            description = "Sequential mode: number of requests. Default: ${DEFAULT-VALUE}")
    private int requests;

    @Option(
            names = "--concurrency",
            defaultValue = "" + LoadSpec.DEFAULT_CONCURRENCY,
            description = "Saturate mode: closed-loop clients. Default: ${DEFAULT-VALUE}")
    private int concurrency;

    @Option(
            names = "--timeout-ms",
            defaultValue = "30000",
            description = "Client-side timeout of one request in ms. Default: ${DEFAULT-VALUE}")
    private long timeoutMs;

    @Option(
            names = "--max-outstanding",
            defaultValue = "" + LoadSpec.DEFAULT_MAX_OUTSTANDING,
            description =
                    "Open model: cap on requests in flight; sends beyond it count as dropped. Default: ${DEFAULT-VALUE}")
    private int maxOutstanding;

    @Option(names = "--header", description = "Extra header NAME=VALUE, repeatable, e.g. X-Timeout-Ms=5000")
    private Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--out", description = "Directory for the JSON report and markdown summary. Default: bench-results")
    private Path out = DEFAULT_OUT;

    /** Checks the shared options (IllegalArgumentException names the option). */
    void validate() {
        if (mode == LoadSpec.Mode.OPEN && rate == null) {
            throw new IllegalArgumentException("--rate is required in open mode (requests/s)");
        }
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("timeout-ms must be >= 1, was " + timeoutMs);
        }
    }

    /** {@code builder} with the shared options applied: model, key, timeouts, caps and extra headers. */
    LoadSpec.Builder apply(LoadSpec.Builder builder) {
        builder.mode(mode)
                .apiKey(key != null ? key : RenderBenchCommand.defaultKey(System.getenv()))
                .ratePerSecond(rate == null ? 0 : rate)
                .duration(duration)
                .warmup(warmup)
                .requests(requests)
                .concurrency(concurrency)
                .requestTimeout(Duration.ofMillis(timeoutMs))
                .maxOutstanding(maxOutstanding);
        headers.forEach(builder::header);
        return builder;
    }

    /** Runs {@code loadSpec}, prints the summary and writes the report files; the command's exit code. */
    int runAndReport(LoadSpec loadSpec, CommandSpec spec) throws InterruptedException {
        LoadReport report = LoadGenerator.run(loadSpec);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(report.toMarkdown());
        try {
            LoadReport.WrittenFiles files = report.writeTo(out);
            stdout.println();
            stdout.println("report: " + files.json() + ", summary: " + files.markdown());
            stdout.flush();
        } catch (IOException e) {
            spec.commandLine().getErr().println("kiln bench: cannot write report to " + out + ": " + e.getMessage());
            return 1;
        }
        return CommandLine.ExitCode.OK;
    }
}
