package dev.kiln.loadgen;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln bench}: load tests against a running Kiln on this machine (loopback targets only). */
@Command(
        name = "bench",
        description = "Drive load against a running Kiln, or Kiln's job queue, on this machine and report the figures.",
        mixinStandardHelpOptions = true,
        subcommands = {RenderBenchCommand.class, QueueBenchCommand.class, HttpBenchCommand.class})
public final class BenchCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Creates the command; picocli fills in the rest. */
    public BenchCommand() {}

    /** Without a subcommand there is nothing to run. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: kiln bench render | queue | http");
    }

    /**
     * A command line for {@code bench} whose option errors print one line and exit with code 2; the app applies
     * {@link #oneLineErrors(CommandLine)} to its root command for the same effect.
     */
    public static CommandLine newCommandLine() {
        return oneLineErrors(new CommandLine(new BenchCommand()));
    }

    /** Makes {@code commandLine} report bad options as one line on stderr and exit code 2, without usage help. */
    public static CommandLine oneLineErrors(CommandLine commandLine) {
        commandLine.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("kiln bench: " + ex.getMessage());
            return CommandLine.ExitCode.USAGE;
        });
        // Options that only fail once combined (e.g. a non-loopback --url) are reported from inside call().
        commandLine.setExecutionExceptionHandler((ex, cl, parseResult) -> {
            if (ex instanceof ParameterException bad) {
                cl.getErr().println("kiln bench: " + bad.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            throw ex;
        });
        return commandLine;
    }

    /** Runs {@code bench} stand-alone, e.g. {@code java -cp ... dev.kiln.loadgen.BenchCommand render --url ...}. */
    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }
}
