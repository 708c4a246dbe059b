package dev.kiln.loadgen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln bench queue}: the queue workloads of docs/benchmark-workloads.md against Kiln's own job queue, in a database of its own. */
@Command(
        name = "queue",
        description = "Run the standard queue workloads (single adds, bulk adds, burn-down, pickup latency) against"
                + " kiln-queue in a database of its own, dropped and recreated each run; write a JSON report and a"
                + " markdown summary.",
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class QueueBenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--jobs",
            defaultValue = "" + QueueBenchSpec.DEFAULT_JOBS,
            description = "No-op jobs in workloads A and B. Default: ${DEFAULT-VALUE}")
    private int jobs;

    @Option(
            names = "--concurrency",
            defaultValue = "" + QueueBenchSpec.DEFAULT_CONCURRENCY,
            description = "Worker concurrency for burn-down and pickup. Default: ${DEFAULT-VALUE}")
    private int concurrency;

    @Option(
            names = "--latency-jobs",
            defaultValue = "" + QueueBenchSpec.DEFAULT_LATENCY_JOBS,
            description = "Jobs in workload C (pickup latency). Default: ${DEFAULT-VALUE}")
    private int latencyJobs;

    @Option(
            names = "--latency-gap",
            defaultValue = "20ms",
            converter = RenderBenchCommand.DurationConverter.class,
            description = "Gap between workload C's adds (open arrival). Default: ${DEFAULT-VALUE}")
    private Duration latencyGap;

    @Option(
            names = "--adds-in-flight",
            defaultValue = "" + QueueBenchSpec.DEFAULT_ADDS_IN_FLIGHT,
            description = "Workload A: single adds in flight, one transaction each. Default: ${DEFAULT-VALUE}")
    private int addsInFlight;

    @Option(
            names = "--bulk-size",
            defaultValue = "" + QueueBenchSpec.DEFAULT_BULK_SIZE,
            description = "Workload B: jobs per enqueueAll call. Default: ${DEFAULT-VALUE}")
    private int bulkSize;

    @Option(
            names = "--tenants",
            defaultValue = "" + QueueBenchSpec.DEFAULT_TENANTS,
            description = "Tenants the jobs are spread over, round robin. Default: ${DEFAULT-VALUE}")
    private int tenants;

    @Option(
            names = "--database",
            defaultValue = QueueBenchSpec.DEFAULT_DATABASE,
            description = "The benchmark's database; DROPPED and recreated each run. Default: ${DEFAULT-VALUE}")
    private String database;

    @Option(
            names = "--db-host",
            defaultValue = "${env:KILN_DB_HOST:-127.0.0.1}",
            description = "PostgreSQL host. Default: $KILN_DB_HOST, else 127.0.0.1")
    private String host;

    @Option(
            names = "--db-port",
            defaultValue = "${env:KILN_DB_PORT:-5432}",
            description = "PostgreSQL port. Default: $KILN_DB_PORT, else 5432")
    private int port;

    @Option(
            names = "--db-user",
            defaultValue = "${env:KILN_DB_USER:-postgres}",
            description = "PostgreSQL user (password from $KILN_DB_PASSWORD). Default: $KILN_DB_USER, else postgres")
    private String user;

    @Option(
            names = "--timeout",
            defaultValue = "5m",
            converter = RenderBenchCommand.DurationConverter.class,
            description = "Longest any one phase may take. Default: ${DEFAULT-VALUE}")
    private Duration timeout;

    @Option(
            names = "--warm-up",
            defaultValue = "" + QueueBenchSpec.DEFAULT_WARM_UP_JOBS,
            description =
                    "Jobs of an untimed workload A run first in the same JVM, so A is measured with the claim and"
                            + " completion paths compiled (a diagnostic: the standard run starts cold). Default: ${DEFAULT-VALUE}")
    private int warmUpJobs;

    @Option(names = "--out", description = "Directory for the JSON report and markdown summary. Default: bench-results")
    private Path out = LoadOptions.DEFAULT_OUT;

    /** Creates the command; picocli fills in the options. */
    public QueueBenchCommand() {}

    /** Runs A, B and C, writes the report files and prints the summary; 0 when every job completed exactly once. */
    @Override
    public Integer call() throws InterruptedException {
        QueueBenchSpec benchSpec;
        try {
            benchSpec = new QueueBenchSpec(
                    host,
                    port,
                    user,
                    System.getenv().getOrDefault("KILN_DB_PASSWORD", ""),
                    database,
                    jobs,
                    concurrency,
                    addsInFlight,
                    bulkSize,
                    tenants,
                    latencyJobs,
                    latencyGap,
                    timeout,
                    warmUpJobs);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        QueueBenchReport report;
        try {
            report = new QueueBench(benchSpec, stderr).run();
        } catch (SQLException | TimeoutException | IOException | RuntimeException e) {
            stderr.println("kiln bench queue: " + e);
            return 1;
        }
        stdout.print(report.toMarkdown());
        try {
            QueueBenchReport.WrittenFiles files = report.writeTo(out);
            stdout.println();
            stdout.println("report: " + files.json() + ", summary: " + files.markdown());
            stdout.flush();
        } catch (IOException e) {
            stderr.println("kiln bench queue: cannot write report to " + out + ": " + e.getMessage());
            return 1;
        }
        if (!report.problems().isEmpty()) {
            stderr.println("kiln bench queue: checks failed: " + report.problems());
            return 1;
        }
        return CommandLine.ExitCode.OK;
    }
}
