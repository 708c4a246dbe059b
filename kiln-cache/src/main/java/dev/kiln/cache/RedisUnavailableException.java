package dev.kiln.cache;

/** Redis is not configured, not connected, behind an open circuit breaker, or did not answer in time. */
public final class RedisUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedisUnavailableException(String message, Throwable cause) {
        super(message, cause, /* enableSuppression= */ false, /* writableStackTrace= */ false);
    }
}
