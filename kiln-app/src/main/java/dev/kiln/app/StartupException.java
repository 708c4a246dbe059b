package dev.kiln.app;

/** A dependency Kiln needs is missing; the message says what to start or set. */
final class StartupException extends RuntimeException {
    StartupException(String message) {
        super(message, null, false, false);
    }
}
