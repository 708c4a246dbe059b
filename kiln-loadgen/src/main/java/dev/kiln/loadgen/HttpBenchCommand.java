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

    @Option(names = "--path", description = "Path and query to GET, e.g. /v1/generations/42")
    private String path;

    @Option(
            names = "--paths-file",
            description = "A file of paths, one a line; requests rotate over them (e.g. a polling storm over many"
                    + " generations). Instead of --path")
    private java.nio.file.Path pathsFile;

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
        if ((path == null) == (pathsFile == null)) {
            throw new IllegalArgumentException("give exactly one of --path and --paths-file");
        }
        java.util.List<String> paths;
        if (path != null) {
            paths = java.util.List.of(path);
        } else {
            try {
                paths = java.nio.file.Files.readAllLines(pathsFile).stream()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty())
                        .toList();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--paths-file " + pathsFile + " cannot be read: " + e.getMessage());
            }
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("--paths-file " + pathsFile + " has no paths");
            }
        }
        String base = load.url.replaceAll("/+$", "");
        java.util.List<java.net.URI> targets = new java.util.ArrayList<>();
        for (String p : paths) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("a path must start with /, was " + p);
            }
            targets.add(java.net.URI.create(base + p));
        }
        return load.apply(LoadSpec.builder(targets.getFirst()).method("GET").targets(targets))
                .build();
    }
}
