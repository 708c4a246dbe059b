package dev.kiln.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What {@code kiln bench queue} measured: workloads A (single adds), B (bulk adds) and C (pickup latency).
 *
 * @param startedAt when the run started (UTC, ISO-8601)
 * @param postgres the server's {@code version()}
 * @param database the database the run used
 * @param jobs jobs per throughput workload
 * @param concurrency worker concurrency
 * @param addsInFlight single adds in flight in A
 * @param bulkSize jobs per {@code enqueueAll} call in B
 * @param tenants tenants the jobs of A and B are spread over
 * @param warmUpJobs jobs of the untimed workload A run before A in the same JVM ({@code --warm-up}); 0 in a standard run
 * @param single workload A, its single adds through {@code JobQueue.submit} (group commit)
 * @param singleInTransaction workload A's single adds again, each in a transaction of the caller's
 * @param bulk workload B
 * @param pickup workload C
 * @param recovery a worker process killed with {@code kill -9} while holding jobs
 */
record QueueBenchReport(
        String startedAt,
        String postgres,
        String database,
        int jobs,
        int concurrency,
        int addsInFlight,
        int bulkSize,
        int tenants,
        int warmUpJobs,
        Throughput single,
        Adds singleInTransaction,
        Throughput bulk,
        Pickup pickup,
        Recovery recovery) {

    private static final DateTimeFormatter FILE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One throughput workload: the adds, then the burn-down. Costs per job come from the server's own counters
     * ({@code txid_current()}, {@code pg_current_wal_lsn()}), which are server-wide.
     *
     * @param addMs wall time of all adds
     * @param addsPerSec jobs / add time
     * @param addP50Ms median time of one add call (single adds: getConnection, INSERT, COMMIT)
     * @param addP99Ms 99th percentile of one add call
     * @param addWriteXactsPerJob write transactions (each one WAL flush at commit) per job while adding
     * @param addWalBytesPerJob WAL bytes per job while adding
     * @param addWaits what the database's active backends waited on while adding ({@code pg_stat_activity} samples)
     * @param analyzeMs time of the ANALYZE run between adding and processing (outside both timed windows)
     * @param burnMs first handler start until the database shows every job completed
     * @param jobsPerSec jobs / burn time
     * @param handlerSpanMs first handler start until the last handler returned
     * @param confirmLagMs last handler return until the database showed every job completed
     * @param processWriteXactsPerJob write transactions per job while processing
     * @param processWalBytesPerJob WAL bytes per job while processing
     * @param processWaits what the database's active backends waited on while processing
     * @param completed jobs in state {@code completed} at the end
     * @param rows job rows in the table at the end
     * @param handlerStarts handler invocations
     * @param duplicateStarts handler invocations beyond the first for a job (0 when every job ran exactly once)
     * @param maxAttempt highest {@code attempt} of any job (1 when none was retried)
     */
    record Throughput(
            double addMs,
            double addsPerSec,
            double addP50Ms,
            double addP99Ms,
            double addWriteXactsPerJob,
            double addWalBytesPerJob,
            String addWaits,
            long analyzeMs,
            double burnMs,
            double jobsPerSec,
            double handlerSpanMs,
            double confirmLagMs,
            double processWriteXactsPerJob,
            double processWalBytesPerJob,
            String processWaits,
            long completed,
            long rows,
            long handlerStarts,
            long duplicateStarts,
            int maxAttempt) {}

    /**
     * Adds alone, without a burn-down.
     *
     * @param addMs wall time of all adds
     * @param addsPerSec jobs / add time
     * @param addP50Ms median time of one add call
     * @param addP99Ms 99th percentile of one add call
     * @param writeXactsPerJob write transactions per job while adding
     * @param walBytesPerJob WAL bytes per job while adding
     * @param waits what the database's active backends waited on while adding
     */
    record Adds(
            double addMs,
            double addsPerSec,
            double addP50Ms,
            double addP99Ms,
            double writeXactsPerJob,
            double walBytesPerJob,
            String waits) {}

    /**
     * Workload C: jobs added at an open arrival rate to an idle worker.
     *
     * @param jobs jobs added
     * @param gapMs gap between intended send times
     * @param p50Ms median from the add's commit returning to the handler's start
     * @param p99Ms 99th percentile of the same
     * @param maxMs maximum of the same
     * @param fromSendP50Ms median from the intended send time (includes the add's own INSERT and COMMIT)
     * @param fromSendP99Ms 99th percentile of the same
     * @param fromSendMaxMs maximum of the same
     * @param startedBeforeAck handlers that started before the client saw its commit return (counted as 0 ms)
     * @param completed jobs in state {@code completed} at the end
     * @param duplicateStarts handler invocations beyond the first for a job
     * @param commitToNotified the add's commit returning → the worker's LISTEN connection woke it (0 when earlier)
     * @param notifiedToClaimed that wake-up → the claim's transaction returned
     * @param claimedToStarted the claim returned → the handler started (a virtual thread's start)
     */
    record Pickup(
            int jobs,
            double gapMs,
            double p50Ms,
            double p99Ms,
            double maxMs,
            double fromSendP50Ms,
            double fromSendP99Ms,
            double fromSendMaxMs,
            long startedBeforeAck,
            long completed,
            long duplicateStarts,
            Split commitToNotified,
            Split notifiedToClaimed,
            Split claimedToStarted) {}

    /**
     * Recovery after {@code kill -9} of a worker process that held jobs.
     *
     * @param jobs jobs the killed worker held
     * @param leaseMs the lease (default) the jobs were claimed with
     * @param rescuerMs the rescuer's interval (default)
     * @param firstMs the kill → the first job's handler started in another worker
     * @param allMs the kill → the last job's handler started
     * @param secondAttempts jobs that completed at attempt 2 (should be all)
     */
    record Recovery(int jobs, long leaseMs, long rescuerMs, double firstMs, double allMs, long secondAttempts) {}

    /** One leg of the pickup path: jobs measured, p50, p99 and max in ms. */
    record Split(long jobs, double p50Ms, double p99Ms, double maxMs) {

        String text() {
            return String.format(Locale.ROOT, "%s / %s / %s ms", num(p50Ms), num(p99Ms), num(maxMs));
        }
    }

    /** Problems with the run's integrity (jobs lost, run twice or retried); empty when every count matches. */
    String problems() {
        StringBuilder out = new StringBuilder();
        check(out, "A", single);
        check(out, "B", bulk);
        if (recovery.secondAttempts() != recovery.jobs()) {
            out.append("D: ")
                    .append(recovery.secondAttempts())
                    .append(" of ")
                    .append(recovery.jobs())
                    .append(" jobs completed at attempt 2; ");
        }
        if (pickup.completed() != pickup.jobs()) {
            out.append("C: ")
                    .append(pickup.completed())
                    .append(" of ")
                    .append(pickup.jobs())
                    .append(" jobs completed; ");
        }
        if (pickup.duplicateStarts() != 0) {
            out.append("C: ").append(pickup.duplicateStarts()).append(" duplicate handler starts; ");
        }
        return out.toString().strip();
    }

    private void check(StringBuilder out, String name, Throughput t) {
        if (t.completed() != jobs || t.rows() != jobs) {
            out.append(name)
                    .append(": ")
                    .append(t.completed())
                    .append(" of ")
                    .append(jobs)
                    .append(" jobs completed, ")
                    .append(t.rows())
                    .append(" rows; ");
        }
        if (t.handlerStarts() != jobs || t.duplicateStarts() != 0) {
            out.append(name)
                    .append(": ")
                    .append(t.handlerStarts())
                    .append(" handler starts, ")
                    .append(t.duplicateStarts())
                    .append(" duplicates; ");
        }
        if (t.maxAttempt() != 1) {
            out.append(name)
                    .append(": a job reached attempt ")
                    .append(t.maxAttempt())
                    .append("; ");
        }
    }

    /** The summary: the peers' table columns, then the details behind each figure. */
    String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("## kiln bench queue, ").append(startedAt).append("\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%,d no-op jobs per workload from %d tenant(s), worker concurrency %d, %d single adds in flight,"
                        + " bulk %,d a call;"
                        + " pickup: %d jobs %s ms apart to an idle worker. %s, database %s. ANALYZE ran between"
                        + " adding and processing (autovacuum is off on this server), outside the timed windows.%s%n%n",
                jobs,
                tenants,
                concurrency,
                addsInFlight,
                bulkSize,
                pickup.jobs(),
                num(pickup.gapMs()),
                postgres.replaceAll(" on .*", ""),
                database,
                warmUpJobs == 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                " Not a standard run: an untimed A of %,d jobs ran first in the same JVM (--warm-up).",
                                warmUpJobs)));
        md.append("| queue | add one | add one, in caller's tx | add bulk | burn-down A | burn-down B"
                + " | pickup p50 / p99 |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        md.append(String.format(
                Locale.ROOT,
                "| Kiln (kiln-queue) | %,.0f/s | %,.0f/s | %,.0f/s | %,.0f jobs/s | %,.0f jobs/s | %s / %s ms |%n%n",
                single.addsPerSec(),
                singleInTransaction.addsPerSec(),
                bulk.addsPerSec(),
                single.jobsPerSec(),
                bulk.jobsPerSec(),
                num(pickup.p50Ms()),
                num(pickup.p99Ms())));
        md.append("| workload | adds | add call p50 / p99 | xacts/job, WAL B/job (add) | ANALYZE | burn-down"
                + " | handlers / confirm lag | xacts/job, WAL B/job (process) |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        row(md, "A (single adds, grouped)", single);
        row(md, "B (bulk adds)", bulk);
        md.append(String.format(
                Locale.ROOT,
                "%nA's single adds again (the first %,d), each in a transaction of the caller's (as a generation's"
                        + " job is added): %,.0f/s in %,.0f ms, add call p50 / p99 %s / %s ms, %s xacts/job, %,.0f WAL B/job.%n",
                Math.round(singleInTransaction.addsPerSec() * singleInTransaction.addMs() / 1000),
                singleInTransaction.addsPerSec(),
                singleInTransaction.addMs(),
                num(singleInTransaction.addP50Ms()),
                num(singleInTransaction.addP99Ms()),
                num(singleInTransaction.writeXactsPerJob()),
                singleInTransaction.walBytesPerJob()));
        md.append(String.format(
                Locale.ROOT,
                "%nDatabase wait events (pg_stat_activity, sampled every 20 ms):%n%n"
                        + "- A adding: %s%n- A processing: %s%n- A adding, in the caller's transaction: %s%n"
                        + "- B adding: %s%n- B processing: %s%n",
                single.addWaits(),
                single.processWaits(),
                singleInTransaction.waits(),
                bulk.addWaits(),
                bulk.processWaits()));
        md.append(String.format(
                Locale.ROOT,
                "%nPickup (C): commit of the add → handler start p50 %s, p99 %s, max %s ms; from the intended send"
                        + " time (adds the INSERT and COMMIT) p50 %s, p99 %s, max %s ms; %d of %d handlers started"
                        + " before the client saw its commit return.%n",
                num(pickup.p50Ms()),
                num(pickup.p99Ms()),
                num(pickup.maxMs()),
                num(pickup.fromSendP50Ms()),
                num(pickup.fromSendP99Ms()),
                num(pickup.fromSendMaxMs()),
                pickup.startedBeforeAck(),
                pickup.jobs()));
        md.append(String.format(
                Locale.ROOT,
                "Where the pickup goes (p50 / p99 / max, %d of %d jobs matched): commit → LISTEN wake-up %s;"
                        + " wake-up → claim returned %s; claim → handler start %s.%n",
                pickup.notifiedToClaimed().jobs(),
                pickup.jobs(),
                pickup.commitToNotified().text(),
                pickup.notifiedToClaimed().text(),
                pickup.claimedToStarted().text()));
        md.append(String.format(
                Locale.ROOT,
                "%nRecovery (D): a worker process holding %d jobs (lease %,d ms, rescuer every %,d ms) killed with"
                        + " kill -9; another worker had the first back in %,.0f ms and all %d in %,.0f ms after the kill;"
                        + " %d completed at attempt 2.%n",
                recovery.jobs(),
                recovery.leaseMs(),
                recovery.rescuerMs(),
                recovery.firstMs(),
                recovery.jobs(),
                recovery.allMs(),
                recovery.secondAttempts()));
        String problems = problems();
        md.append(
                problems.isEmpty()
                        ? String.format(
                                Locale.ROOT,
                                "Checks: every job of A, B and C completed exactly once at attempt 1 (%,d + %,d + %d).%n",
                                single.completed(),
                                bulk.completed(),
                                pickup.completed())
                        : "Checks FAILED: " + problems + "\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String name, Throughput t) {
        md.append(String.format(
                Locale.ROOT,
                "| %s | %,.0f/s in %,.0f ms | %s / %s ms | %s, %,.0f | %d ms | %,.0f jobs/s in %,.0f ms | %,.0f ms / %,.0f"
                        + " ms | %s, %,.0f |%n",
                name,
                t.addsPerSec(),
                t.addMs(),
                num(t.addP50Ms()),
                num(t.addP99Ms()),
                num(t.addWriteXactsPerJob()),
                t.addWalBytesPerJob(),
                t.analyzeMs(),
                t.jobsPerSec(),
                t.burnMs(),
                t.handlerSpanMs(),
                t.confirmLagMs(),
                num(t.processWriteXactsPerJob()),
                t.processWalBytesPerJob()));
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Paths of the files written by {@link #writeTo(Path)}. */
    record WrittenFiles(Path json, Path markdown) {}

    /** Writes {@code queue-<utc stamp>.json} and {@code .md} into {@code directory}, creating it if needed. */
    WrittenFiles writeTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        String base = "queue-" + FILE_STAMP.format(Instant.parse(startedAt));
        Path json = directory.resolve(base + ".json");
        Path markdown = directory.resolve(base + ".md");
        Files.writeString(json, toJson());
        Files.writeString(markdown, toMarkdown());
        return new WrittenFiles(json, markdown);
    }
}
