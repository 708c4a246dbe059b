package dev.kiln.loadgen;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.kiln.queue.JobQueue;
import dev.kiln.queue.WorkerConfig;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker process that {@code kiln bench queue}'s recovery workload kills with {@code kill -9}: it claims jobs
 * with the queue's default leases and holds them (its handlers never return), heartbeating, until it is killed.
 * Arguments: JDBC URL, user, password, the number of jobs to hold.
 */
public final class RecoveryVictim {

    private RecoveryVictim() {}

    /** Entry point, started by {@link QueueBench} as a child JVM. */
    public static void main(String[] args) throws InterruptedException {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(args[0]);
        h.setUsername(args[1]);
        h.setPassword(args[2]);
        int jobs = Integer.parseInt(args[3]);
        h.setMaximumPoolSize(6);
        h.setPoolName("kiln-bench-victim");
        AtomicInteger held = new AtomicInteger();
        CountDownLatch forever = new CountDownLatch(1);
        HikariDataSource pool = new HikariDataSource(h);
        JobQueue queue = JobQueue.create(pool);
        queue.startWorker(WorkerConfig.named("bench-victim").withConcurrency(jobs), Map.of(QueueBench.KIND, ctx -> {
            if (held.incrementAndGet() == jobs) {
                System.out.println("holding " + jobs);
                System.out.flush();
            }
            forever.await();
        }));
        forever.await();
    }
}
