package dev.kiln.queue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A worker in a child JVM for {@link CrashRecoveryTest}: runs "crash" jobs until the test kills it with {@code kill
 * -9}. Each job records (job id, fencing token) in {@code crash_results} in the same transaction as its completion.
 *
 * <p>Arguments: database name, worker name.
 */
public final class CrashWorkerMain {

    /** Simulated work per job, so the test can kill the worker while jobs are in flight. */
    static final Duration WORK = Duration.ofMillis(15);

    private CrashWorkerMain() {}

    /** Runs until killed. */
    public static void main(String[] args) throws Exception {
        String database = args[0];
        String worker = args[1];
        HikariDataSource ds = QueueDatabase.pool(database, 6);
        JobQueue queue = JobQueue.builder(ds).config(CrashRecoveryTest.CONFIG).build();
        queue.startWorker(WorkerConfig.named(worker).withConcurrency(4), Map.of("crash", ctx -> {
            Thread.sleep(WORK);
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO crash_results VALUES (?, ?, ?)")) {
                    ps.setLong(1, ctx.id());
                    ps.setLong(2, ctx.token());
                    ps.setString(3, worker);
                    ps.executeUpdate();
                }
                if (ctx.complete(c)) {
                    c.commit();
                } else {
                    c.rollback();
                }
            }
        }));
        System.out.println("worker " + worker + " started");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
