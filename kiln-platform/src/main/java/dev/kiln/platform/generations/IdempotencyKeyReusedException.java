package dev.kiln.platform.generations;

/** The {@code Idempotency-Key} was already used for a different request (422): a new request needs a new key. */
public final class IdempotencyKeyReusedException extends RuntimeException {

    /** Creates the exception. */
    public IdempotencyKeyReusedException() {
        super(
                "this Idempotency-Key was already used with a different request; use a new key for a new request",
                null,
                false,
                false);
    }
}
