package dev.kiln.platform.generations;

import dev.kiln.platform.ConflictException;

/** Another request with the same {@code Idempotency-Key} is being processed right now (409); retry shortly. */
public final class IdempotencyKeyInUseException extends ConflictException {

    /** Creates the exception. */
    public IdempotencyKeyInUseException() {
        super("a request with this Idempotency-Key is still being processed; retry once it has answered");
    }
}
