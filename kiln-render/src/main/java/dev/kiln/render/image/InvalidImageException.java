package dev.kiln.render.image;

/** Bytes that are not an acceptable image, with the reason a client is told. */
public final class InvalidImageException extends RuntimeException {
    /** Why an image was refused. */
    public enum Reason {
        /** The magic bytes name no accepted format. */
        NOT_AN_IMAGE,
        /** The bytes are another accepted format than the one declared. */
        TYPE_MISMATCH,
        /** The structure ends before the image does. */
        TRUNCATED,
        /** The structure is broken (a bad checksum, an impossible length, a missing header). */
        CORRUPT,
        /** The header declares more pixels than the cap: a decompression bomb, refused before decoding. */
        TOO_MANY_PIXELS,
        /** More bytes than the cap. */
        TOO_LARGE
    }

    private final Reason reason;

    public InvalidImageException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** Why it was refused. */
    public Reason reason() {
        return reason;
    }
}
