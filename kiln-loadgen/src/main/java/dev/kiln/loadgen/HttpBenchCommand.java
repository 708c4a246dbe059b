package dev.kiln.loadgen;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench http}: a {@code GET} of any path of a local Kiln (status, the dashboard, a trivial route) at an
 * open arrival rate, sequentially or saturating; the read path's benchmarks ({@code scripts/bench-readpath.sh}) use it.
 */
@Command(
        name = "http",
        description = "Load GET <path> of a local Kiln and write a JSON report and a markdown summary.",
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class HttpBenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private LoadOptions load;

    @Option(names = "--path", required = true, description = "Path and query to GET, e.g. /v1/generations/42")
    private String path;

    /** Creates the command; picocli fills in the options. */
    public HttpBenchCommand() {}

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
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("--path must start with /, was " + path);
        }
        return load.apply(LoadSpec.builder(java.net.URI.create(load.url.replaceAll("/+$", "") + path))
                        .method("GET"))
                .build();
    }
}
