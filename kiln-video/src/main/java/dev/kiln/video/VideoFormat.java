package dev.kiln.video;

import java.util.Optional;

/** Animated output formats, made by ffmpeg from raw frames. */
public enum VideoFormat {
    /** H.264 in MP4, yuv420p, {@code +faststart} (the index first, so playback starts before the download ends). */
    MP4("mp4", "video/mp4", "mp4"),
    /** Animated WebP (libwebp), lossy, looping. */
    WEBP_ANIMATED("webp-animated", "image/webp", "webp"),
    /** GIF with a palette generated from the video's own frames, looping. */
    GIF("gif", "image/gif", "gif");

    private final String wireName;
    private final String mediaType;
    private final String extension;

    VideoFormat(String wireName, String mediaType, String extension) {
        this.wireName = wireName;
        this.mediaType = mediaType;
        this.extension = extension;
    }

    /** The name in JSON ({@code "mp4"}). */
    public String wireName() {
        return wireName;
    }

    /** The HTTP media type of the file. */
    public String mediaType() {
        return mediaType;
    }

    /** The file extension, without the dot. */
    public String extension() {
        return extension;
    }

    /** The format named {@code name} in JSON, if it is a video format. */
    public static Optional<VideoFormat> fromWireName(String name) {
        for (VideoFormat f : values()) {
            if (f.wireName.equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
