package dev.kiln.app;

import dev.kiln.ops.MetricNames;
import dev.kiln.ops.Metrics;
import dev.kiln.queue.JobQueue;
import dev.kiln.queue.QueueListener;
import dev.kiln.queue.QueueStats;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The job queue's figures in {@code /metrics}: claims, retries, dead jobs and lease rescues as counters (the queue's
 * {@link QueueListener} seam), and depth and the oldest waiting job's age as gauges, read from the database at most
 * once a second however often they are scraped.
 */
final class QueueMetrics implements QueueListener {
    /** Gauges reuse one stats query for this long. */
    static final Duration STATS_TTL = Duration.ofSeconds(1);

    private final Counter claims;
    private final Counter retries;
    private final Counter dead;
    private final Counter rescued;
    private final AtomicReference<Sample> last = new AtomicReference<>();

    private record Sample(long atNanos, QueueStats stats) {}

    QueueMetrics(Metrics metrics) {
        this.claims = metrics.counter(MetricNames.JOBS_CLAIMS);
        this.retries = metrics.counter(MetricNames.JOBS_RETRIES);
        this.dead = metrics.counter(MetricNames.JOBS_DEAD);
        this.rescued = metrics.counter(MetricNames.JOBS_RESCUED);
    }

    /** Registers the depth and oldest-age gauges of {@code queue}. */
    void registerGauges(Metrics metrics, JobQueue queue) {
        metrics.gauge(MetricNames.JOBS_QUEUE_DEPTH, () -> stats(queue).available());
        metrics.gauge(
                MetricNames.JOBS_OLDEST_AGE,
                () -> stats(queue).oldestAvailableAge().toMillis() / 1000.0);
    }

    private QueueStats stats(JobQueue queue) {
        Sample s = last.get();
        long now = System.nanoTime();
        if (s == null || now - s.atNanos() > STATS_TTL.toNanos()) {
            try {
                s = new Sample(now, queue.stats());
            } catch (Exception e) {
                // A database hiccup must not break the scrape; the last figures stand until the next one.
                return s == null ? new QueueStats(0, 0, 0, Duration.ZERO) : s.stats();
            }
            last.set(s);
        }
        return s.stats();
    }

    @Override
    public void claimed(int jobs) {
        claims.increment(jobs);
    }

    @Override
    public void retried(String kind, int attempt, Duration delay) {
        retries.increment();
    }

    @Override
    public void discarded(String kind, int attempt) {
        dead.increment();
    }

    @Override
    public void rescued(int returned, int discarded) {
        rescued.increment(returned);
        dead.increment(discarded);
    }
}
