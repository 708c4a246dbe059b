package dev.kiln.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker process killed with {@code kill -9} mid-run loses no job and runs none twice: its leases expire, the
 * rescuer returns the jobs, and a second process completes them, each exactly once as counted by fencing token.
 */
class CrashRecoveryTest {

    @RegisterExtension
    static final QueueDatabase db = new QueueDatabase();

    /** Short leases so the test is quick; the relation (heartbeat < lease/2, rescuer ≤ lease) is the production one. */
    static final QueueConfig CONFIG = QueueConfig.defaults()
            .withPollInterval(Duration.ofMillis(100))
            .withLeases(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMillis(200));

    private static final int JOBS = 200;
    private final List<Process> children = new ArrayList<>();

    private Process startWorker(String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path log = Files.createDirectories(Path.of("target", "crash-test")).resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Xshare:auto",
                        "-XX:TieredStopAtLevel=1",
                        CrashWorkerMain.class.getName(),
                        db.name(),
                        name)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process p = pb.start();
        children.add(p);
        return p;
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void killedWorkersJobsAreRescuedAndEveryJobCompletesExactlyOnce() throws Exception {
        db.update("CREATE TABLE crash_results (job_id bigint NOT NULL, token bigint NOT NULL, worker text NOT NULL)");
        try (JobQueue queue = JobQueue.builder(db.dataSource()).config(CONFIG).build();
                Maintenance maintenance = queue.maintenance().start()) {
            List<JobRequest> requests = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                requests.add(JobRequest.of("crash", "crash-tenant-" + (i % 4), "{\"i\":" + i + "}"));
            }
            db.enqueue(queue, requests);

            Process first = startWorker("first");
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> db.queryLong("SELECT count(*) FROM crash_results") >= 40);
            first.destroyForcibly();
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long running = db.queryLong("SELECT count(*) FROM kiln_queue_jobs WHERE state = 'running'");

            startWorker("second");
            await().atMost(Duration.ofSeconds(25))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() ->
                            db.queryLong("SELECT count(*) FROM kiln_queue_jobs WHERE state = 'completed'") == JOBS);

            assertThat(db.queryLong("SELECT count(*) FROM crash_results")).isEqualTo(JOBS);
            assertThat(db.queryLong("SELECT count(DISTINCT job_id) FROM crash_results"))
                    .isEqualTo(JOBS);
            // Each recorded result carries the token of the claim that completed the job.
            assertThat(db.queryLong("SELECT count(*) FROM crash_results r JOIN kiln_queue_jobs j"
                            + " ON j.id = r.job_id AND j.token = r.token"))
                    .isEqualTo(JOBS);
            assertThat(db.queryLong("SELECT count(*) FROM crash_results WHERE worker = 'first'"))
                    .isBetween(40L, (long) JOBS - 1);
            if (running > 0) {
                // The jobs the dead worker held were rescued and ran a second attempt.
                assertThat(db.queryLong("SELECT count(*) FROM kiln_queue_jobs WHERE attempt >= 2"))
                        .isGreaterThan(0);
            }
        }
        System.out.println("crash test: logs in " + new File("target/crash-test").getAbsolutePath());
    }
}
