package dev.kiln.http;

import dev.kiln.platform.assets.Assets;
import dev.kiln.platform.events.GenerationEventHub;
import dev.kiln.render.RenderLimits;
import java.util.Objects;
import java.util.Optional;

/**
 * What the live-status route ({@code GET /v1/generations/{id}/events}) and the upload routes ({@code /v1/assets})
 * need beyond the platform; a server without them does not serve those routes.
 *
 * @param events the instance's generation-event hub, for live status
 * @param streams caps and heartbeat of event streams
 * @param assets uploaded assets, for {@code /v1/assets} and {@code asset:<id>} image sources
 * @param imageLimits the caps an upload is checked against (the render engine's embedded-image caps)
 */
public record LiveAndUploads(
        Optional<GenerationEventHub> events,
        EventStreamConfig streams,
        Optional<Assets> assets,
        RenderLimits imageLimits) {
    /** Neither live status nor uploads. */
    public static final LiveAndUploads NONE = new LiveAndUploads(
            Optional.empty(), EventStreamConfig.defaults(), Optional.empty(), RenderLimits.defaults());

    public LiveAndUploads {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(assets, "assets");
        Objects.requireNonNull(imageLimits, "imageLimits");
    }
}
