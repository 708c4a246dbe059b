package dev.kiln.video;

/** The video ran past its deadline; the encoder was killed. Fails the attempt (a retry may succeed on a quieter node). */
public final class VideoDeadlineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A deadline failure described by {@code message}. */
    public VideoDeadlineException(String message) {
        super(message);
    }
}
