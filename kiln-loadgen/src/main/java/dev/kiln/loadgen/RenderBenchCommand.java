package dev.kiln.loadgen;

import dev.kiln.ops.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
final class RenderBenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private LoadOptions load;

    @Option(names = "--body", description = "JSON body file; default: the built-in reference card (SVG, PNG)")
    private Path body;

    @Option(names = "--format", description = "Override output.format in the body: png, jpeg or webp")
    private String format;

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
        return load.runAndReport(loadSpec, spec);
    }

    private LoadSpec loadSpec() {
        load.validate();
        String json = body == null ? RenderScenario.defaultBody() : readBody(body);
        if (format != null) {
            json = RenderScenario.withFormat(json, format);
        }
        return load.apply(LoadSpec.builder(RenderScenario.target(load.url))
                        .method("POST")
                        .body(json))
                .build();
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

    /** Parses a duration with {@link Durations}: {@code 500ms}, {@code 60s}, {@code 2m}, {@code 1h}, ISO-8601. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse("the value", value);
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
