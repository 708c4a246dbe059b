package dev.kiln.platform.events;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link EventRetention}.
 *
 * @param retention how long after a generation finished its events are kept (the SSE resume window of a finished
 *     generation); a live generation's events are never pruned
 * @param interval how often the {@value EventRetention#NAME} service runs
 * @param batchSize event ids one DELETE covers, so no statement holds its locks for long
 */
public record EventRetentionConfig(Duration retention, Duration interval, int batchSize) {
    /** Default retention of a finished generation's events: 24 h, as the queue keeps its completed jobs. */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    /** Default interval: 1 min. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    /** Default batch: 1,000 event ids per DELETE. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;
    /** Shortest interval: a tighter loop would only add load. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    public EventRetentionConfig {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(interval, "interval");
        if (retention.isNegative()) {
            throw new IllegalArgumentException("KILN_EVENT_RETENTION must be at least 0, was " + retention);
        }
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("KILN_EVENT_RETENTION_INTERVAL must be at least "
                    + MIN_INTERVAL.toMillis() + " ms, was " + interval);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the event retention batch size must be at least 1, was " + batchSize);
        }
    }

    /** The defaults. */
    public static EventRetentionConfig defaults() {
        return new EventRetentionConfig(DEFAULT_RETENTION, DEFAULT_INTERVAL, DEFAULT_BATCH_SIZE);
    }
}
