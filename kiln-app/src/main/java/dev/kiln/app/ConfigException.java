package dev.kiln.app;

/** A configuration value that is missing or invalid; its message names the setting. */
final class ConfigException extends RuntimeException {
    ConfigException(String message) {
        super(message, null, false, false);
    }
}
