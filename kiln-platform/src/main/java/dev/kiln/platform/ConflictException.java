package dev.kiln.platform;

/** The resource's current state refuses the request (409): it is already terminal, in flight, or in use. */
public class ConflictException extends RuntimeException {

    /** Creates the exception; {@code message} says what the client can do about it. */
    public ConflictException(String message) {
        super(message, null, false, false);
    }
}
