package dev.kiln.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Raw {@code KILN_*} settings: environment variables over an optional properties file. Typed getters fail
 * with a {@link ConfigException} that names the setting.
 */
final class Settings {
    /** Environment variable naming a properties file whose keys are the same {@code KILN_*} names. */
    static final String CONFIG_FILE = "KILN_CONFIG_FILE";

    /** Every {@code KILN_*} name the server or the launcher reads; others are typos worth a warning. */
    static final java.util.Set<String> KNOWN = java.util.Set.of(
            "KILN_CONFIG_FILE",
            "KILN_HOST",
            "KILN_PORT",
            "KILN_MAX_BODY_BYTES",
            "KILN_REQUEST_TIMEOUT",
            "KILN_MAX_REQUEST_TIMEOUT",
            "KILN_DRAIN_TIMEOUT",
            "KILN_RENDER_WORKERS",
            "KILN_RENDER_QUEUE",
            "KILN_RENDER_MEMORY_MB",
            "KILN_RENDER_OVERDUE_GRACE",
            "KILN_RENDER_WEDGE_LIMIT",
            "KILN_DB_HOST",
            "KILN_DB_PORT",
            "KILN_DB_NAME",
            "KILN_DB_USER",
            "KILN_DB_PASSWORD",
            "KILN_DB_POOL_SIZE",
            "KILN_DB_CONNECT_TIMEOUT",
            "KILN_DB_STATEMENT_TIMEOUT",
            "KILN_HOME",
            "KILN_ROLE",
            "KILN_STORAGE_DIR",
            "KILN_NEW_USER_CREDITS",
            "KILN_REDIS_URL",
            "KILN_REDIS_TIMEOUT",
            "KILN_REDIS_PREFIX",
            "KILN_RATE_LIMIT",
            "KILN_RATE_LIMIT_WINDOW",
            "KILN_CACHE_INFLIGHT_TTL",
            "KILN_CACHE",
            "KILN_EVENT_RETENTION",
            "KILN_EVENT_RETENTION_INTERVAL",
            "KILN_LOG_FORMAT",
            "KILN_HEAP",
            "KILN_SOFT_HEAP",
            "KILN_JAVA_OPTS",
            "KILN_JDK_DIRS",
            "KILN_EXAMPLES",
            "KILN_API_KEY");

    private final Map<String, String> values;

    Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Reads {@code KILN_CONFIG_FILE} (if set) and then the environment, which wins. */
    static Settings load(Map<String, String> env) {
        Map<String, String> merged = new HashMap<>();
        String file = env.get(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file))) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException(CONFIG_FILE + "=" + file + " cannot be read: " + e.getMessage());
            }
            for (String name : p.stringPropertyNames()) {
                if (!name.startsWith("KILN_")) {
                    throw new ConfigException(
                            "unknown setting '" + name + "' in " + file + " (settings start with KILN_)");
                }
                merged.put(name, p.getProperty(name).strip());
            }
        }
        env.forEach((k, v) -> {
            if (k.startsWith("KILN_")) {
                merged.put(k, v.strip());
            }
        });
        return new Settings(merged);
    }

    /** The {@code KILN_*} names given that nothing reads, sorted. */
    java.util.List<String> unknownNames() {
        return values.keySet().stream().filter(n -> !KNOWN.contains(n)).sorted().toList();
    }

    Settings with(String name, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(name, value);
        return new Settings(copy);
    }

    Optional<String> raw(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    String string(String name, String dflt) {
        return raw(name).orElse(dflt);
    }

    int integer(String name, int dflt) {
        long v = longValue(name, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ConfigException(name + " must be an integer, was '" + v + "'");
        }
        return (int) v;
    }

    long longValue(String name, long dflt) {
        return raw(name)
                .map(v -> {
                    try {
                        return Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new ConfigException(name + " must be an integer, was '" + v + "'");
                    }
                })
                .orElse(dflt);
    }

    /** A duration written as {@code 250ms}, {@code 10s}, {@code 2m}, or a bare number of milliseconds. */
    Duration duration(String name, Duration dflt) {
        return raw(name).map(v -> parseDuration(name, v)).orElse(dflt);
    }

    static Duration parseDuration(String name, String v) {
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60));
            }
            return Duration.ofMillis(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a duration such as 500ms, 10s or 2m, was '" + v + "'");
        }
    }
}
