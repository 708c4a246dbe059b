package dev.kiln.app;

import dev.kiln.loadgen.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiln} command line. */
@Command(
        name = "kiln",
        mixinStandardHelpOptions = true,
        version = "kiln 0.1.0",
        description = "Kiln: render service and generation-job platform.",
        subcommands = {UpCommand.class, KeysCommand.class, CreditsCommand.class, QuotaCommand.class, BenchCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Entry point. */
    public static void main(String[] args) {
        // Helidon logs through java.util.logging; route it into the same JSON log stream.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        CommandLine cli = BenchCommand.oneLineErrors(new CommandLine(new Main()));
        var benchHandler = cli.getExecutionExceptionHandler();
        int code = cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // Expected failures are one line, never a stack trace.
                    if (e instanceof ConfigException || e instanceof StartupException) {
                        System.err.println("kiln: " + e.getMessage());
                        return 2;
                    }
                    return benchHandler.handleExecutionException(e, cmd, parsed);
                })
                .execute(args);
        if (code != 0 || !UpCommand.isServing()) {
            System.exit(code);
        }
    }
}
