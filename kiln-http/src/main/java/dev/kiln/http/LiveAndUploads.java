package dev.kiln.http;

import dev.kiln.platform.events.GenerationEventHub;
import java.util.Objects;
import java.util.Optional;

/**
 * What the live-status route ({@code GET /v1/generations/{id}/events}) and the upload routes ({@code /v1/assets})
 * need beyond the platform; a server without them does not serve those routes.
 *
 * @param events the instance's generation-event hub, for live status
 * @param streams caps and heartbeat of event streams
 */
public record LiveAndUploads(Optional<GenerationEventHub> events, EventStreamConfig streams) {
    /** Neither live status nor uploads. */
    public static final LiveAndUploads NONE = new LiveAndUploads(Optional.empty(), EventStreamConfig.defaults());

    public LiveAndUploads {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(streams, "streams");
    }
}
