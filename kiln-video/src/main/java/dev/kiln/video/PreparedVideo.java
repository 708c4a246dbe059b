package dev.kiln.video;

import dev.kiln.render.PreparedRender;
import java.util.Objects;

/**
 * A validated video: the prepared document at the video's frame size, and the video's parameters.
 *
 * @param frames the document, prepared as a still at the frame size (its output format is unused)
 * @param spec what to make
 */
public record PreparedVideo(PreparedRender frames, VideoSpec spec) {
    public PreparedVideo {
        Objects.requireNonNull(frames, "frames");
        Objects.requireNonNull(spec, "spec");
    }
}
