package dev.kiln.http;

import java.time.Duration;

/**
 * Live-status streams ({@code GET /v1/generations/{id}/events}).
 *
 * @param maxStreams most streams open at once on this instance (more get 429)
 * @param maxStreamsPerUser most streams one user may hold open at once on this instance (more get 429)
 * @param heartbeat idle time after which a stream sends a comment line, so proxies keep it open and a gone client is
 *     noticed
 * @param retry the reconnection delay the stream advises clients ({@code retry:} field)
 */
public record EventStreamConfig(int maxStreams, int maxStreamsPerUser, Duration heartbeat, Duration retry) {
    /** Default cap per instance: 1,000 streams (each is one virtual thread and one socket, no connection). */
    public static final int DEFAULT_MAX_STREAMS = 1000;
    /** Default cap per user: 10 streams (a few tabs each watching a few generations). */
    public static final int DEFAULT_MAX_STREAMS_PER_USER = 10;
    /** Default heartbeat: 15 s, below the 30–60 s idle timeouts of common proxies. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    /** Default advised reconnection delay: 2 s. */
    public static final Duration DEFAULT_RETRY = Duration.ofSeconds(2);

    public EventStreamConfig {
        if (maxStreams < 1) {
            throw new IllegalArgumentException("KILN_SSE_MAX_STREAMS must be at least 1, was " + maxStreams);
        }
        if (maxStreamsPerUser < 1 || maxStreamsPerUser > maxStreams) {
            throw new IllegalArgumentException("KILN_SSE_MAX_STREAMS_PER_USER must be 1 to KILN_SSE_MAX_STREAMS ("
                    + maxStreams + "), was " + maxStreamsPerUser);
        }
        if (heartbeat == null || heartbeat.compareTo(Duration.ofMillis(10)) < 0 || heartbeat.toHours() >= 1) {
            throw new IllegalArgumentException("KILN_SSE_HEARTBEAT must be from 10ms to under 1h, was " + heartbeat);
        }
        if (retry == null || retry.isNegative() || retry.toHours() >= 1) {
            throw new IllegalArgumentException("the SSE retry delay must be from 0 to under 1h, was " + retry);
        }
    }

    /** The documented defaults. */
    public static EventStreamConfig defaults() {
        return new EventStreamConfig(
                DEFAULT_MAX_STREAMS, DEFAULT_MAX_STREAMS_PER_USER, DEFAULT_HEARTBEAT, DEFAULT_RETRY);
    }
}
