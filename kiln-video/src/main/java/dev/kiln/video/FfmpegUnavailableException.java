package dev.kiln.video;

/** Neither the bundled ffmpeg nor one on the {@code PATH} starts; the message says what was tried. */
public final class FfmpegUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public FfmpegUnavailableException(String message) {
        super(message);
    }
}
