package dev.kiln.platform;

/**
 * PostgreSQL cannot be reached or will not accept Kiln's connections. The message is one line that says what to
 * start or set, fit to print instead of a stack trace.
 */
public final class DatabaseUnavailableException extends DatabaseException {

    /** Creates an exception with a one-line, actionable message. */
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
