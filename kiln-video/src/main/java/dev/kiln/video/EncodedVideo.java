package dev.kiln.video;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A finished video in its work directory, with its poster and thumbnail.
 *
 * @param file the video file (deleted with the work directory)
 * @param bytes its size
 * @param spec what it holds: size, fps, frames
 * @param poster the poster frame as PNG, at the video's size
 * @param thumbnail the poster frame as a small WebP, at most {@link VideoEncoder#THUMBNAIL_BOX} px on its long side
 */
public record EncodedVideo(Path file, long bytes, VideoSpec spec, byte[] poster, byte[] thumbnail) {
    public EncodedVideo {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(poster, "poster");
        Objects.requireNonNull(thumbnail, "thumbnail");
    }
}
