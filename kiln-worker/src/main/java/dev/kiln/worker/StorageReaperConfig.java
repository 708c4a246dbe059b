package dev.kiln.worker;

import java.time.Duration;

/**
 * How the {@value StorageReaper#NAME} runs.
 *
 * @param interval how often it runs
 * @param grace how long a blob is kept after its last put although nothing references it: longer than any writer
 *     takes from its put to the commit that records the reference (docs/storage.md, "The storage reaper")
 */
public record StorageReaperConfig(Duration interval, Duration grace) {
    /** Default interval: 10 min. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);
    /** Default grace: 1 h. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);
    /** Shortest interval accepted: 1 s. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /**
     * Shortest grace accepted: the video attempt timeout (16 min), the longest a generation's put can precede its
     * completion's commit (the completion is fenced: after the timeout the queue no longer lets it commit).
     */
    public static final Duration MIN_GRACE = QueueGenerationJobs.VIDEO_ATTEMPT_TIMEOUT;

    public StorageReaperConfig {
        if (interval == null || interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException(
                    "storage reaper interval must be at least " + MIN_INTERVAL + ", was " + interval);
        }
        if (grace == null || grace.compareTo(MIN_GRACE) < 0) {
            throw new IllegalArgumentException("storage reaper grace must be at least the video attempt timeout "
                    + MIN_GRACE + " (a blob may be put that long before its reference commits), was " + grace);
        }
    }

    /** The documented defaults. */
    public static StorageReaperConfig defaults() {
        return new StorageReaperConfig(DEFAULT_INTERVAL, DEFAULT_GRACE);
    }
}
