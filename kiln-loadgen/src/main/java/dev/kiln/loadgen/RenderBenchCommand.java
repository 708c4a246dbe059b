package dev.kiln.loadgen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln bench render}: {@code POST /v1/renders} at an open arrival rate, or sequentially, or saturating. */
@Command(
        name = "render",
        description = "Load POST /v1/renders and write a JSON report and a markdown summary.",
        mixinStandardHelpOptions = true,
        sortOptions = false)
public final class RenderBenchCommand implements Callable<Integer> {

    /** Default output directory, relative to the working directory. */
    static final Path DEFAULT_OUT = Path.of("bench-results");

    @Spec
    private CommandSpec spec;

    /** Where {@code ./kiln up} listens by default. */
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    @Option(
            names = "--url",
            defaultValue = DEFAULT_URL,
            description = "Base URL of Kiln; must be loopback (default: ${DEFAULT-VALUE})")
    private String url;

    @Option(
            names = "--key",
            description = "API key, sent as Authorization: Bearer <key> (default: $KILN_API_KEY, else the key"
                    + " ./kiln up saved in $KILN_HOME/api-key)")
    private String key;

    @Option(
            names = "--mode",
            defaultValue = "open",
            converter = ModeConverter.class,
            description =
                    "open (constant arrival rate), sequential (one client) or saturate (closed loop). Default: ${DEFAULT-VALUE}")
    private LoadSpec.Mode mode;

    @Option(names = "--rate", description = "Open model: arrival rate in requests/s")
    private Double rate;

    @Option(
            names = "--duration",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "Measured period (open, saturate), e.g. 60s, 500ms, 2m. Default: ${DEFAULT-VALUE}")
    private Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "0s",
            converter = DurationConverter.class,
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

    @Option(names = "--body", description = "JSON body file; default: the built-in reference card (SVG, PNG)")
    private Path body;

    @Option(names = "--format", description = "Override output.format in the body: png, jpeg or webp")
    private String format;

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

    /** Creates the command; picocli fills in the options. */
    public RenderBenchCommand() {}

    /** Runs the load, writes the report files and prints the summary; 0 on a completed run. */
    @Override
    public Integer call() throws InterruptedException {
        LoadSpec loadSpec;
        try {
            loadSpec = loadSpec();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
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

    private LoadSpec loadSpec() {
        if (mode == LoadSpec.Mode.OPEN && rate == null) {
            throw new IllegalArgumentException("--rate is required in open mode (requests/s)");
        }
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("timeout-ms must be >= 1, was " + timeoutMs);
        }
        String json = body == null ? RenderScenario.defaultBody() : readBody(body);
        if (format != null) {
            json = RenderScenario.withFormat(json, format);
        }
        LoadSpec.Builder builder = LoadSpec.builder(RenderScenario.target(url))
                .mode(mode)
                .method("POST")
                .body(json)
                .apiKey(key != null ? key : defaultKey(System.getenv()))
                .ratePerSecond(rate == null ? 0 : rate)
                .duration(duration)
                .warmup(warmup)
                .requests(requests)
                .concurrency(concurrency)
                .requestTimeout(Duration.ofMillis(timeoutMs))
                .maxOutstanding(maxOutstanding);
        headers.forEach(builder::header);
        return builder.build();
    }

    private static String readBody(Path file) {
        try {
            String json = Files.readString(file, StandardCharsets.UTF_8);
            // Parse once here so that a broken file fails before any load is sent.
            RenderScenario.requireJson(json);
            return json;
        } catch (IOException e) {
            throw new IllegalArgumentException("body file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Parses {@code 500ms}, {@code 60s}, {@code 2m}, {@code 1h} or ISO-8601. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses a mode name case-insensitively. */
    static final class ModeConverter implements CommandLine.ITypeConverter<LoadSpec.Mode> {
        @Override
        public LoadSpec.Mode convert(String value) {
            try {
                return LoadSpec.Mode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The key from {@code KILN_API_KEY}, else the one {@code ./kiln up} saved; IllegalArgumentException if neither. */
    static String defaultKey(java.util.Map<String, String> env) {
        String fromEnv = env.get("KILN_API_KEY");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        java.nio.file.Path file = java.nio.file.Path.of(env.getOrDefault("KILN_HOME", ".kiln"), "api-key");
        try {
            return java.nio.file.Files.readString(file).strip();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(
                    "no --key given, KILN_API_KEY is unset and " + file + " cannot be read; pass --key", e);
        }
    }
}
