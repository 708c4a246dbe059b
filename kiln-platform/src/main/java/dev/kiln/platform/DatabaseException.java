package dev.kiln.platform;

/** A database operation failed; the cause holds the driver's {@link java.sql.SQLException}. */
public class DatabaseException extends RuntimeException {

    /** Creates an exception whose message says what was being done. */
    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
