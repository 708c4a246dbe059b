package dev.kiln.video;

/** ffmpeg exited with an error, crashed or was killed by someone else; the message carries its exit code and stderr. */
public final class EncoderFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public EncoderFailedException(String message) {
        super(message);
    }
}
